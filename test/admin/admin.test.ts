import { env } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { issueSession, SESSION_SECONDS } from "../../src/admin/session";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, putLedgerEntry, recordingQueue, shopifyRequest } from "../helpers";
import { ADMIN_TOKEN, BASE, csrfOf, freshClientIp, get, login, postForm } from "./helpers";

const TOKEN = ADMIN_TOKEN;
/** This file's Bearer calls come from one address: well under the API limiter's 60 a minute. */
const bearer = { authorization: `Bearer ${TOKEN}`, "cf-connecting-ip": freshClientIp() };

let next = 6_100_000_000_000_000_000n;
const freshOrder = (overrides: Parameters<typeof shopifyOrder>[0] = {}) =>
  shopifyOrder({ id: String(next++), createdAt: new Date().toISOString(), ...overrides });

describe("admin authentication", () => {
  it("does not exist without ADMIN_TOKEN: 404 for the page and the API", async () => {
    for (const path of ["/admin", "/admin/api/stats"]) {
      const response = await fetchWith(new Request(BASE + path, { headers: bearer }), {
        ADMIN_TOKEN: "",
      } as never);
      expect(response.status).toBe(404);
    }
  });

  it("refuses a missing or wrong Bearer token on the API with 401 JSON", async () => {
    const ip = { "cf-connecting-ip": freshClientIp() };
    for (const headers of [
      {},
      { authorization: "Bearer wrong-token" },
      { authorization: `Bearer ${TOKEN}x` },
      { authorization: `Bearer ${TOKEN.slice(0, -1)}` },
      { authorization: "Bearer " },
      { authorization: `Basic ${TOKEN}` },
    ] as Array<Record<string, string>>) {
      const response = await get("/admin/api/stats", { ...ip, ...headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ status: "rejected", reason: "unauthorized" });
    }
    expect((await get("/admin/api/stats", bearer)).status).toBe(200);
  });

  it("answers the page without credentials with 401 and the login form", async () => {
    const response = await get("/admin");
    expect(response.status).toBe(401);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(await response.text()).toContain('action="/admin/login"');
  });

  it("refuses a wrong token at the login form", async () => {
    for (const token of ["nope", `${TOKEN}x`, TOKEN.slice(0, -1), ""]) {
      const response = await exports.default.fetch(
        new Request(`${BASE}/admin/login`, {
          method: "POST",
          body: new URLSearchParams({ token }),
          headers: { "cf-connecting-ip": freshClientIp() },
        }),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  it("signs in with a random session id that is not the token, with strict flags", async () => {
    const { cookie, setCookie } = await login();
    expect(setCookie).toMatch(/^tagrelay_admin=[A-Za-z0-9_-]{43};/);
    for (const flag of [
      "HttpOnly",
      "Secure",
      "SameSite=Strict",
      "Path=/admin",
      `Max-Age=${SESSION_SECONDS}`,
    ]) {
      expect(setCookie).toContain(flag);
    }
    expect(setCookie).not.toContain(TOKEN);
    expect((await login()).cookie).not.toBe(cookie);
    const page = await get("/admin", { cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(await page.text()).toContain("<h2>Deliveries</h2>");
    expect((await get("/admin/api/stats", { cookie })).status).toBe(200);
  });

  it("refuses an expired session, one from a previous token, a forged one and the old signed format", async () => {
    const expired = await issueSession(env.DB, TOKEN, Date.now() - (SESSION_SECONDS + 60) * 1000);
    const rotated = await issueSession(env.DB, "the-previous-admin-token-0123456789abcdef", Date.now());
    const valid = await issueSession(env.DB, TOKEN, Date.now());
    const tampered = `${valid.slice(0, 42)}${valid[42] === "A" ? "B" : "A"}`;
    const forged = "A".repeat(43);
    const oldFormat = `${Math.floor(Date.now() / 1000) + 3600}.${"A".repeat(43)}`;
    for (const value of [expired, rotated, tampered, forged, oldFormat, "garbage", TOKEN]) {
      const cookie = `tagrelay_admin=${value}`;
      expect((await get("/admin", { cookie })).status).toBe(401);
      expect((await get("/admin/api/stats", { cookie })).status).toBe(401);
    }
    expect((await get("/admin", { cookie: `tagrelay_admin=${valid}` })).status).toBe(200);
  });

  it("needs the session's CSRF token for a replay posted with the cookie", async () => {
    const { cookie } = await login();
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      postForm("/admin/replay", cookie, body, headers);
    expect((await post({ status: "dead" })).status).toBe(403);
    expect((await post({ status: "dead", csrf: "forged" })).status).toBe(403);
    expect((await post({ status: "dead", csrf: "" })).status).toBe(403);
    const other = await login();
    const foreignCsrf = await csrfOf(other.cookie);
    expect((await post({ status: "dead", csrf: foreignCsrf })).status).toBe(403);
    expect((await post({ status: "dead" }, { "x-csrf-token": foreignCsrf })).status).toBe(403);
    const csrf = await csrfOf(cookie);
    expect((await post({ status: "dead", csrf: `${csrf}x` })).status).toBe(403);
    expect((await post({ status: "dead" }, { "x-csrf-token": csrf })).status).toBe(303);
    const answer = await post({ status: "dead", csrf });
    expect(answer.status).toBe(303);
    expect(answer.headers.get("location")).toMatch(/^\/admin\?replayed=\d+$/);
  });

  it("signs out by ending the session and clearing the cookie, with the session's CSRF token", async () => {
    const { cookie } = await login();
    expect((await postForm("/admin/logout", cookie, {})).status).toBe(403);
    expect((await get("/admin", { cookie })).status).toBe(200);
    const response = await postForm("/admin/logout", cookie, { csrf: await csrfOf(cookie) });
    expect(response.status).toBe(303);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^tagrelay_admin=;/);
    expect(setCookie).toContain("Max-Age=0");
    expect(setCookie).toContain("Path=/admin");
  });
});

describe("admin status page and API", () => {
  it("counts webhooks by outcome and orders stored per source", async () => {
    const queue = { EVENTS_QUEUE: recordingQueue() };
    const stats = async () =>
      (
        await (
          await fetchWith(new Request(`${BASE}/admin/api/stats`, { headers: bearer }))
        ).json<{
          webhooks: { last24h: Array<{ source: string; webhooks: Record<string, number>; events: number }> };
        }>()
      ).webhooks.last24h.find((r) => r.source === "shopify");
    const post = async (request: Request) => (await fetchWith(request, queue)).status;
    const before = await stats();
    const order = freshOrder();
    expect(await post(await shopifyRequest(order))).toBe(200);
    expect(await post(await shopifyRequest(freshOrder()))).toBe(200);
    expect(await post(await shopifyRequest(order, { topic: "orders/paid" }))).toBe(200);
    expect(await post(await shopifyRequest(order, { secret: "wrong" }))).toBe(401);
    expect(await post(await shopifyRequest(order, { topic: "orders/updated" }))).toBe(200);
    const after = await stats();
    const delta = (outcome: string) => (after?.webhooks[outcome] ?? 0) - (before?.webhooks[outcome] ?? 0);
    expect({
      accepted: delta("accepted"),
      duplicate: delta("duplicate"),
      rejected: delta("rejected"),
      ignored: delta("ignored"),
      events: (after?.events ?? 0) - (before?.events ?? 0),
    }).toEqual({ accepted: 2, duplicate: 1, rejected: 1, ignored: 1, events: 2 });
  });

  it("lists events filtered by source, status and time, and tells one event's story without PII", async () => {
    const order = freshOrder({ name: "#7771" });
    await fetchWith(await shopifyRequest(order, { webhookId: "wh-story-1" }), {
      EVENTS_QUEUE: recordingQueue(),
    });
    const id = `shopify:${SHOP}:purchase:${order.id}`;
    await putLedgerEntry(id, "ga4", {
      status: "failed",
      last_http_status: 200,
      reason: "GA4 validation: events[0].params.currency: bad",
    });

    const list = await (await get("/admin/api/events?status=failed&source=shopify&limit=200", bearer)).json<{
      events: Array<{ id: string; orderNumber: string; deliveries: Array<{ status: string }> }>;
    }>();
    expect(list.events.find((e) => e.id === id)).toMatchObject({
      orderNumber: "#7771",
      deliveries: [{ status: "failed" }],
    });
    const future = new Date(Date.now() + 3600_000).toISOString();
    const none = await (await get(`/admin/api/events?since=${future}`, bearer)).json<{ events: unknown[] }>();
    expect(none.events).toEqual([]);
    expect((await get("/admin/api/events?status=bogus", bearer)).status).toBe(400);

    const found = await (await get("/admin/api/events?q=7771", bearer)).json<{
      events: Array<{ id: string }>;
    }>();
    expect(found.events.map((e) => e.id)).toEqual([id]);

    const response = await get(`/admin/api/events/${encodeURIComponent(id)}`, bearer);
    expect(response.status).toBe(200);
    const story = await response.json<Record<string, unknown>>();
    expect(story).toMatchObject({
      id,
      webhook: { topic: "orders/create", webhookId: "wh-story-1" },
      summary: {
        kind: "purchase",
        orderId: order.id,
        orderNumber: "#7771",
        currency: "USD",
        test: false,
        gaClientId: { source: "captured" },
      },
      deliveries: [{ destination: "ga4", status: "failed", attempts: 1, lastHttpStatus: 200 }],
    });
    const text = JSON.stringify(story);
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toContain("example.com");
    expect((await get("/admin/api/events/shopify%3Anope", bearer)).status).toBe(404);

    const { cookie } = await login();
    const page = await (await get(`/admin/events/${encodeURIComponent(id)}`, { cookie })).text();
    expect(page).toContain("GA4 validation: events[0].params.currency: bad");
    expect(page).toContain("Replay what was not sent");
    expect(page).toContain("<dt>client id</dt><dd>captured</dd>");
  });

  it("says in the story when GA4 got a client id derived from the order, and why", async () => {
    const { cookie } = await login();
    const storyOf = async (order: ReturnType<typeof freshOrder>) => {
      await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
      const id = encodeURIComponent(`shopify:${SHOP}:purchase:${order.id}`);
      const summary = (await (await get(`/admin/api/events/${id}`, bearer)).json<{ summary: object }>())
        .summary;
      return { summary, page: await (await get(`/admin/events/${id}`, { cookie })).text() };
    };
    const amp = await storyOf({
      ...freshOrder(),
      note_attributes: [{ name: "_ga_client_id", value: "amp-1A2b3C" }],
    });
    expect(amp.summary).toMatchObject({
      gaClientId: {
        source: "fallback",
        reason: "captured value is not two positive integers joined by a period",
      },
    });
    expect(amp.page).toContain(
      "<dt>client id</dt><dd>fallback (captured value is not two positive integers joined by a period)</dd>",
    );
    const none = await storyOf({ ...freshOrder(), note_attributes: [] });
    expect(none.summary).toMatchObject({ gaClientId: { source: "fallback", reason: "none captured" } });
    expect(none.page).toContain("<dt>client id</dt><dd>fallback (none captured)</dd>");
  });

  it("escapes every value it shows", async () => {
    const order = freshOrder({ name: `<img src=x onerror="alert(1)">` });
    await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
    const { cookie } = await login();
    const page = await (await get(`/admin?q=${order.id}`, { cookie })).text();
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});
