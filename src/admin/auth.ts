import type { Context, MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { loadConfig } from "../config";
import { timingSafeEqualText } from "../lib/crypto";
import type { AdminEnv } from "./env";
import { loginPage } from "./login-page";
import { formOf } from "./request-body";
import { csrfTokenFor, SESSION_COOKIE, verifySession } from "./session";

export type { AdminEnv } from "./env";

type AdminContext = Context<AdminEnv>;

/** Without ADMIN_TOKEN there is no admin at all: every /admin path is a plain 404. */
export const adminEnabled: MiddlewareHandler<AdminEnv> = async (c, next) => {
  const loaded = loadConfig(c.env);
  const token = loaded.ok ? loaded.config.ADMIN_TOKEN : undefined;
  if (!token) return c.json({ status: "rejected", reason: "not found" }, 404);
  c.set("adminToken", token);
  await next();
  // Admin answers hold order data: never cached, never framed (the replay button).
  c.header("cache-control", "no-store");
  c.header("x-frame-options", "DENY");
  c.header("referrer-policy", "no-referrer");
};

function unauthorized(c: AdminContext, kind: "api" | "page", message?: string) {
  if (kind === "page") return c.html(loginPage(message), 401);
  c.header("www-authenticate", 'Bearer realm="tagrelay admin"');
  return c.json({ status: "rejected", reason: "unauthorized" }, 401);
}

async function givenCsrf(c: AdminContext): Promise<string | undefined> {
  return c.req.header("x-csrf-token") ?? (await formOf(c)).csrf;
}

/**
 * `Authorization: Bearer <ADMIN_TOKEN>` or a valid session cookie. A state-changing request
 * that rides on the cookie must also carry the session's CSRF token (form field `csrf` or
 * header `x-csrf-token`); a Bearer header is never attached by a browser on its own.
 */
export function requireAdmin(kind: "api" | "page"): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const token = c.get("adminToken");
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (bearer !== undefined) {
      if (!timingSafeEqualText(bearer, token)) return unauthorized(c, kind);
      return next();
    }
    const session = getCookie(c, SESSION_COOKIE);
    if (!session) return unauthorized(c, kind);
    if (!(await verifySession(session, token, Date.now()))) {
      return unauthorized(c, kind, "Your session has expired. Sign in again.");
    }
    const csrf = await csrfTokenFor(token, session);
    if (c.req.method !== "GET" && c.req.method !== "HEAD") {
      const given = await givenCsrf(c);
      if (!given || !timingSafeEqualText(given, csrf)) {
        return c.json({ status: "rejected", reason: "missing or wrong CSRF token" }, 403);
      }
    }
    c.set("csrf", csrf);
    await next();
  };
}
