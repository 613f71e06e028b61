import { hmacSha256, timingSafeEqualText, toBase64 } from "../lib/crypto";

export const SESSION_COOKIE = "tagrelay_admin";
export const SESSION_SECONDS = 12 * 3600;

const encoder = new TextEncoder();

async function mac(token: string, purpose: string, value: string): Promise<string> {
  return toBase64(await hmacSha256(token, encoder.encode(`${purpose}:${value}`)))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/**
 * The session cookie's value: `<expiry, s>.<HMAC(ADMIN_TOKEN, expiry)>`. It is never the token
 * itself, it stops working at its expiry, and rotating ADMIN_TOKEN voids every session.
 */
export async function issueSession(token: string, nowMs: number): Promise<string> {
  const expiry = Math.floor(nowMs / 1000) + SESSION_SECONDS;
  return `${expiry}.${await mac(token, "session", String(expiry))}`;
}

export async function verifySession(value: string, token: string, nowMs: number): Promise<boolean> {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const valid = timingSafeEqualText(match[2], await mac(token, "session", match[1]));
  return valid && Number(match[1]) * 1000 > nowMs;
}

/** The CSRF token of one session: only a page rendered for that session knows it. */
export function csrfTokenFor(token: string, session: string): Promise<string> {
  return mac(token, "csrf", session);
}
