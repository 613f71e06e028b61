import { afterEach, describe, expect, it, vi } from "vitest";
import { adobeKeyUrl } from "../src/sources/magento-signatures";
import {
  ADOBE_KEY_PATH,
  basicAuth,
  commerceWebhookRequest,
  ioEvent,
  ioEventRequest,
  MAGENTO_SECRET,
  magentoOrder,
  rsaSigner,
  secretRequest,
} from "./fixtures/magento";
import { fetchWith, hmacBase64, recordingQueue } from "./helpers";

const signer = await rsaSigner();
const stranger = await rsaSigner();

let next = 710_000;
const orderText = () => JSON.stringify({ order: magentoOrder({ entityId: String(next++) }) });
const eventText = () =>
  JSON.stringify(ioEvent("sales_order_save_after", magentoOrder({ entityId: String(next++) })));
const tamper = (text: string) => text.replace("171.33", "171.34");

afterEach(() => {
  vi.restoreAllMocks();
});

type Case = { name: string; status: number; request: () => Promise<Request>; env?: Partial<Env> };

const withKey = { MAGENTO_PUBLIC_KEY: signer.pem } as Partial<Env>;

const cases: Array<Case & { route: string }> = [
  {
    route: "I/O Events",
    name: "valid",
    status: 200,
    env: withKey,
    request: () => ioEventRequest(eventText(), signer),
  },
  {
    route: "I/O Events",
    name: "tampered body",
    status: 401,
    env: withKey,
    request: async () => {
      const text = eventText();
      return ioEventRequest(tamper(text), signer, { signedText: text });
    },
  },
  {
    route: "I/O Events",
    name: "wrong key",
    status: 401,
    env: withKey,
    request: () => ioEventRequest(eventText(), stranger),
  },
  {
    route: "I/O Events",
    name: "missing signature",
    status: 401,
    env: withKey,
    request: async () => secretRequest(eventText(), { "x-adobe-event-id": crypto.randomUUID() }),
  },
  {
    route: "Commerce webhook",
    name: "valid",
    status: 200,
    env: withKey,
    request: () => commerceWebhookRequest(orderText(), signer),
  },
  {
    route: "Commerce webhook",
    name: "valid, signed over the base64 of the body",
    status: 200,
    env: withKey,
    request: () => commerceWebhookRequest(orderText(), signer, { signBase64: true }),
  },
  {
    route: "Commerce webhook",
    name: "tampered body",
    status: 401,
    env: withKey,
    request: async () => {
      const text = orderText();
      return commerceWebhookRequest(tamper(text), signer, { signedText: text });
    },
  },
  {
    route: "Commerce webhook",
    name: "wrong key",
    status: 401,
    env: withKey,
    request: () => commerceWebhookRequest(orderText(), stranger),
  },
  {
    route: "Commerce webhook",
    name: "missing signature",
    status: 401,
    env: withKey,
    request: async () => secretRequest(orderText(), {}),
  },
  {
    route: "shared secret",
    name: "valid X-Tagrelay-Secret",
    status: 200,
    request: async () => secretRequest(orderText(), { "x-tagrelay-secret": MAGENTO_SECRET }),
  },
  {
    route: "shared secret",
    name: "valid Basic auth password",
    status: 200,
    request: async () => secretRequest(orderText(), { authorization: basicAuth("magento", MAGENTO_SECRET) }),
  },
  {
    route: "shared secret",
    name: "valid X-Tagrelay-Signature",
    status: 200,
    request: async () => {
      const text = orderText();
      return secretRequest(text, { "x-tagrelay-signature": await hmacBase64(MAGENTO_SECRET, text) });
    },
  },
  {
    route: "shared secret",
    name: "tampered body",
    status: 401,
    request: async () => {
      const text = orderText();
      return secretRequest(tamper(text), { "x-tagrelay-signature": await hmacBase64(MAGENTO_SECRET, text) });
    },
  },
  {
    route: "shared secret",
    name: "wrong secret",
    status: 401,
    request: async () => secretRequest(orderText(), { "x-tagrelay-secret": "magento-test-secreT" }),
  },
  {
    route: "shared secret",
    name: "wrong Basic auth password",
    status: 401,
    request: async () => secretRequest(orderText(), { authorization: basicAuth("magento", "nope") }),
  },
  {
    route: "shared secret",
    name: "missing secret",
    status: 401,
    request: async () => secretRequest(orderText(), {}),
  },
  {
    route: "shared secret",
    name: "the older of two rotated secrets",
    status: 200,
    env: { MAGENTO_WEBHOOK_SECRET: "magento-old-secret,magento-test-secret" } as Partial<Env>,
    request: async () => secretRequest(orderText(), { "x-tagrelay-secret": "magento-old-secret" }),
  },
];

