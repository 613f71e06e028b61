import type { CommerceEvent } from "../model/commerce-event";
import { CollectedIdentifiers } from "../model/identifiers";

export type { CollectedIdentifiers } from "../model/identifiers";

/** One post to /collect, ready to store: the key already hashed. */
export interface CollectedRow {
  shop: string;
  keyHash: string;
  source: "shopify" | "woocommerce";
  identifiers: Pick<CollectedIdentifiers, "attribution" | "consent">;
  client: CollectedIdentifiers["client"];
  orderId?: string;
}

/**
 * Stores a post, or merges it into the earlier posts for the same order (checkout_started, then
 * checkout_completed; a reloaded thank-you page): later values over earlier ones. A row the consumer
 * has already merged into its purchase is left as it is, so a late post changes nothing already sent.
 */
export async function saveCollected(db: D1Database, row: CollectedRow, now: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO collected_identifiers (shop, key_hash, source, identifiers, client, order_id, received_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
       ON CONFLICT (shop, key_hash) DO UPDATE SET
         identifiers = json_patch(identifiers, excluded.identifiers),
         client = json_patch(client, excluded.client),
         order_id = COALESCE(excluded.order_id, order_id),
         updated_at = excluded.updated_at
       WHERE merged_at IS NULL AND source = excluded.source`,
    )
    .bind(
      row.shop,
      row.keyHash,
      row.source,
      JSON.stringify(row.identifiers),
      JSON.stringify(row.client),
      row.orderId ?? null,
      now,
    )
    .run();
}

/** Which of these keys of one shop have identifiers posted for them; one round trip. */
export async function collectedKeys(db: D1Database, shop: string, keyHashes: string[]): Promise<Set<string>> {
  if (keyHashes.length === 0) return new Set();
  const rows = await db
    .prepare(
      "SELECT key_hash FROM collected_identifiers WHERE shop = ?1 AND key_hash IN (SELECT value FROM json_each(?2))",
    )
    .bind(shop, JSON.stringify(keyHashes))
    .all<{ key_hash: string }>();
  return new Set(rows.results.map((r) => r.key_hash));
}

/** `shop` and key hash, as one map key (a shop name holds no space). */
export const collectedKey = (shop: string, keyHash: string) => `${shop} ${keyHash}`;

/**
 * The posted identifiers not yet merged for these (shop, key hash) pairs, by collectedKey; one round
 * trip. A row this release cannot read is left out.
 */
export async function unmergedCollected(
  db: D1Database,
  keys: Array<{ shop: string; keyHash: string }>,
): Promise<Map<string, CollectedIdentifiers>> {
  const found = new Map<string, CollectedIdentifiers>();
  if (keys.length === 0) return found;
  const rows = await db
    .prepare(
      `SELECT c.shop, c.key_hash, c.identifiers, c.client FROM collected_identifiers c
       JOIN json_each(?1) k ON c.shop = k.value ->> '$.shop' AND c.key_hash = k.value ->> '$.keyHash'
       WHERE c.merged_at IS NULL`,
    )
    .bind(JSON.stringify(keys))
    .all<{ shop: string; key_hash: string; identifiers: string; client: string }>();
  for (const row of rows.results) {
    try {
      const parsed = CollectedIdentifiers.safeParse({
        ...JSON.parse(row.identifiers),
        client: JSON.parse(row.client),
      });
      if (parsed.success) found.set(collectedKey(row.shop, row.key_hash), parsed.data);
    } catch {
      // Not JSON: left out, as an unreadable event row is.
    }
  }
  return found;
}

/**
 * Writes each merged event's attribution, consent, client and origins into its outbox row, and marks
 * its collected row merged (its client data dropped: the event holds it now, under the event's
 * rules); one round trip. A replay or retry then sends what the first delivery did.
 */
export async function recordMerged(db: D1Database, merged: CommerceEvent[], now: string): Promise<void> {
  if (merged.length === 0) return;
  const statements = merged.flatMap((event) => [
    db
      .prepare(
        `UPDATE events SET payload = json_set(payload, '$.attribution', json(?2), '$.consent', json(?3),
           '$.client', json(?4), '$.identifiers', json(?5))
         WHERE id = ?1 AND json_valid(payload)`,
      )
      .bind(
        event.id,
        JSON.stringify(event.attribution),
        JSON.stringify(event.consent),
        JSON.stringify(event.client),
        JSON.stringify(event.identifiers ?? {}),
      ),
    db
      .prepare(
        `UPDATE collected_identifiers SET merged_at = ?3, client = '{}'
         WHERE shop = ?1 AND key_hash = ?2 AND merged_at IS NULL`,
      )
      .bind(event.shop, event.order.checkoutKey ?? "", now),
  ]);
  await db.batch(statements);
}

/**
 * The sweep's part: deletes rows first posted before `cutoff`, and drops the client data of rows
 * first posted before `clientCutoff` that no purchase took; one round trip.
 */
export async function purgeCollected(
  db: D1Database,
  cutoff: string,
  clientCutoff: string,
): Promise<{ purged: number; clientCleared: number }> {
  const [purged, cleared] = await db.batch([
    db.prepare("DELETE FROM collected_identifiers WHERE received_at < ?1").bind(cutoff),
    db
      .prepare("UPDATE collected_identifiers SET client = '{}' WHERE client <> '{}' AND received_at < ?1")
      .bind(clientCutoff),
  ]);
  return { purged: purged.meta.changes, clientCleared: cleared.meta.changes };
}
