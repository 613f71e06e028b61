import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, BASE, csrfOf, freshClientIp, get, login, logLines } from "./admin-helpers";
import { fetchWith, recordingQueue } from "./helpers";

const CAP = 16 * 1024;

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
