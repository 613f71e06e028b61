/**
 * Stores a new admin session and, in the same round trip, purges those expired at `nowMs` or
 * issued under another token fingerprint.
 */
export async function saveSession(
  db: D1Database,
  session: { idHash: string; tokenFingerprint: string; expiresAt: number },
  nowMs: number,
): Promise<void> {
  await db.batch([
    db
      .prepare("DELETE FROM admin_sessions WHERE expires_at <= ?1 OR token_fingerprint != ?2")
      .bind(nowMs, session.tokenFingerprint),
    db
      .prepare(
        "INSERT INTO admin_sessions (id_hash, token_fingerprint, expires_at, created_at) VALUES (?1, ?2, ?3, ?4)",
      )
      .bind(session.idHash, session.tokenFingerprint, session.expiresAt, new Date(nowMs).toISOString()),
  ]);
}

/** The session stored under this id hash, or null. */
export async function findSession(
  db: D1Database,
  idHash: string,
): Promise<{ tokenFingerprint: string; expiresAt: number } | null> {
  const row = await db
    .prepare("SELECT token_fingerprint, expires_at FROM admin_sessions WHERE id_hash = ?1")
    .bind(idHash)
    .first<{ token_fingerprint: string; expires_at: number }>();
  return row && { tokenFingerprint: row.token_fingerprint, expiresAt: row.expires_at };
}

export async function deleteSession(db: D1Database, idHash: string): Promise<void> {
  await db.prepare("DELETE FROM admin_sessions WHERE id_hash = ?1").bind(idHash).run();
}
