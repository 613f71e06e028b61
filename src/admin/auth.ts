import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { adminTokenOf } from "../config";
import { timingSafeEqualText } from "../lib/crypto";
import { rejectedReply } from "../lib/reply";
import type { AdminEnv } from "./env";
import { loginPage } from "./pages/login-page";
import { type AttemptKind, clientTag, logRefused, RETRY_AFTER_SECONDS, withinBudget } from "./rate-limit";
import { formOf } from "./request-body";
import { csrfTokenFor, SESSION_COOKIE, verifySession } from "./session";

export type { AdminEnv } from "./env";

type AdminContext = Context<AdminEnv>;

/**
 * Without ADMIN_TOKEN there is no admin at all: every /admin path is a plain 404. With a valid
 * ADMIN_TOKEN and other settings invalid, the admin signs its owner in to say what is wrong.
 */
export const adminEnabled: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const loaded = c.var.settings;
  const token = loaded.ok ? loaded.value.ADMIN_TOKEN : adminTokenOf(c.env);
  if (!token) return rejectedReply(c, "not found", 404);
  c.set("adminToken", token);
  await next();
};

function unauthorized(c: AdminContext, kind: "api" | "page", message?: string) {
  if (kind === "page") return c.html(loginPage(message), 401);
  c.header("www-authenticate", 'Bearer realm="tagrelay admin"');
  return rejectedReply(c, "unauthorized", 401);
}

function tooManyAttempts(c: AdminContext, kind: "api" | "page") {
  c.header("retry-after", String(RETRY_AFTER_SECONDS));
  if (kind === "page") return c.html(loginPage("Too many attempts. Wait a minute, then sign in again."), 429);
  return rejectedReply(c, "too many attempts", 429);
}

/**
 * Compares a token someone typed or sent with ADMIN_TOKEN, after charging the attempt to the
 * caller's budget: a caller over it gets 429 and no comparison, so a guess past the limit
 * learns nothing, right or wrong. Returns the refusal, or undefined when the token is right.
 */
export async function checkToken(
  c: AdminContext,
  given: string | undefined,
  attempt: AttemptKind,
  answer: "api" | "page",
): Promise<Response | undefined> {
  const client = await clientTag(c);
  if (!(await withinBudget(c, attempt, client))) {
    logRefused(attempt, client, "rate limited");
    return tooManyAttempts(c, answer);
  }
  if (given !== undefined && timingSafeEqualText(given, c.get("adminToken"))) return undefined;
  logRefused(attempt, client, "wrong token");
  return attempt === "login"
    ? c.html(loginPage("That is not the admin token."), 401)
    : unauthorized(c, answer);
}

/**
 * A browser's POST names the page it came from in `Origin`. One from another site, or an opaque
 * `null` (a sandboxed frame, a data: URL), is refused: a second line behind the CSRF token. A
 * missing Origin passes (older browsers), the CSRF token still decides.
 */
export function foreignOrigin(c: AdminContext): boolean {
  const origin = c.req.header("origin");
  return origin !== undefined && origin !== new URL(c.req.url).origin;
}

const forbidden = (c: AdminContext, reason: string) => rejectedReply(c, reason, 403);

async function givenCsrf(c: AdminContext): Promise<string | undefined> {
  return c.req.header("x-csrf-token") ?? (await formOf(c)).csrf;
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` or a valid session cookie. A state-changing request
 * that rides on the cookie must come from this origin and carry the session's CSRF token
 * (form field `csrf` or header `x-csrf-token`); a Bearer header is never attached by a browser
 * on its own, so a Bearer call needs neither.
 */
export function requireAdmin(kind: "api" | "page"): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const token = c.get("adminToken");
    const authorization = c.req.header("authorization");
    if (authorization !== undefined && /^Bearer\s/i.test(authorization)) {
      const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      const refused = await checkToken(c, bearer, "bearer", kind);
      if (refused) return refused;
      return next();
    }
    const session = getCookie(c, SESSION_COOKIE);
    if (!session) return unauthorized(c, kind);
    if (!(await verifySession(c.env.DB, session, token, Date.now()))) {
      return unauthorized(c, kind, "Your session has expired. Sign in again.");
    }
    const csrf = await csrfTokenFor(token, session);
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      if (foreignOrigin(c)) return forbidden(c, "cross-origin request");
      const given = await givenCsrf(c);
      if (!given || !timingSafeEqualText(given, csrf)) return forbidden(c, "missing or wrong CSRF token");
    }
    c.set("sessionId", session);
    c.set("csrf", csrf);
    await next();
  };
}
