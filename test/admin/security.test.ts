import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clientNetwork } from "../../src/admin/rate-limit";
import { timingSafeEqualText } from "../../src/lib/crypto";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { awayFromWindowEdge, fetchWith, putLedgerEntry, recordingQueue, shopifyRequest } from "../helpers";
import {
  ADMIN_TOKEN,
  BASE,
  csrfOf,
  expectAdminHeaders,
  freshClientIp,
  get,
  login,
  logLines,
  postForm,
} from "./helpers";

const CAP = 16 * 1024;

const loginRequest = (token: string, ip: string, headers: Record<string, string> = {}) =>
  new Request(`${BASE}/admin/login`, {
    method: "POST",
    body: new URLSearchParams({ token }),
    headers: { "cf-connecting-ip": ip, ...headers },
    redirect: "manual",
  });

/** A form body of exactly `size` bytes whose fields are `fields` plus padding. */
function paddedForm(fields: Record<string, string>, size: number): string {
  const head = `${new URLSearchParams(fields)}&pad=`;
  return head + "a".repeat(size - head.length);
}

describe("admin bodies are capped at 16 KB (413)", () => {
  it("refuses a 32 MB login form after reading about the cap, without looking at the token", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(97);
    const first = new TextEncoder().encode(`token=${encodeURIComponent(ADMIN_TOKEN)}&pad=`);
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 32 * 1024 * 1024) return controller.close();
        const next = pulled === 0 ? first : chunk;
        pulled += next.byteLength;
        controller.enqueue(next);
      },
    });
    const before = logLines("admin auth refused").length;
    const response = await fetchWith(
      new Request(`${BASE}/admin/login`, {
        method: "POST",
        body: stream,
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": freshClientIp() },
      }),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ status: "rejected", reason: "body over 16384 bytes" });
    expect(pulled).toBeLessThanOrEqual(64 * 1024);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(logLines("admin auth refused").length).toBe(before);
    expectAdminHeaders(response);
  });

  it("refuses a body announced past the cap before reading it", async () => {
    const response = await fetchWith(
      new Request(`${BASE}/admin/login`, {
        method: "POST",
        body: "x",
        headers: { "content-length": String(32 * 1024 * 1024), "cf-connecting-ip": freshClientIp() },
      }),
    );
    expect(response.status).toBe(413);
  });

  it("takes a login form of exactly 16 KB and refuses one byte more", async () => {
    const form = (size: number) =>
      new Request(`${BASE}/admin/login`, {
        method: "POST",
        body: paddedForm({ token: ADMIN_TOKEN }, size),
        headers: { "content-type": "application/x-www-form-urlencoded", "cf-connecting-ip": freshClientIp() },
        redirect: "manual",
      });
    expect((await exports.default.fetch(form(CAP))).status).toBe(303);
    expect((await exports.default.fetch(form(CAP + 1))).status).toBe(413);
  });

  it("caps logout, the replay form and the replay API the same way", async () => {
    const { cookie } = await login();
    const csrf = await csrfOf(cookie);
    const form = (path: string, size: number) =>
      exports.default.fetch(
        new Request(BASE + path, {
          method: "POST",
          body: paddedForm({ csrf, status: "dead" }, size),
          headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
          redirect: "manual",
        }),
      );
    const api = (size: number) =>
      fetchWith(
        new Request(`${BASE}/admin/api/replay`, {
          method: "POST",
          // Whitespace is JSON too: {"status":"dead"   …   } of exactly `size` bytes.
          body: `{"status":"dead"${" ".repeat(size - 17)}}`,
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            "cf-connecting-ip": freshClientIp(),
            "content-type": "application/json",
          },
        }),
        { EVENTS_QUEUE: recordingQueue() },
      );
    expect((await form("/admin/replay", CAP + 1)).status).toBe(413);
    expect((await form("/admin/replay", CAP)).status).toBe(303);
    expect((await api(CAP + 1)).status).toBe(413);
    expect((await api(CAP)).status).toBe(200);
    expect((await form("/admin/logout", CAP + 1)).status).toBe(413);
    expect((await get("/admin", { cookie })).status).toBe(200);
    expect((await form("/admin/logout", CAP)).status).toBe(303);
  });
});

