import { createMessageBatch, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import devVarsExample from "../.dev.vars.example?raw";
import { DEMO_SHOPS, demoSamples, sampleHeaders, withoutClock } from "../scripts/demo/samples.mjs";
import worker from "../src/index";
import { fetchWith, hmacBase64, recordingQueue } from "./helpers";

/**
 * The destinations `npm start` turns on from .dev.vars.example's placeholders (dry run), so the
 * golden files hold every payload `npm run demo` prints. GA4 and Meta are the test Worker's own.
 */
const DEMO_DESTINATIONS = Object.fromEntries(
  devVarsExample
    .split("\n")
    .map((line) => /^((?:TIKTOK|PINTEREST|SNAPCHAT|REDDIT|MICROSOFT|GOOGLE)_[A-Z_]+)=(.+)$/.exec(line.trim()))
    .filter((match) => match !== null)
    .map((match) => [match[1], match[2]]),
);

/** The test Worker's secrets (vitest.config.mts), standing in for .dev.vars. */
const SECRETS = {
  shopify: "shopify-test-secret",
  woocommerce: "woocommerce-test-secret",
  magento: "magento-test-secret",
};

const goldens = import.meta.glob<Record<string, unknown>>("./golden/demo/*.json", {
  eager: true,
  import: "default",
});

/** What `npm run demo` prints for a conversion: each destination's ledger status and the body it would send. */
async function demoOutcome(eventId: string) {
  const rows = await env.DB.prepare(
    "SELECT destination, status, reason, request_body FROM deliveries WHERE event_id = ?1 ORDER BY destination",
  )
    .bind(eventId)
    .all<{ destination: string; status: string; reason: string | null; request_body: string | null }>();
  return Object.fromEntries(
    rows.results.map((r) => [
      r.destination,
      r.request_body
        ? { status: r.status, body: withoutClock(JSON.parse(r.request_body)) }
        : { status: r.status, reason: r.reason },
    ]),
  );
}

describe("the demo's samples (npm run demo) against their golden payloads", () => {
  it("turns on the five destinations .dev.vars.example has placeholders for", () => {
    expect(Object.keys(DEMO_DESTINATIONS).sort()).toEqual([
      "MICROSOFT_UET_ACCESS_TOKEN",
      "MICROSOFT_UET_TAG_ID",
      "PINTEREST_ACCESS_TOKEN",
      "PINTEREST_AD_ACCOUNT_ID",
      "REDDIT_ACCESS_TOKEN",
      "REDDIT_PIXEL_ID",
      "SNAPCHAT_ACCESS_TOKEN",
      "SNAPCHAT_PIXEL_ID",
      "TIKTOK_ACCESS_TOKEN",
      "TIKTOK_PIXEL_CODE",
    ]);
  });

  it.each(demoSamples())("$name", async (sample) => {
    const secret = SECRETS[sample.source];
    const request = new Request(`https://relay.test/webhooks/${sample.source}`, {
      method: "POST",
      body: sample.body,
      headers: sampleHeaders(sample, await hmacBase64(secret, sample.body)),
    });
    const response = await fetchWith(request, { ...DEMO_SHOPS, EVENTS_QUEUE: recordingQueue() });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: sample.expect });

    for (const eventId of sample.eventIds) {
      const batch = createMessageBatch("tagrelay-events", [
        { id: eventId, timestamp: new Date(), attempts: 1, body: { eventId } },
      ]);
      await worker.queue(batch, { ...env, ...DEMO_DESTINATIONS, DESTINATIONS_MODE: "dry-run" });
      const golden = goldens[`./golden/demo/${sample.name}.json`];
      expect(golden, `test/golden/demo/${sample.name}.json`).toBeDefined();
      expect(await demoOutcome(eventId)).toEqual(golden);
    }
  });
});
