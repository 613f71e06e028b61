import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { expect } from "vitest";

/** The test config's ADMIN_TOKEN (vitest.config.mts), read from the bindings, never spelled here. */
export const ADMIN_TOKEN = env.ADMIN_TOKEN;
export const BASE = "https://relay.test";

/**
 * A client address of its own (a fresh /64 in the documentation range), so one test's sign-in
 * attempts never use up another's budget with the admin rate limiters.
 */
export function freshClientIp(): string {
  const [a, b] = crypto.getRandomValues(new Uint16Array(2));
  return `2001:db8:${a.toString(16)}:${b.toString(16)}::1`;
}

export const get = (path: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(new Request(BASE + path, { headers }));

export async function login(
  ip = freshClientIp(),
): Promise<{ cookie: string; setCookie: string; id: string }> {
  const response = await exports.default.fetch(
    new Request(`${BASE}/admin/login`, {
      method: "POST",
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      headers: { "cf-connecting-ip": ip },
      redirect: "manual",
    }),
  );
  expect(response.status).toBe(303);
  const setCookie = response.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0];
  return { cookie, setCookie, id: cookie.slice(cookie.indexOf("=") + 1) };
}

export async function csrfOf(cookie: string): Promise<string> {
  const page = await (await get("/admin", { cookie })).text();
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error("no CSRF token on the page");
  return match[1];
}

/** A form POST riding on a session cookie. */
export const postForm = (path: string, cookie: string, body: Record<string, string>, headers = {}) =>
  exports.default.fetch(
    new Request(BASE + path, {
      method: "POST",
      body: new URLSearchParams(body),
      headers: { cookie, ...headers },
      redirect: "manual",
    }),
  );

export const CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** What every admin answer carries, whatever its status. */
export function expectAdminHeaders(response: Response): void {
  expect({
    status: response.status,
    csp: response.headers.get("content-security-policy"),
    nosniff: response.headers.get("x-content-type-options"),
    cache: response.headers.get("cache-control"),
    referrer: response.headers.get("referrer-policy"),
  }).toEqual({
    status: response.status,
    csp: CSP,
    nosniff: "nosniff",
    cache: "no-store",
    // `no-referrer` would make the browser send `Origin: null` on the admin's own forms.
    referrer: "same-origin",
  });
}

/** The runtime's lines captured by test/setup.ts that carry this message. */
export const logLines = (msg: string) =>
  globalThis.capturedLogLines.filter((line) => line.includes(`"msg":"${msg}"`));