describe("failed sign-ins and Bearer attempts are rate-limited per client (429)", () => {
  it("refuses the 11th sign-in a minute from one address, even with the right token; another address still gets 401", async () => {
    await awayFromWindowEdge();
    const [a, b] = ["203.0.113.7", "203.0.113.8"];
    const before = globalThis.capturedLogLines.length;
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await exports.default.fetch(loginRequest(`wrong-guess-${i}`, a))).status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 401, 429]);
    const limited = await exports.default.fetch(loginRequest(ADMIN_TOKEN, a));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("60");
    expect(limited.headers.get("set-cookie")).toBeNull();
    expect(await limited.text()).toContain("Too many attempts");
    expectAdminHeaders(limited);
    expect((await exports.default.fetch(loginRequest("wrong-guess-b", b))).status).toBe(401);
    expect((await exports.default.fetch(loginRequest(ADMIN_TOKEN, b))).status).toBe(303);

    const lines = globalThis.capturedLogLines.slice(before).filter((l) => l.includes("admin auth refused"));
    const logged = lines.map((l) => JSON.parse(l) as Record<string, string>);
    expect(logged.map((l) => `${l.level} ${l.via} ${l.outcome}`)).toEqual([
      ...Array(10).fill("warn login wrong token"),
      "warn login rate limited",
      "warn login rate limited",
      "warn login wrong token",
    ]);
    expect(new Set(logged.slice(0, 12).map((l) => l.client)).size).toBe(1);
    expect(logged[12].client).not.toBe(logged[0].client);
    expect(logged[0].client).toMatch(/^[0-9a-f]{16}$/);
    for (const line of lines) {
      for (const secret of [a, b, "wrong-guess", ADMIN_TOKEN]) expect(line).not.toContain(secret);
    }
    // It may wait up to 6 s for the next minute of the rate limiter to begin.
  }, 20_000);

  it("refuses the 61st Bearer request a minute from one /64, even with the right token; another /64 still gets 401", async () => {
    await awayFromWindowEdge();
    const network = freshClientIp().replace(/::1$/, "");
    const statuses = new Map<number, number>();
    for (let i = 0; i < 61; i++) {
      // Every address of one /64 draws on the same budget.
      const response = await get("/admin/api/stats", {
        authorization: `Bearer wrong-${i}`,
        "cf-connecting-ip": `${network}::${(i + 1).toString(16)}`,
      });
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      if (i === 60) {
        expect(response.headers.get("retry-after")).toBe("60");
        expect(await response.json()).toEqual({ status: "rejected", reason: "too many attempts" });
        expectAdminHeaders(response);
      }
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 60, 429: 1 });
    const right = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await get("/admin/api/stats", { ...right, "cf-connecting-ip": `${network}::abc` })).status).toBe(
      429,
    );
    const other = freshClientIp();
    expect(
      (await get("/admin/api/stats", { authorization: "Bearer nope", "cf-connecting-ip": other })).status,
    ).toBe(401);
    expect((await get("/admin/api/stats", { ...right, "cf-connecting-ip": other })).status).toBe(200);
    // It may wait up to 6 s for the next minute of the rate limiter to begin.
  }, 20_000);

  it("counts an IPv6 client by its /64 and an IPv4 client by its address", () => {
    expect(
      [
        "203.0.113.7",
        "2001:db8:1:2::1",
        "2001:0db8:0001:0002:ffff:0:0:9",
        "2001:DB8:1:2:3:4:5:6",
        "2001:db8::1",
        "::1",
        "unknown",
      ].map(clientNetwork),
    ).toEqual([
      "203.0.113.7",
      "2001:db8:1:2::/64",
      "2001:db8:1:2::/64",
      "2001:db8:1:2::/64",
      "2001:db8:0:0::/64",
      "0:0:0:0::/64",
      "unknown",
    ]);
  });
});

