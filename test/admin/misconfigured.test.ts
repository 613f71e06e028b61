import { describe, expect, it } from "vitest";
import { fetchWith, shopifyRequest } from "../helpers";
import { ADMIN_TOKEN, BASE, expectAdminHeaders, freshClientIp } from "./helpers";

/** `DESTINATIONS_MODE=dryrun`: the misspelling the README warns about. */
const INVALID = { DESTINATIONS_MODE: "dryrun" };
const PROBLEM = 'DESTINATIONS_MODE: Invalid option: expected one of "live"|"dry-run"';

async function signIn(overrides: Partial<Env>): Promise<string> {
  const response = await fetchWith(
    new Request(`${BASE}/admin/login`, {
      method: "POST",
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      headers: { "cf-connecting-ip": freshClientIp() },
      redirect: "manual",
    }),
    overrides,
  );
  expect(response.status).toBe(303);
  return (response.headers.get("set-cookie") ?? "").split(";")[0];
}

describe("an invalid setting, said everywhere", () => {
  it("/health: 500 naming the problem", async () => {
    const response = await fetchWith(new Request(`${BASE}/health`), INVALID);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ status: "misconfigured", version: "0.1.0", problems: [PROBLEM] });
  });

  it("a webhook: 503 saying the relay is misconfigured and where to look, the log naming the setting", async () => {
    const response = await fetchWith(await shopifyRequest({ id: 1 }), INVALID);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: "error",
      reason: "relay misconfigured",
      see: "the Worker's log (wrangler tail) names the setting to fix; GET /health lists every problem",
    });
  });

  it("/admin with a valid token: signs in, then a page that names each problem instead of a 404", async () => {
    const login = await fetchWith(new Request(`${BASE}/admin`), INVALID);
    expect(login.status).toBe(401);
    expect(await login.text()).toContain('action="/admin/login"');

    const cookie = await signIn(INVALID);
    for (const path of ["/admin", "/admin/events/shopify%3Ax%3Apurchase%3A1"]) {
      const page = await fetchWith(new Request(BASE + path, { headers: { cookie } }), INVALID);
      expectAdminHeaders(page);
      expect(page.status).toBe(500);
      const text = await page.text();
      expect(text).toContain("<h1>tagrelay: settings need fixing</h1>");
      expect(text).toContain(
        "<li><code>DESTINATIONS_MODE</code>: Invalid option: expected one of &quot;live&quot;|&quot;dry-run&quot;</li>",
      );
      expect(text).toContain("Sign out");
    }
  });

  it("the admin API: 500 with the problems, for a caller with the token only", async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };
    const response = await fetchWith(new Request(`${BASE}/admin/api/stats`, { headers }), INVALID);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      status: "error",
      reason: "relay misconfigured",
      problems: [PROBLEM],
    });
    const anonymous = await fetchWith(new Request(`${BASE}/admin/api/stats`), INVALID);
    expect(anonymous.status).toBe(401);
  });

  it("keeps the admin a 404 when ADMIN_TOKEN itself is what is invalid", async () => {
    const response = await fetchWith(new Request(`${BASE}/admin`), {
      ...INVALID,
      ADMIN_TOKEN: "too-short",
    } as never);
    expect(response.status).toBe(404);
  });
});
