import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import devVarsExample from "../../.dev.vars.example?raw";
import { loadConfig } from "../../src/config";
import worker from "../../src/index";
import wranglerToml from "../../wrangler.toml?raw";
import { mockDestinations } from "../fixtures/destinations";
import { BIG_CUSTOMER_ID, SHOP, shopifyOrder } from "../fixtures/shopify";
import { fetchWith, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** GA4's user_id on, so the customer id is client data too. */
const USER_ID = { GA4_USER_ID: "customer_id" };

async function storeOrder(id: string): Promise<string> {
  const order = shopifyOrder({ id, createdAt: new Date().toISOString() });
  await fetchWith(await shopifyRequest(order), { EVENTS_QUEUE: recordingQueue(), ...USER_ID });
  return `shopify:${SHOP}:purchase:${id}`;
}

async function consume(eventId: string, overrides: Partial<Env> = {}) {
  const batch = createMessageBatch("tagrelay-events", [
    { id: "m", timestamp: new Date(), attempts: 1, body: { eventId } },
  ]);
  await worker.queue(batch, { ...env, ...overrides });
  return getQueueResult(batch, createExecutionContext());
}

/** The fixture order's client data (test/fixtures/shopify.ts). */
const IP = "203.0.113.7";
const UA = "Mozilla/5.0 (X11; Linux x86_64) RelayTest/1.0";

async function payloadOf(eventId: string): Promise<string> {
  const row = await env.DB.prepare("SELECT payload FROM events WHERE id = ?1")
    .bind(eventId)
    .first<{ payload: string }>();
  return row?.payload ?? "";
}

const ledgerRows = (eventId: string) =>
  ledgerOf<{ destination: string; status: string; request_body: string | null }>(
    eventId,
    "status",
    "request_body",
  );

describe("DESTINATIONS_MODE=dry-run", () => {
  it("sends nothing and records exactly what the live path sends, secrets and client data redacted", async () => {
    const eventId = await storeOrder("9300000000000000001");
    const stored = await payloadOf(eventId);
    const fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      throw new Error("dry run must not send anything");
    });
    const result = await consume(eventId, { DESTINATIONS_MODE: "dry-run", ...USER_ID });
    expect(result.explicitAcks).toEqual(["m"]);
    expect(fetchSpy).not.toHaveBeenCalled();
    const dry = await ledgerRows(eventId);
    expect(dry.map((r) => [r.destination, r.status])).toEqual([
      ["ga4", "dry-run"],
      ["meta", "dry-run"],
    ]);
    for (const row of dry) {
      expect(row.request_body).not.toContain("meta-test-access-token");
      expect(row.request_body).not.toContain("ga4-test-api-secret");
      expect(row.request_body).not.toContain(IP);
      expect(row.request_body).not.toContain(UA);
      expect(row.request_body).not.toContain(BIG_CUSTOMER_ID);
    }
    // Dry-run rows are final: the outbox row no longer holds the client IP, user agent and customer id.
    expect(JSON.parse(stored).client).toEqual({ ip: IP, userAgent: UA, customerId: BIG_CUSTOMER_ID });
    expect(JSON.parse(await payloadOf(eventId)).client).toEqual({});

    // The same event, as first stored, through the live path: the bodies must be the ones recorded,
    // but for the client IP, user agent and customer id, which are personal data kept at rest only
    // until every destination is final: the ledger shows that they were sent, not what they were.
    vi.restoreAllMocks();
    await env.DB.batch([
      env.DB.prepare("UPDATE events SET ledger = '{}', due_at = NULL WHERE id = ?1").bind(eventId),
      env.DB.prepare("UPDATE events SET payload = ?2 WHERE id = ?1").bind(eventId, stored),
    ]);
    const { ga4, meta } = mockDestinations();
    await consume(eventId, USER_ID);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    const [ga4Dry, metaDry] = dry.map((r) => JSON.parse(r.request_body ?? "null"));
    expect(ga4[0].body).toMatchObject({ user_id: BIG_CUSTOMER_ID, ip_override: IP, user_agent: UA });
    expect(ga4Dry).toEqual({
      ...ga4[0].body,
      user_id: "[redacted]",
      ip_override: "[redacted]",
      user_agent: "[redacted]",
    });
    const [live] = meta[0].body.data;
    const userData = live.user_data as Record<string, unknown>;
    expect(userData).toMatchObject({ client_ip_address: IP, client_user_agent: UA });
    expect(metaDry).toEqual({
      ...meta[0].body,
      access_token: "[redacted]",
      data: [
        {
          ...live,
          user_data: { ...userData, client_ip_address: "[redacted]", client_user_agent: "[redacted]" },
        },
      ],
    });
    expect(await ledgerRows(eventId)).toMatchObject([
      { status: "sent", request_body: null },
      { status: "sent", request_body: null },
    ]);
  });

  it("is never the default when deployed: wrangler.toml carries neither dry-run nor development secrets", () => {
    expect(wranglerToml).not.toMatch(/DESTINATIONS_MODE\s*=\s*"dry-run"/);
    const devValues = [...devVarsExample.matchAll(/^[ \t]*([A-Z0-9_]+)[ \t]*=[ \t]*(\S.*?)[ \t]*$/gm)];
    expect(devValues.length).toBeGreaterThan(0);
    for (const [, name, value] of devValues) {
      if (name === "DESTINATIONS_MODE") continue;
      expect(wranglerToml, `${name} from .dev.vars.example is in wrangler.toml`).not.toContain(value);
    }
    const vars = Object.fromEntries(
      [...wranglerToml.matchAll(/^\s*([A-Z0-9_]+)\s*=\s*"([^"]*)"\s*$/gm)].map(([, k, v]) => [k, v]),
    );
    const deployed = loadConfig(vars);
    expect(deployed.ok && deployed.value.DESTINATIONS_MODE).toBe("live");
  });

  it("the development example defaults to dry-run", () => {
    expect(devVarsExample).toMatch(/^DESTINATIONS_MODE=dry-run$/m);
  });
});
