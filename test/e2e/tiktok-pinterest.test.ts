import { createMessageBatch, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { withoutClock } from "../../scripts/demo/samples.mjs";
import worker from "../../src/index";
import { mockDestinations } from "../fixtures/destinations";
import { MAGENTO_SHOP, magentoOrder, signedMagentoRequest } from "../fixtures/magento";
import { SHOP, shopifyOrder } from "../fixtures/shopify";
import { WOO_SHOP, wooOrder, wooRequest } from "../fixtures/woocommerce";
import { fetchWith, ledgerOf, recordingQueue, shopifyRequest } from "../helpers";

afterEach(() => {
  vi.restoreAllMocks();
});

/** Each new destination switched on for the consumer, pointed at its fake host. */
const SETTINGS = {
  tiktok: {
    TIKTOK_PIXEL_CODE: "CTESTPIXEL0123456789",
    TIKTOK_ACCESS_TOKEN: "tiktok-test-access-token",
    TIKTOK_ENDPOINT: "https://tiktok.test",
  },
  pinterest: {
    PINTEREST_AD_ACCOUNT_ID: "549769530006",
    PINTEREST_ACCESS_TOKEN: "pina-test-conversion-token",
    PINTEREST_ENDPOINT: "https://pinterest.test",
  },
} as const;
type Name = keyof typeof SETTINGS;

/** Stores what the webhook carries (answered 200), without running the consumer. */
async function store(request: Request) {
  const response = await fetchWith(request, { EVENTS_QUEUE: recordingQueue() });
  expect(response.status).toBe(200);
}

async function consume(eventId: string, settings: Partial<Env>, attempts = 1) {
  const batch = createMessageBatch("tagrelay-events", [
    { id: eventId, timestamp: new Date(), attempts, body: { eventId } },
  ]);
  await worker.queue(batch, { ...env, ...settings });
}

/** The three sources' purchases, each a fresh order, with the id of the conversion they make. */
const purchases = (n: number) => ({
  shopify: async () => {
    const id = `93100000000000000${n}`;
    await store(
      await shopifyRequest(shopifyOrder({ id, createdAt: new Date(Date.now() - 3_600_000).toISOString() })),
    );
    return `shopify:${SHOP}:purchase:${id}`;
  },
  woocommerce: async () => {
    const id = 93100 + n;
    await store(await wooRequest(wooOrder({ id, status: "processing", customerId: 17 })));
    return `woocommerce:${WOO_SHOP}:purchase:${id}`;
  },
  magento: async () => {
    const id = `93100${n}`;
    await store(await signedMagentoRequest(JSON.stringify({ order: magentoOrder({ entityId: id }) })));
    return `magento:${MAGENTO_SHOP}:purchase:${id}`;
  },
});

const goldens = import.meta.glob<Record<string, unknown>>(
  ["../golden/tiktok/*.json", "../golden/pinterest/*.json"],
  {
    eager: true,
    import: "default",
  },
);

/**
 * The golden request body, the time of the event aside. A golden file not written yet fails the
 * test and prints the body sent, to be reviewed and saved as that file.
 */
function expectGolden(body: unknown, path: string) {
  const actual = withoutClock(body);
  const golden = goldens[`../golden/${path}`];
  if (!golden) globalThis.printReport(`GOLDEN ${path} ${JSON.stringify(actual)}`);
  expect(golden, `test/golden/${path}`).toBeDefined();
  expect(actual).toEqual(golden);
}

describe.each(Object.keys(SETTINGS) as Name[])("%s end to end: signed webhook → Queue → consumer", (name) => {
  const sources = ["shopify", "woocommerce", "magento"] as const;

  it.each(sources)("the golden purchase from %s", async (source) => {
    const eventId = await purchases(name === "tiktok" ? 1 : 2)[source]();
    const { hits } = mockDestinations();
    await consume(eventId, SETTINGS[name]);
    expect(hits[name]).toHaveLength(1);
    expectGolden(hits[name][0].body, `${name}/${source}-purchase.json`);
    expect(await ledgerOf(eventId)).toContainEqual({ destination: name, status: "sent" });
  });

  it("a failure there (500, then retried) never sends GA4 or Meta again", async () => {
    const eventId = await purchases(name === "tiktok" ? 3 : 4).shopify();
    let down = true;
    const { ga4, meta, hits } = mockDestinations({
      [name]: () => (down ? new Response("unavailable", { status: 500 }) : undefined),
    });
    await consume(eventId, SETTINGS[name]);
    expect(await ledgerOf(eventId)).toEqual([
      { destination: "ga4", status: "sent" },
      { destination: "meta", status: "sent" },
      { destination: name, status: "retrying" },
    ]);
    down = false;
    await consume(eventId, SETTINGS[name], 2);
    expect(hits[name]).toHaveLength(2);
    expect(ga4).toHaveLength(1);
    expect(meta).toHaveLength(1);
    expect(await ledgerOf(eventId)).toContainEqual({ destination: name, status: "sent" });
  });

  it("/health says it is disabled and names the missing settings when unset", async () => {
    const response = await fetchWith(new Request("https://relay.test/health"));
    const health = await response.json<{ destinations: Record<string, unknown> }>();
    expect(health.destinations[name]).toEqual({
      enabled: false,
      missing: Object.keys(SETTINGS[name]).slice(0, 2),
    });
  });
});
