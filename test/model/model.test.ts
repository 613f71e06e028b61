import { describe, expect, it } from "vitest";
import chartsSource from "../../src/admin/pages/charts.ts?raw";
import statusPageSource from "../../src/admin/pages/status-page.ts?raw";
import storyPageSource from "../../src/admin/pages/story-page.ts?raw";
import replaySource from "../../src/admin/replay.ts?raw";
import consumerSource from "../../src/deliver/consumer.ts?raw";
import sweepSource from "../../src/deliver/sweep.ts?raw";
import { addWebhookCount, PairMap, type WebhookCount } from "../../src/model/keys";
import { QueueMessage, queueMessageOf } from "../../src/model/queue-message";
import {
  DELIVERY_STATUSES,
  FAILED_STATUSES,
  FINAL_STATUSES,
  isFinal,
  OUTCOME_STATUSES,
  REPLAYABLE_BY_ID,
  WEBHOOK_OUTCOMES,
} from "../../src/model/statuses";
import queriesSource from "../../src/store/admin-queries.ts?raw";
import statsQuerySource from "../../src/store/admin-stats.ts?raw";
import eventsSource from "../../src/store/events.ts?raw";
import ledgerSource from "../../src/store/ledger.ts?raw";

describe("src/model", () => {
  it("names the final and replayable delivery statuses", () => {
    expect(FINAL_STATUSES).toEqual(["sent", "failed", "dead", "skipped", "expired", "dry-run"]);
    expect(REPLAYABLE_BY_ID).toEqual(["retrying", "failed", "dead", "skipped", "expired", "dry-run"]);
    expect(FAILED_STATUSES).toEqual(["failed", "dead"]);
    expect([isFinal("sending"), isFinal("retrying"), isFinal("dead"), isFinal("bogus")]).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });

  it("has one Queue message schema, and its send request passes it", () => {
    expect(queueMessageOf("shopify:s:purchase:1")).toEqual({ body: { eventId: "shopify:s:purchase:1" } });
    expect(QueueMessage.safeParse(queueMessageOf("shopify:s:purchase:1").body).success).toBe(true);
    expect(QueueMessage.safeParse({ eventId: "" }).success).toBe(false);
    expect(QueueMessage.safeParse({ id: "shopify:s:purchase:1" }).success).toBe(false);
  });

  it("keeps (event, destination) pairs apart without gluing them into a string", () => {
    const values = new PairMap<string>();
    values.set({ eventId: "a\u0000b", destination: "ga4" }, "first");
    values.set({ eventId: "a", destination: "ga4" }, "second");
    values.set({ eventId: "a\u0000b", destination: "meta" }, "third");
    values.set({ eventId: "a", destination: "ga4" }, "second again");
    expect(values.get({ eventId: "a\u0000b", destination: "ga4" })).toBe("first");
    expect(values.get({ eventId: "a", destination: "meta" })).toBeUndefined();
    expect([...values]).toEqual([
      [{ eventId: "a\u0000b", destination: "ga4" }, "first"],
      [{ eventId: "a", destination: "ga4" }, "second again"],
      [{ eventId: "a\u0000b", destination: "meta" }, "third"],
    ]);
  });

  it("adds webhook counts per (hour, source, outcome)", () => {
    const rows: WebhookCount[] = [];
    addWebhookCount(rows, { hour: 7, source: "shopify", outcome: "accepted" }, 1);
    addWebhookCount(rows, { hour: 7, source: "shopify", outcome: "duplicate" }, 1);
    addWebhookCount(rows, { hour: 7, source: "shopify", outcome: "accepted" }, 2);
    addWebhookCount(rows, { hour: 8, source: "shopify", outcome: "accepted" }, 1);
    expect(rows).toEqual([
      { hour: 7, source: "shopify", outcome: "accepted", n: 3 },
      { hour: 7, source: "shopify", outcome: "duplicate", n: 1 },
      { hour: 8, source: "shopify", outcome: "accepted", n: 1 },
    ]);
  });

  it("is the only place that spells a status: the ledger, consumer, sweep and admin refer to it", () => {
    const words = [...new Set([...DELIVERY_STATUSES, ...OUTCOME_STATUSES, ...WEBHOOK_OUTCOMES])];
    // A quoted status, except as a key into the model's own constants (`STATUS["dry-run"]`).
    const quoted = new RegExp(`(?<!\\[)(["'])(${words.join("|")})\\1`, "g");
    const sources = {
      "store/ledger.ts": ledgerSource,
      "deliver/consumer.ts": consumerSource,
      "deliver/sweep.ts": sweepSource,
      "store/admin-queries.ts": queriesSource,
      "admin/pages/charts.ts": chartsSource,
      "admin/pages/status-page.ts": statusPageSource,
      "admin/pages/story-page.ts": storyPageSource,
      "admin/replay.ts": replaySource,
      "store/admin-stats.ts": statsQuerySource,
      "store/events.ts": eventsSource,
    };
    const spelled = Object.entries(sources).flatMap(([file, text]) =>
      [...text.matchAll(quoted)].map((m) => `${file}: ${m[0]}`),
    );
    expect(spelled).toEqual([]);
  });
});
