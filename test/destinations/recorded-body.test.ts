import { describe, expect, it } from "vitest";
import { recordedBody } from "../../src/destinations/recorded-body";

describe("recordedBody: what the story and a dry run keep of a request", () => {
  it("redacts credentials and client data wherever they sit, however they are spelled", () => {
    const kept = recordedBody(
      {
        destination: "microsoft",
        url: "https://microsoft.test/v1/1/events",
        headers: { authorization: "Bearer secret-token" },
        eventIds: ["e1"],
        body: {
          access_token: "EAAB-secret",
          data: [
            {
              eventId: "1001",
              userData: { em: "hash", clientIpAddress: "198.51.100.20", clientUserAgent: "Mozilla/5.0" },
            },
          ],
          user: { ip: "203.0.113.9", user_agent: "Mozilla/5.0", userAgent: "x", ipAddress: "203.0.113.9" },
          user_id: "customer-7",
          ip_override: "203.0.113.9",
        },
      },
      0,
    );
    expect(kept).toEqual({
      access_token: "[redacted]",
      data: [
        {
          eventId: "1001",
          userData: { em: "hash", clientIpAddress: "[redacted]", clientUserAgent: "[redacted]" },
        },
      ],
      user: { ip: "[redacted]", user_agent: "[redacted]", userAgent: "[redacted]", ipAddress: "[redacted]" },
      user_id: "[redacted]",
      ip_override: "[redacted]",
    });
  });

  it("cuts a batch down to the event's own entry: the one top-level array, or the one at eventsAt", () => {
    const topLevel = recordedBody(
      {
        destination: "tiktok",
        url: "https://tiktok.test/",
        eventIds: ["a", "b"],
        body: { event_source: "web", data: [{ event_id: "1" }, { event_id: "2" }] },
      },
      1,
    );
    expect(topLevel).toEqual({ event_source: "web", data: [{ event_id: "2" }] });
    const nested = recordedBody(
      {
        destination: "reddit",
        url: "https://reddit.test/",
        eventIds: ["a", "b", "c"],
        eventsAt: ["data", "events"],
        body: { data: { test_id: "t", events: [{ n: 1 }, { n: 2 }, { n: 3 }] } },
      },
      2,
    );
    expect(nested).toEqual({ data: { test_id: "t", events: [{ n: 3 }] } });
  });
});
