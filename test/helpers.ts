import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect, vi } from "vitest";
import worker from "../src/index";
import { REPLY_REASONS } from "../src/sources/types";
import { SHOP, shopifyJson } from "./fixtures/shopify";

export const SHOPIFY_SECRET = "shopify-test-secret";

const encoder = new TextEncoder();

export async function hmacBase64(secret: string, body: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes));
  return btoa(String.fromCharCode(...mac));
}

export interface ShopifyDelivery {
  topic?: string;
  webhookId?: string;
  secret?: string;
  shop?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function shopifyRequest(body: unknown, delivery: ShopifyDelivery = {}): Promise<Request> {
  const text = typeof body === "string" ? body : shopifyJson(body);
  return new Request("https://relay.test/webhooks/shopify", {
    method: "POST",
    body: text,
    headers: {
      "content-type": delivery.contentType ?? "application/json",
      "x-shopify-topic": delivery.topic ?? "orders/create",
      "x-shopify-shop-domain": delivery.shop ?? SHOP,
      "x-shopify-webhook-id": delivery.webhookId ?? crypto.randomUUID(),
      "x-shopify-api-version": "2026-10",
      "x-shopify-hmac-sha256": await hmacBase64(delivery.secret ?? SHOPIFY_SECRET, text),
      ...delivery.headers,
    },
  });
}

/** Through the real Worker entrypoint, with its real bindings (the Queue's consumer runs too). */
export async function postToWorker(request: Request): Promise<Response> {
  return exports.default.fetch(request);
}

export interface RecordedQueue extends Queue {
  sent: unknown[];
}

/** A Queue producer that records what it is given, or throws. */
export function recordingQueue(fail = false): RecordedQueue {
  const sent: unknown[] = [];
  const queue = {
    sent,
    async send(body: unknown) {
      if (fail) throw new Error("queue unavailable");
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest>) {
      if (fail) throw new Error("queue unavailable");
      for (const m of messages) sent.push(m.body);
    },
    async metrics() {
      return { backlogCount: 0, backlogBytes: 0 };
    },
  };
  return queue as unknown as RecordedQueue;
}

/** Calls the Worker's fetch handler directly, with some bindings replaced. */
export async function fetchWith(request: Request, overrides: Partial<Env> = {}): Promise<Response> {
  const ctx = {
    waitUntil: () => {},
    passThroughOnException: () => {},
    props: {},
  } as unknown as ExecutionContext;
  const pending: Promise<unknown>[] = [];
  ctx.waitUntil = (p: Promise<unknown>) => void pending.push(p);
  const response = await worker.fetch(request, { ...env, ...overrides }, ctx);
  await Promise.all(pending);
  return response;
}

export async function countRows(table: "events" | "deliveries", where = "1 = 1", ...params: unknown[]) {
  const row = await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`)
    .bind(...params)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/** Waits until the consumer has left `count` final (or retrying) ledger rows for the event. */
export async function waitForDeliveries(eventId: string, count = 2): Promise<void> {
  await vi.waitUntil(
    async () => {
      const row = await env.DB.prepare(
        "SELECT COUNT(*) AS n FROM deliveries WHERE event_id = ?1 AND status != 'sending'",
      )
        .bind(eventId)
        .first<{ n: number }>();
      return row?.n === count;
    },
    { timeout: 5000, interval: 20 },
  );
}

let lastSeenWebhookLine = -1;

/**
 * The newest `webhook` log line, parsed: what the owner sees in `wrangler tail` for a request.
 * It must be newer than the one the previous call returned, so a request that logged nothing
 * cannot pass on an earlier request's line.
 */
export function lastWebhookLog(): Record<string, unknown> {
  const lines = globalThis.capturedLogLines;
  let index = lines.length - 1;
  while (index >= 0 && !lines[index].includes('"msg":"webhook"')) index--;
  expect(index, "a new webhook log line").toBeGreaterThan(lastSeenWebhookLine);
  lastSeenWebhookLine = index;
  return JSON.parse(lines[index]);
}

/**
 * A refusal: the answer says one of the fixed reasons (never anything the sender sent) and the
 * log line says why in its reason or detail.
 */
export async function expectRefusal(
  response: Response,
  status: number,
  why: RegExp,
): Promise<Record<string, unknown>> {
  expect(response.status).toBe(status);
  const body = await response.json<{ status: string; reason: string }>();
  expect(body.status).toBe("rejected");
  expect(REPLY_REASONS as readonly string[]).toContain(body.reason);
  const log = lastWebhookLog();
  expect(`${log.reason} ${log.detail ?? ""}`).toMatch(why);
  return log;
}

/**
 * Writes one destination's ledger entry of a stored event, as a consumer would have left it
 * (`created_at` / `updated_at` default to now): for tests that need a given ledger state.
 */
export async function putLedgerEntry(
  eventId: string,
  destination: string,
  entry: { status: string; attempts?: number } & Record<string, unknown>,
): Promise<void> {
  const now = new Date().toISOString();
  // due_at as the consumer keeps it: the earliest retry due.
  const written = await env.DB.prepare(
    `UPDATE events SET ledger = n.ledger,
       due_at = (SELECT MIN(j.value ->> '$.next_attempt_at') FROM json_each(n.ledger) j
         WHERE j.value ->> '$.status' = 'retrying')
     FROM (SELECT json_patch(ledger, json_object(?2, json(?3))) AS ledger FROM events WHERE id = ?1) AS n
     WHERE events.id = ?1`,
  )
    .bind(eventId, destination, JSON.stringify({ attempts: 1, created_at: now, updated_at: now, ...entry }))
    .run();
  expect(written.meta.changes, `event ${eventId} is stored`).toBe(1);
}

type LedgerColumn = "status" | "attempts" | "last_http_status" | "reason" | "request_body";

/** An event's ledger rows in destination order: `destination` and the columns asked for (`status` alone by default). */
export async function ledgerOf<Row = Record<string, unknown>>(
  eventId: string,
  ...columns: LedgerColumn[]
): Promise<Row[]> {
  const selected = ["destination", ...(columns.length ? columns : ["status"])].join(", ");
  const rows = await env.DB.prepare(
    `SELECT ${selected} FROM deliveries WHERE event_id = ?1 ORDER BY destination`,
  )
    .bind(eventId)
    .all<Row>();
  return rows.results;
}

/** The ledger rows `ledgerOf(id, "status", "reason")` reads of an event every destination skipped for one reason. */
export function skippedEverywhere(reason: string) {
  return [
    { destination: "ga4", status: "skipped", reason },
    { destination: "meta", status: "skipped", reason },
  ];
}

/** Order ids no other test file uses: each file starts its own block (Shopify ids pass 2^53, as real ones do). */
export function freshIds(start: bigint): () => string {
  let next = start;
  return () => String(next++);
}

/**
 * The rate limiters count per 60 s window; a test that counts up to a limit starts well inside one,
 * or the window could turn over half way and reset the count.
 */
export async function awayFromWindowEdge(): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 54_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - into + 200));
}
