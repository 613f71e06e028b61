import { createMessageBatch, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEMO_SHOPS, demoSamples, sampleHeaders, withoutClock } from "../scripts/demo/samples.mjs";
import worker from "../src/index";
import { fetchWith, hmacBase64, recordingQueue } from "./helpers";

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
      await worker.queue(batch, { ...env, DESTINATIONS_MODE: "dry-run" });
      const golden = goldens[`./golden/demo/${sample.name}.json`];
      expect(golden, `test/golden/demo/${sample.name}.json`).toBeDefined();
      expect(await demoOutcome(eventId)).toEqual(golden);
    }
  });
});