describe("every admin answer carries the CSP and nosniff", () => {
  it("on pages, API answers, redirects, 400, 401, 403, 404, 413 and errors, and without ADMIN_TOKEN", async () => {
    const { cookie } = await login();
    const csrf = await csrfOf(cookie);
    const bearer = { authorization: `Bearer ${ADMIN_TOKEN}`, "cf-connecting-ip": freshClientIp() };
    const order = shopifyOrder({ id: "6300000000000000001", createdAt: new Date().toISOString() });
    await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
    const story = `/admin/events/${encodeURIComponent(`shopify:${SHOP}:purchase:${order.id}`)}`;
    const failingDb = {
      prepare() {
        throw new Error("D1 is down");
      },
    } as unknown as D1Database;
    const answers: Array<[string, Response]> = [
      ["status page", await get("/admin", { cookie })],
      ["story page", await get(story, { cookie })],
      ["API", await get("/admin/api/stats", bearer)],
      ["login", await exports.default.fetch(loginRequest(ADMIN_TOKEN, freshClientIp()))],
      [
        "replay not JSON",
        await fetchWith(
          new Request(`${BASE}/admin/api/replay`, { method: "POST", body: "not json", headers: bearer }),
        ),
      ],
      ["page, signed out", await get("/admin")],
      ["API, signed out", await get("/admin/api/stats")],
      ["wrong token", await exports.default.fetch(loginRequest("nope", freshClientIp()))],
      ["no CSRF", await postForm("/admin/replay", cookie, { status: "dead" })],
      [
        "cross-origin",
        await postForm("/admin/replay", cookie, { status: "dead", csrf }, { origin: "https://evil.test" }),
      ],
      ["unknown page", await get("/admin/nope", { cookie })],
      ["unknown event", await get("/admin/events/shopify%3Anope", { cookie })],
      ["other spelling", await get("/ADMIN")],
      [
        "413",
        await exports.default.fetch(
          new Request(`${BASE}/admin/login`, { method: "POST", body: "x".repeat(CAP + 1) }),
        ),
      ],
      [
        "error",
        await fetchWith(new Request(`${BASE}/admin/api/stats`, { headers: bearer }), { DB: failingDb }),
      ],
      [
        "page error",
        await fetchWith(new Request(`${BASE}/admin`, { headers: { cookie } }), { DB: failingDb }),
      ],
      ["no ADMIN_TOKEN, page", await fetchWith(new Request(`${BASE}/admin`), { ADMIN_TOKEN: "" } as never)],
      [
        "no ADMIN_TOKEN, API",
        await fetchWith(new Request(`${BASE}/admin/api/stats`, { headers: bearer }), {
          ADMIN_TOKEN: "",
        } as never),
      ],
    ];
    expect(answers.map(([name, r]) => `${name} ${r.status}`)).toEqual([
      "status page 200",
      "story page 200",
      "API 200",
      "login 303",
      "replay not JSON 400",
      "page, signed out 401",
      "API, signed out 401",
      "wrong token 401",
      "no CSRF 403",
      "cross-origin 403",
      "unknown page 404",
      "unknown event 404",
      "other spelling 404",
      "413 413",
      "error 500",
      "page error 500",
      "no ADMIN_TOKEN, page 404",
      "no ADMIN_TOKEN, API 404",
    ]);
    for (const [, response] of answers) expectAdminHeaders(response);
  });

  it("the pages hold nothing the CSP would block: no script, no handler attribute, forms post to /admin", async () => {
    const { cookie } = await login();
    const order = shopifyOrder({ id: "6300000000000000002", createdAt: new Date().toISOString() });
    await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue() });
    await putLedgerEntry(`shopify:${SHOP}:purchase:${order.id}`, "ga4", { status: "failed", reason: "down" });
    const pages = [
      await (await get("/admin")).text(),
      await (await get("/admin", { cookie })).text(),
      await (
        await get(`/admin/events/${encodeURIComponent(`shopify:${SHOP}:purchase:${order.id}`)}`, { cookie })
      ).text(),
    ];
    for (const page of pages) {
      expect(page).toContain("<style>");
      expect(page).not.toMatch(/<script|\son[a-z]+=|javascript:|<iframe|<object|<embed|<link /i);
      const actions = [...page.matchAll(/<form[^>]*action="([^"]*)"/g)].map((m) => m[1]);
      expect(actions.length).toBeGreaterThan(0);
      for (const action of actions) expect(action).toMatch(/^\/admin(\/|$)/);
    }
    expect(pages[1]).toContain("<svg");
  });
});

