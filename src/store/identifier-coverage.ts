/** One purchase as identifier coverage reads it: its day and source, and the parts of its payload that say which ids it had. */
export interface PurchaseIdentifiersRow {
  source: string;
  day: string;
  attribution: string | null;
  client: string | null;
  identity: string | null;
  identifiers: string | null;
  occurred_at: string;
}

/** The purchases placed since `since` (ISO), their id-bearing parts only; one round trip. */
export async function purchaseIdentifiers(db: D1Database, since: string): Promise<PurchaseIdentifiersRow[]> {
  const rows = await db
    .prepare(
      `SELECT source, substr(occurred_at, 1, 10) AS day, occurred_at,
         CASE WHEN json_valid(payload) THEN json_extract(payload, '$.attribution') END AS attribution,
         CASE WHEN json_valid(payload) THEN json_extract(payload, '$.client') END AS client,
         CASE WHEN json_valid(payload) THEN json_extract(payload, '$.identity') END AS identity,
         CASE WHEN json_valid(payload) THEN json_extract(payload, '$.identifiers') END AS identifiers
       FROM events WHERE kind = 'purchase' AND occurred_at >= ?1 ORDER BY occurred_at DESC`,
    )
    .bind(since)
    .all<PurchaseIdentifiersRow>();
  return rows.results;
}