describe("Magento authentication, per route", () => {
  it.each(cases)("$route: $name → $status", async ({ request, status, env }) => {
    const queue = recordingQueue();
    const response = await fetchWith(await request(), { EVENTS_QUEUE: queue, ...env });
    expect(response.status).toBe(status);
    if (status === 401) {
      expect(await response.json()).toEqual({ status: "rejected", reason: "unauthorized" });
      expect(queue.sent).toHaveLength(0);
    } else {
      expect(await response.json()).toMatchObject({ status: "accepted" });
      expect(queue.sent).toHaveLength(1);
    }
  });

  it("answers 503 when the route's setting is missing", async () => {
    const commerce = await fetchWith(await commerceWebhookRequest(orderText(), signer));
    expect(commerce.status).toBe(503);
    const shared = await fetchWith(secretRequest(orderText(), { "x-tagrelay-secret": MAGENTO_SECRET }), {
      MAGENTO_WEBHOOK_SECRET: "",
    } as Partial<Env>);
    expect(shared.status).toBe(503);
    const lines = globalThis.capturedLogLines.filter((l) => l.includes("magento webhook not configured"));
    expect(lines.some((l) => l.includes("MAGENTO_PUBLIC_KEY"))).toBe(true);
    expect(lines.some((l) => l.includes("MAGENTO_WEBHOOK_SECRET"))).toBe(true);
  });
});

describe("Adobe I/O Events keys from Adobe's key host", () => {
  it("fetches the key for a path of Adobe's shape, once, when no PEM is configured", async () => {
    const fetched: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = new Request(input as RequestInfo).url;
      fetched.push(url);
      return url.endsWith(ADOBE_KEY_PATH) ? new Response(signer.pem) : new Response("", { status: 404 });
    });
    for (let i = 0; i < 2; i++) {
      const response = await fetchWith(await ioEventRequest(eventText(), signer), {
        EVENTS_QUEUE: recordingQueue(),
      });
      expect(response.status).toBe(200);
    }
    expect(fetched.filter((u) => u === `https://static.adobeioevents.com${ADOBE_KEY_PATH}`)).toHaveLength(1);
    expect(fetched.every((u) => u.startsWith("https://static.adobeioevents.com/prod/keys/"))).toBe(true);
  });

  it("never fetches a key from a path that is not Adobe's", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const response = await fetchWith(
      await ioEventRequest(eventText(), stranger, {
        headers: {
          "x-adobe-public-key1-path": "@evil.example/key.pem",
          "x-adobe-public-key2-path": "/prod/keys/../../evil.pem",
        },
      }),
    );
    expect(response.status).toBe(401);
    expect(spy).not.toHaveBeenCalled();
  });

  it.each([
    [
      "/prod/keys/pub-key-Ptc2pD9vT9.pem",
      "https://static.adobeioevents.com/prod/keys/pub-key-Ptc2pD9vT9.pem",
    ],
    ["//evil.example/prod/keys/pub-key-a.pem", undefined],
    [".evil.example/prod/keys/pub-key-a.pem", undefined],
    ["/prod/keys/pub-key-a.pem?x=1", undefined],
    ["", undefined],
  ])("key path %s → %s", (path, url) => {
    expect(adobeKeyUrl(path)).toBe(url);
  });
});

describe("GET /webhooks/magento", () => {
  it("answers Adobe's challenge with its value", async () => {
    const challenge = "8ec8d794-e0ab-42df-9017-e3dada8e84f7";
    const response = await fetchWith(
      new Request(`https://relay.test/webhooks/magento?challenge=${challenge}`),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ challenge });
  });

  it("refuses a GET without a plain challenge token", async () => {
    expect((await fetchWith(new Request("https://relay.test/webhooks/magento"))).status).toBe(405);
    const markup = encodeURIComponent("<script>x</script>");
    expect(
      (await fetchWith(new Request(`https://relay.test/webhooks/magento?challenge=${markup}`))).status,
    ).toBe(405);
  });
});
