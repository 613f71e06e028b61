import { hmacSha256, sha256Hex, toBase64 } from "../lib/crypto";
import { deleteSession, findSession, saveSession } from "../store/admin-sessions";

export const SESSION_COOKIE = "tagrelay_admin";
export const SESSION_SECONDS = 12 * 3600;

const encoder = new TextEncoder();
const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** Which ADMIN_TOKEN a session was issued under, without storing the token or a bare hash of it. */
const tokenFingerprint = (token: string) => sha256Hex(`tagrelay admin token:${token}`);

/**
 * Starts a session: a random 256-bit id goes in the cookie, D1 keeps only its SHA-256, the
 * expiry and the fingerprint of the token it was issued under. Expired sessions and those of
 * an earlier token are purged on the way. Returns the cookie's value.
 */
export async function issueSession(db: D1Database, token: string, nowMs: number): Promise<string> {
  const id = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const fingerprint = await tokenFingerprint(token);
  const expiresAt = nowMs + SESSION_SECONDS * 1000;
  await saveSession(db, { idHash: await sha256Hex(id), tokenFingerprint: fingerprint, expiresAt }, nowMs);
  return id;
}

/**
 * A session is valid while its row exists, has not expired and was issued under the current
 * ADMIN_TOKEN. A row that fails the last two checks is deleted on sight, so going back to an
 * old token does not revive sessions someone already presented.
 */
export async function verifySession(db: D1Database, id: string, token: string, nowMs: number) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return false;
  const idHash = await sha256Hex(id);
  const row = await findSession(db, idHash);
  if (!row) return false;
  if (row.expiresAt > nowMs && row.tokenFingerprint === (await tokenFingerprint(token))) return true;
  await deleteSession(db, idHash);
  return false;
}

/** Signing out: the row goes, so the cookie is worthless even to someone who copied it. */
export async function endSession(db: D1Database, id: string): Promise<void> {
  await deleteSession(db, await sha256Hex(id));
}

/** The CSRF token of one session: only a page rendered for that session knows it. */
export async function csrfTokenFor(token: string, sessionId: string): Promise<string> {
  return base64url(await hmacSha256(token, encoder.encode(`csrf:${sessionId}`)));
}
