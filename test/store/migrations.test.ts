import { applyD1Migrations, env } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";

declare global {
  namespace Cloudflare {
    interface Env {
      TEST_SCHEMA: string[];
      TEST_RELEASED_SCHEMAS: Record<string, string[]>;
      SCHEMA_FROM_FILE: D1Database;
      SCHEMA_MIGRATED: D1Database;
    }
  }
}

/** Tables and indexes of ours: not SQLite's, D1's or the migrations' own bookkeeping. */
const OURS = `name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'`;

/** The schema as SQLite sees it: each table's columns, key, rowid-ness and indexes, comments and spacing aside. */
async function schemaOf(db: D1Database) {
  const tables = await db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND ${OURS} ORDER BY name`)
    .all<{ name: string }>();
  const schema: Record<string, unknown> = {};
  for (const { name } of tables.results) {
    const [columns, list, indexes] = await db.batch([
      db
        .prepare('SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid')
        .bind(name),
      db.prepare("SELECT wr AS withoutRowid FROM pragma_table_list WHERE name = ?1").bind(name),
      db
        .prepare(
          `SELECT i.name, i."unique", group_concat(c.name, ',') AS columns
           FROM pragma_index_list(?1) i JOIN pragma_index_info(i.name) c
           WHERE i.origin = 'c' GROUP BY i.name ORDER BY i.name`,
        )
        .bind(name),
    ]);
    schema[name] = { columns: columns.results, ...(list.results[0] as object), indexes: indexes.results };
  }
  const views = await db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'view' AND ${OURS} ORDER BY name`)
    .all<{ name: string; sql: string }>();
  for (const { name, sql } of views.results) schema[name] = { view: sql.replace(/\s+/g, " ") };
  return schema;
}

async function empty(db: D1Database): Promise<void> {
  const objects = await db
    .prepare(
      `SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view')
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type DESC`,
    )
    .all<{ type: string; name: string }>();
  if (objects.results.length)
    await db.batch(objects.results.map((t) => db.prepare(`DROP ${t.type.toUpperCase()} "${t.name}"`)));
}

const run = (db: D1Database, statements: string[]) => db.batch(statements.map((sql) => db.prepare(sql)));

beforeEach(async () => {
  await empty(env.SCHEMA_FROM_FILE);
  await empty(env.SCHEMA_MIGRATED);
});

describe("D1 migrations", () => {
  it("build exactly the schema in schema.sql", async () => {
    await run(env.SCHEMA_FROM_FILE, env.TEST_SCHEMA);
    await applyD1Migrations(env.SCHEMA_MIGRATED, env.TEST_MIGRATIONS);
    const expected = await schemaOf(env.SCHEMA_FROM_FILE);
    expect(Object.keys(expected)).toEqual([
      "admin_sessions",
      "collected_identifiers",
      "events",
      "reconcile_state",
      "shop_orders",
      "webhook_counts",
      "deliveries",
    ]);
    expect(expected.events).toMatchObject({ withoutRowid: 1 });
    expect(await schemaOf(env.SCHEMA_MIGRATED)).toEqual(expected);
  });

  it("are numbered in order with no gap, as wrangler applies them", () => {
    const names = env.TEST_MIGRATIONS.map((m) => m.name);
    expect(names).toEqual([...names].sort());
    names.forEach((name, i) => {
      expect(name).toMatch(new RegExp(`^${String(i + 1).padStart(4, "0")}_[a-z0-9_]+\\.sql$`));
    });
  });

  it.each(Object.keys(env.TEST_RELEASED_SCHEMAS))(
    "upgrade a database created from the schema.sql of %s, keeping its rows",
    async (release) => {
      const db = env.SCHEMA_MIGRATED;
      await run(db, env.TEST_RELEASED_SCHEMAS[release]);
      await run(db, [
        `INSERT INTO events (id, source, shop, kind, order_id, occurred_at, received_at, payload)
         VALUES ('shopify:a.myshopify.com:purchase:1', 'shopify', 'a.myshopify.com', 'purchase', '1',
                 '2026-11-01T00:00:00Z', '2026-11-01T00:00:01Z', '{}')`,
        `INSERT INTO deliveries (event_id, destination, status, attempts, created_at, updated_at)
         VALUES ('shopify:a.myshopify.com:purchase:1', 'ga4', 'sent', 1, 'c', 'u')`,
        `INSERT INTO deliveries (event_id, destination, status, attempts, last_http_status, reason,
           next_attempt_at, created_at, updated_at)
         VALUES ('shopify:a.myshopify.com:purchase:1', 'meta', 'retrying', 2, 503, 'down', 1790000000000, 'c', 'u')`,
        "INSERT INTO webhook_counts (hour, source, outcome, n) VALUES (493000, 'shopify', 'accepted', 7)",
      ]);
      await applyD1Migrations(db, env.TEST_MIGRATIONS);
      await run(env.SCHEMA_FROM_FILE, env.TEST_SCHEMA);
      expect(await schemaOf(db)).toEqual(await schemaOf(env.SCHEMA_FROM_FILE));
      const id = "shopify:a.myshopify.com:purchase:1";
      expect(
        (
          await db
            .prepare(
              `SELECT event_id, destination, status, attempts, last_http_status, reason, lease_until,
                 next_attempt_at, request_body, created_at, updated_at FROM deliveries ORDER BY destination`,
            )
            .all()
        ).results,
      ).toEqual([
        {
          event_id: id,
          destination: "ga4",
          status: "sent",
          attempts: 1,
          last_http_status: null,
          reason: null,
          lease_until: null,
          next_attempt_at: null,
          request_body: null,
          created_at: "c",
          updated_at: "u",
        },
        {
          event_id: id,
          destination: "meta",
          status: "retrying",
          attempts: 2,
          last_http_status: 503,
          reason: "down",
          lease_until: null,
          next_attempt_at: 1790000000000,
          request_body: null,
          created_at: "c",
          updated_at: "u",
        },
      ]);
      // The sweep finds the retry through due_at.
      expect(await db.prepare("SELECT id, due_at FROM events").all()).toMatchObject({
        results: [{ id, due_at: 1790000000000 }],
      });
      expect(await db.prepare("SELECT n FROM webhook_counts").first()).toEqual({ n: 7 });
      expect(await db.prepare("SELECT COUNT(*) AS n FROM events").first()).toEqual({ n: 1 });
    },
  );
});
