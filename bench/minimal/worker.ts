// Comparison (b) for `npm run bench`: the same binding calls as an accepted tagrelay webhook
// (one KV read, one D1 insert into the same events table, one Queue send, one KV write)
// with none of the work around them: no signature check, no parsing, no normalization.
interface Env {
  DEDUPE_KV: KVNamespace;
  DB: D1Database;
  EVENTS_QUEUE: Queue;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const body = await request.text();
    const id = `minimal:${request.headers.get("x-shopify-webhook-id") ?? crypto.randomUUID()}`;
    if ((await env.DEDUPE_KV.get(`seen:${id}`)) !== null) return Response.json({ status: "duplicate" });
    const now = new Date().toISOString();
    const inserted = await env.DB.prepare(
      `INSERT INTO events (id, source, shop, kind, order_id, occurred_at, received_at, payload)
       VALUES (?1, 'minimal', 'bench', 'purchase', ?1, ?2, ?2, ?3) ON CONFLICT (id) DO NOTHING`,
    )
      .bind(id, now, body)
      .run();
    if (inserted.meta.changes > 0) await env.EVENTS_QUEUE.sendBatch([{ body: { eventId: id } }]);
    ctx.waitUntil(env.DEDUPE_KV.put(`seen:${id}`, "1", { expirationTtl: 604800 }));
    return Response.json({ status: "accepted", events: [{ id, status: "accepted" }] });
  },
} satisfies ExportedHandler<Env>;
