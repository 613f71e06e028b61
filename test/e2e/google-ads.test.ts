import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { answers, mockDestinations } from "../fixtures/destinations";
import {
  expectNoGoogleCredentialLogged,
  fakeTokenEndpoint,
  sharedServiceAccountJson,
} from "../fixtures/google";
import { MAGENTO_SHOP, magentoOrder, recentMagentoTime, signedMagentoRequest } from "../fixtures/magento";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { WOO_SHOP, wooDate, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

const goldens = import.meta.glob<Record<string, unknown>>("../golden/google_ads/*.json", {
  eager: true,
  import: "default",
});

const TOKEN_URL = "https://oauth.test/token";
/** The fixture orders' client data, never kept in a dry run's record. */
const UA = "RelayTest/1.0";

/** Google Ads on, at its fake host; each test its own token endpoint, so the isolate's cache starts empty. */
async function googleEnv(test: string): Promise<Partial<Env>> {
  return {
    GOOGLE_ADS_CUSTOMER_ID: "123-456-7890",
    GOOGLE_ADS_CONVERSION_ACTION_ID: "987654321",
    GOOGLE_SERVICE_ACCOUNT_KEY: await sharedServiceAccountJson(),
    GOOGLE_ADS_ENDPOINT: "https://google_ads.test",
    GOOGLE_TOKEN_ENDPOINT: `${TOKEN_URL}?${test}`,
  };
}

/** Stores the order through its signed webhook (without queueing it). */
async function store(request: Request) {
  const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
}

async function consume(eventId: string, overrides: Partial<Env>, attempts = 1) {
  const batch = createMessageBatch("tagrelay-events", [
    { id: "m", timestamp: new Date(), attempts, body: { eventId } },
  ]);
  await worker.queue(batch, { ...env, ...overrides });
  return getQueueResult(batch, createExecutionContext());
}

/** The event's time depends on when the test runs: the golden files say `<recent>`. */
function withoutClock(body: Record<string, unknown>) {
  const events = (body.events as Array<Record<string, unknown>>).map((e) => ({
    ...e,
    eventTimestamp: "<recent>",
  }));
  return { ...body, events };
}

const now = () => new Date().toISOString();
const sources = [
  {
    name: "shopify",
    eventId: `shopify:${SHOP}:purchase:8700000000000000001`,
    request: () => shopifyRequest(shopifyOrder({ id: "8700000000000000001", createdAt: now() })),
  },
  {
    name: "woocommerce",
    eventId: `woocommerce:${WOO_SHOP}:purchase:87001`,
    request: () => {
      const at = wooDate(new Date());
      return wooRequest(wooOrder({ id: 87001, status: "processing", createdAt: at, paidAt: at }));
    },
  },
  {
    name: "magento",
    eventId: `magento:${MAGENTO_SHOP}:purchase:8700001`,
    request: () =>
      signedMagentoRequest(
        JSON.stringify({ order: magentoOrder({ entityId: "8700001", createdAt: recentMagentoTime() }) }),
      ),
  },
];

afterEach(() => {
  vi.restoreAllMocks();
});

afterAll(expectNoGoogleCredentialLogged);

describe("Google Ads end to end: signed webhook → Queue → consumer → Data Manager", () => {
  it.each(sources)("$name: the purchase's request is the golden one", async (source) => {
    await store(await source.request());
    const { hits, spy } = mockDestinations();
    const tokens = fakeTokenEndpoint(spy, TOKEN_URL);
    const result = await consume(source.eventId, await googleEnv(source.name));
    expect(result.explicitAcks).toEqual(["m"]);
    expect(tokens).toHaveLength(1);
    expect(hits.google_ads).toHaveLength(1);
    expect(hits.google_ads[0].headers.get("authorization")).toBe("Bearer ya29.test-token");
    const golden = goldens[`../golden/google_ads/${source.name}-purchase.json`];
    expect(golden, `test/golden/google_ads/${source.name}-purchase.json`).toBeDefined();
    expect(withoutClock(hits.google_ads[0].body)).toEqual(golden);
    expect(await ledgerOf(source.eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "google_ads", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("a failure at Google Ads (500, then retried) never sends GA4 or Meta again", async () => {
    const eventId = `shopify:${SHOP}:purchase:8700000000000000002`;
    await store(await shopifyRequest(shopifyOrder({ id: "8700000000000000002", createdAt: now() })));
    let calls = 0;
    const { ga4, meta, hits, spy } = mockDestinations({
      google_ads: () =>
        calls++ === 0 ? answers.json({ error: { code: 500, status: "INTERNAL" } }, 500) : undefined,
    });
    fakeTokenEndpoint(spy, TOKEN_URL);
    const overrides = await googleEnv("retry");
    const first = await consume(eventId, overrides);
    expect(first.retryMessages).toHaveLength(1);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "google_ads", status: "retrying" },
      { destination: "meta", status: "sent" },
    ]);
    const second = await consume(eventId, overrides, 2);
    expect(second.explicitAcks).toEqual(["m"]);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    expect(hits.google_ads).toHaveLength(2);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "google_ads", status: "sent" },
      { destination: "meta", status: "sent" },
    ]);
  });

  it("a dry run asks for no token, sends nothing, and records the body without the key or the user agent", async () => {
    const eventId = `shopify:${SHOP}:purchase:8700000000000000003`;
    await store(await shopifyRequest(shopifyOrder({ id: "8700000000000000003", createdAt: now() })));
    const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async () => {
      throw new Error("dry run must not send anything");
    });
    await consume(eventId, { ...(await googleEnv("dry")), DESTINATIONS_MODE: "dry-run" });
    expect(spy).not.toHaveBeenCalled();
    const rows = await ledgerOf<{ destination: string; status: string; request_body: string }>(
      eventId,
      "status",
      "request_body",
    );
    const google = rows.find((r) => r.destination === "google_ads");
    expect(google?.status).toBe("dry-run");
    expect(JSON.parse(google?.request_body ?? "{}").events[0].eventDeviceInfo).toEqual({
      userAgent: "[redacted]",
    });
    expect(google?.request_body).not.toContain(UA);
    expect(google?.request_body).not.toContain("PRIVATE KEY");
  });
});

describe("/health for Google Ads", () => {
  it("says it is disabled and which settings are missing", async () => {
    const body = await (
      await fetchWith(new Request("https://relay.test/health"), { GOOGLE_ADS_CUSTOMER_ID: "1234567890" })
    ).json<{ destinations: Record<string, unknown> }>();
    expect(body.destinations.google_ads).toEqual({
      enabled: false,
      missing: ["GOOGLE_ADS_CONVERSION_ACTION_ID", "GOOGLE_SERVICE_ACCOUNT_KEY"],
    });
  });

  it("names an unparsable key as a settings problem, without its text", async () => {
    const response = await fetchWith(new Request("https://relay.test/health"), {
      GOOGLE_SERVICE_ACCOUNT_KEY:
        '{"client_email": "a@b.iam.gserviceaccount.com", "private_key": "not-a-key"}',
    });
    expect(response.status).toBe(500);
    const body = await response.json<{ status: string; problems: string[] }>();
    expect(body.status).toBe("misconfigured");
    expect(body.problems).toEqual([
      'GOOGLE_SERVICE_ACCOUNT_KEY: has no PKCS#8 "private_key" (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----)',
    ]);
  });
});
