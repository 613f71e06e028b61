import type { Context } from "hono";
import { clientNetwork } from "../lib/client-network";
import { hmacSha256 } from "../lib/crypto";
import { errorText } from "../lib/errors";
import { logError, logWarn } from "../lib/log";
import type { AdminEnv } from "./env";

/** Both limiters count per 60 s (wrangler.toml): a refused caller may try again after that. */
export const RETRY_AFTER_SECONDS = 60;

export { clientNetwork };

export type AttemptKind = "login" | "bearer";

/**
 * The caller as the limiter and the logs see it: an HMAC of its network under ADMIN_TOKEN,
 * cut to 16 hex digits. Never the address itself, and not reversible by hashing all IPv4s.
 */
export async function clientTag(c: Context<AdminEnv>): Promise<string> {
  const network = clientNetwork(c.req.header("cf-connecting-ip") ?? "unknown");
  const mac = new Uint8Array(
    await hmacSha256(c.get("adminToken"), new TextEncoder().encode(`client:${network}`)),
  );
  return [...mac.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Charges one token comparison to the caller's budget, before the comparison is made: the
 * binding cannot be read without counting, so every sign-in and every Bearer request is
 * charged, not only the failures. A limiter that cannot be reached lets the attempt through
 * (the token is long and random; admin must not go down with the limiter).
 */
export async function withinBudget(c: Context<AdminEnv>, kind: AttemptKind, client: string) {
  const limiter = kind === "login" ? c.env.ADMIN_LOGIN_LIMITER : c.env.ADMIN_API_LIMITER;
  try {
    return (await limiter.limit({ key: client })).success;
  } catch (error) {
    logError("admin rate limiter unavailable", { via: kind, error: errorText(error) });
    return true;
  }
}

/** One warn line per refused attempt: how, who (the tag), never the token or the address. */
export function logRefused(kind: AttemptKind, client: string, outcome: "wrong token" | "rate limited") {
  logWarn("admin auth refused", { via: kind, client, outcome });
}