describe("a cookie POST from another origin is refused (403), behind the CSRF token", () => {
  it("refuses a foreign or null Origin, takes this origin or none", async () => {
    const { cookie } = await login();
    const csrf = await csrfOf(cookie);
    const replay = (origin?: string) =>
      postForm("/admin/replay", cookie, { status: "dead", csrf }, origin === undefined ? {} : { origin });
    const answers: Array<[string, number]> = [];
    for (const origin of [
      "https://evil.test",
      "null",
      "http://relay.test",
      "https://relay.test:8443",
      "https://relay.test.evil.test",
      "https://relay.test",
      undefined,
    ]) {
      const response = await replay(origin);
      answers.push([origin ?? "(none)", response.status]);
      if (response.status === 403) {
        expect(await response.json()).toEqual({ status: "rejected", reason: "cross-origin request" });
      }
    }
    expect(answers).toEqual([
      ["https://evil.test", 403],
      ["null", 403],
      ["http://relay.test", 403],
      ["https://relay.test:8443", 403],
      ["https://relay.test.evil.test", 403],
      ["https://relay.test", 303],
      ["(none)", 303],
    ]);
  });

  it("a cross-origin sign-out does not sign out, a cross-origin sign-in does not sign in", async () => {
    const { cookie } = await login();
    const csrf = await csrfOf(cookie);
    expect((await postForm("/admin/logout", cookie, { csrf }, { origin: "https://evil.test" })).status).toBe(
      403,
    );
    expect((await get("/admin", { cookie })).status).toBe(200);
    const signIn = await exports.default.fetch(
      loginRequest(ADMIN_TOKEN, freshClientIp(), { origin: "https://evil.test" }),
    );
    expect(signIn.status).toBe(403);
    expect(signIn.headers.get("set-cookie")).toBeNull();
  });

  it("a Bearer call is not browser-driven: its Origin is not checked", async () => {
    const response = await fetchWith(
      new Request(`${BASE}/admin/api/replay`, {
        method: "POST",
        body: '{"status":"dead"}',
        headers: {
          authorization: `Bearer ${ADMIN_TOKEN}`,
          "cf-connecting-ip": freshClientIp(),
          origin: "https://evil.test",
        },
      }),
      { EVENTS_QUEUE: recordingQueue() },
    );
    expect(response.status).toBe(200);
  });
});

describe("admin paths", () => {
  it("no spelling of the path reaches admin data without credentials", async () => {
    const paths = [
      "/admin",
      "/admin/",
      "/ADMIN",
      "/Admin/api/stats",
      "/admin/../admin",
      "/admin/%2e%2e/admin",
      "/x/../admin/api/stats",
      "/%61dmin",
      "/%61dmin/api/stats",
      "/admin%2F",
      "/admin/api%2Fstats",
      "//admin",
      "/admin//api/stats",
      "/admin;/api/stats",
      "/admin/api/stats/",
      "/admin/api/%2e%2e/api/stats",
      "/admin/api",
      "/admin/api/nope",
    ];
    const answers: string[] = [];
    for (const path of paths) {
      const response = await exports.default.fetch(new Request(BASE + path));
      const body = await response.text();
      expect(body).not.toMatch(/Deliveries|"webhooks"|"deliveries"/);
      answers.push(`${path} ${response.status}`);
    }
    expect(answers).toEqual([
      "/admin 401",
      "/admin/ 404",
      "/ADMIN 404",
      "/Admin/api/stats 404",
      "/admin/../admin 401",
      "/admin/%2e%2e/admin 401",
      "/x/../admin/api/stats 401",
      "/%61dmin 401",
      "/%61dmin/api/stats 401",
      "/admin%2F 404",
      "/admin/api%2Fstats 404",
      "//admin 404",
      "/admin//api/stats 404",
      "/admin;/api/stats 404",
      "/admin/api/stats/ 401",
      "/admin/api/%2e%2e/api/stats 401",
      "/admin/api 401",
      "/admin/api/nope 401",
    ]);
  });
});

describe("the admin token is compared in constant time", () => {
  // workerd freezes its clocks while code runs (a Spectre mitigation), so the timing itself cannot be
  // measured here; the comparison visits every byte of the expected token whatever it is given.
  it.each([
    [ADMIN_TOKEN, ADMIN_TOKEN, true],
    [`${ADMIN_TOKEN}x`, ADMIN_TOKEN, false],
    [ADMIN_TOKEN.slice(0, -1), ADMIN_TOKEN, false],
    [`x${ADMIN_TOKEN.slice(1)}`, ADMIN_TOKEN, false],
    [`${ADMIN_TOKEN.slice(0, -1)}x`, ADMIN_TOKEN, false],
    ["", ADMIN_TOKEN, false],
    [ADMIN_TOKEN.toUpperCase(), ADMIN_TOKEN, false],
    ["é", "e", false],
  ])("%s vs the token → %s", (given, expected, equal) => {
    expect(timingSafeEqualText(given, expected)).toBe(equal);
  });

  it("the login form, the Bearer header and the CSRF check all use it", async () => {
    const sources = import.meta.glob("../../src/admin/auth.ts", {
      query: "?raw",
      import: "default",
      eager: true,
    });
    const auth = Object.values(sources)[0] as string;
    expect(auth.match(/timingSafeEqualText\(/g)).toHaveLength(2);
    expect(auth).not.toMatch(/(given|bearer|token)\s*===|===\s*(token|csrf)/);
  });
});
