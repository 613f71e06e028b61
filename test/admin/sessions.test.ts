import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { SESSION_SECONDS } from "../../src/admin/session";
import { sha256Hex } from "../../src/lib/crypto";
import { fetchWith } from "../helpers";
import { ADMIN_TOKEN, BASE, csrfOf, get, login, postForm } from "./helpers";

/** What the token might be changed to: as long as a real one. */
const NEW_TOKEN = "a-later-admin-token-0123456789abcdefghij";

const sessionRows = () =>
  env.DB.prepare("SELECT id_hash, token_fingerprint, expires_at, created_at FROM admin_sessions").all<{
    id_hash: string;
    token_fingerprint: string;
    expires_at: number;
    created_at: string;
  }>();

const withToken = (token: string, path: string, cookie: string) =>
  fetchWith(new Request(BASE + path, { headers: { cookie } }), { ADMIN_TOKEN: token } as never);

describe("admin sessions live in D1", () => {
  it("keeps only the SHA-256 of the session id, its expiry and a fingerprint of the token", async () => {
    const before = Date.now();
    const { id } = await login();
    const rows = (await sessionRows()).results;
    const idHash = await sha256Hex(id);
    const row = rows.find((r) => r.id_hash === idHash);
    expect(row).toBeDefined();
    expect(row?.expires_at).toBeGreaterThanOrEqual(before + SESSION_SECONDS * 1000);
    expect(row?.expires_at).toBeLessThanOrEqual(Date.now() + SESSION_SECONDS * 1000);
    expect(row?.token_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.token_fingerprint).not.toBe(await sha256Hex(ADMIN_TOKEN));
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(id);
    expect(stored).not.toContain(ADMIN_TOKEN);
  });

  it("signing out ends the session: the old cookie is refused afterwards, also for a POST", async () => {
    const { cookie, id } = await login();
    const csrf = await csrfOf(cookie);
    expect((await postForm("/admin/logout", cookie, { csrf })).status).toBe(303);
    expect((await get("/admin", { cookie })).status).toBe(401);
    expect((await get("/admin/api/stats", { cookie })).status).toBe(401);
    expect((await postForm("/admin/replay", cookie, { csrf, status: "dead" })).status).toBe(401);
    const row = await env.DB.prepare("SELECT 1 FROM admin_sessions WHERE id_hash = ?1")
      .bind(await sha256Hex(id))
      .first();
    expect(row).toBeNull();
  });

  it("a session issued before ADMIN_TOKEN changed is refused, and stays refused if it changes back", async () => {
    const { cookie } = await login();
    expect((await withToken(ADMIN_TOKEN, "/admin", cookie)).status).toBe(200);
    expect((await withToken(NEW_TOKEN, "/admin", cookie)).status).toBe(401);
    expect((await withToken(NEW_TOKEN, "/admin/api/stats", cookie)).status).toBe(401);
    expect((await withToken(ADMIN_TOKEN, "/admin", cookie)).status).toBe(401);
  });

  it("a sign-in purges expired sessions and those of an earlier token", async () => {
    const now = Date.now();
    const insert = env.DB.prepare(
      "INSERT INTO admin_sessions (id_hash, token_fingerprint, expires_at, created_at) VALUES (?1, ?2, ?3, ?4)",
    );
    const current = await sha256Hex((await login()).id);
    const fingerprint = (await sessionRows()).results.find((r) => r.id_hash === current)?.token_fingerprint;
    await env.DB.batch([
      insert.bind("a".repeat(64), fingerprint, now - 1, new Date(now - 13 * 3600_000).toISOString()),
      insert.bind("b".repeat(64), "0".repeat(64), now + 3600_000, new Date(now).toISOString()),
    ]);
    await login();
    const hashes = (await sessionRows()).results.map((r) => r.id_hash);
    expect(hashes).not.toContain("a".repeat(64));
    expect(hashes).not.toContain("b".repeat(64));
    expect(hashes).toContain(current);
  });

  it("each session has its own CSRF token, stable for the session and not its id", async () => {
    const first = await login();
    const second = await login();
    const [csrfA, csrfB] = [await csrfOf(first.cookie), await csrfOf(second.cookie)];
    expect(csrfA).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfA).not.toBe(csrfB);
    expect(csrfA).not.toContain(first.id);
    expect(await csrfOf(first.cookie)).toBe(csrfA);
  });
});
