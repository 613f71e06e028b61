import { describe, expect, it } from "vitest";
import type { CommerceEvent } from "../../src/model/commerce-event";
import { identifierOrigins, mergeCollected } from "../../src/model/identifiers";

const EVENT = {
  occurredAt: "2026-11-27T10:00:00.000Z",
  attribution: {
    fbc: "fb.1.1795773600000.IwAR_landing",
    landingUrl: "https://s.example/?fbclid=IwAR_landing",
  },
  client: {},
  consent: { marketing: "denied" },
} as unknown as CommerceEvent;

const POSTED = {
  attribution: {
    gaClientId: "1.2",
    gaSessionId: "77",
    fbp: "fb.1.1.9",
    fbc: "fb.1.1700000000000.IwAR_cookie",
  },
  consent: { marketing: "granted", analytics: "granted" },
  client: { ip: "192.0.2.1", userAgent: "UA" },
} as const;

describe("merging what a browser posted", () => {
  it("takes the pixel's ids over fallbacks, keeps the order's own, and records each origin", () => {
    const merged = mergeCollected(EVENT, POSTED);
    expect(merged.attribution).toEqual({
      gaClientId: "1.2",
      gaSessionId: "77",
      fbp: "fb.1.1.9",
      fbc: "fb.1.1700000000000.IwAR_cookie",
      landingUrl: "https://s.example/?fbclid=IwAR_landing",
    });
    expect(merged.client).toEqual({ ip: "192.0.2.1", userAgent: "UA" });
    expect(merged.consent).toEqual({ marketing: "denied", analytics: "granted" });
    expect(merged.identifiers).toEqual({
      gaClientId: "pixel",
      gaSessionId: "pixel",
      fbp: "pixel",
      fbc: "pixel",
      landingUrl: "order",
      client: "pixel",
    });
  });

  it("keeps the order's client id and takes no session id of another client", () => {
    const own = {
      ...EVENT,
      attribution: { gaClientId: "3.4" },
      client: { ip: "203.0.113.1" },
    } as CommerceEvent;
    const merged = mergeCollected(own, POSTED);
    expect(merged.attribution).toEqual({
      gaClientId: "3.4",
      fbp: "fb.1.1.9",
      fbc: "fb.1.1700000000000.IwAR_cookie",
    });
    expect(merged.client).toEqual({ ip: "203.0.113.1" });
    expect(merged.identifiers).toEqual({ gaClientId: "order", fbp: "pixel", fbc: "pixel", client: "order" });
  });

  it("without a post: the order's ids, a derived fbc and client id as fallbacks", () => {
    expect(identifierOrigins(EVENT)).toEqual({
      fbc: "fallback",
      landingUrl: "order",
      gaClientId: "fallback",
    });
  });
});
