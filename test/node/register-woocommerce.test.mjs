import { afterEach, describe, expect, it } from "vitest";
import {
  listWooWebhooks,
  registerWooWebhooks,
  removeWooWebhooks,
  WOOCOMMERCE_TOPICS,
  wooClient,
} from "../../scripts/register-woocommerce.mjs";
import { fakeWooCommerce, startJsonServer } from "./fake-servers.mjs";

const KEY = "ck_test";
const SECRET = "cs_test";
const URL_ = "https://tagrelay.example.workers.dev/webhooks/woocommerce";
let server;

afterEach(async () => {
  await server?.close();
});

describe("register:woocommerce against a fake REST API", () => {
  it("creates both webhooks, creates nothing on a second run, re-activates a disabled one, lists and removes", async () => {
    const fake = fakeWooCommerce(KEY, SECRET);
    server = await startJsonServer(fake.handle);
    const rest = wooClient({ site: server.base, key: KEY, secret: SECRET });

    const first = await registerWooWebhooks(rest, { url: URL_, webhookSecret: "wh-secret" });
    expect(first.created.map((w) => w.topic)).toEqual(WOOCOMMERCE_TOPICS);
    expect(fake.hooks).toEqual(
      WOOCOMMERCE_TOPICS.map((topic) =>
        expect.objectContaining({
          topic,
          delivery_url: URL_,
          secret: "wh-secret",
          status: "active",
          api_version: "wp_api_v3",
        }),
      ),
    );

    const posts = () => server.requests.filter((r) => r.method === "POST").length;
    const before = posts();
    const second = await registerWooWebhooks(rest, { url: URL_, webhookSecret: "wh-secret" });
    expect(second.created).toEqual([]);
    expect(second.kept).toHaveLength(2);
    expect(posts()).toBe(before);

    fake.hooks[1].status = "disabled";
    const third = await registerWooWebhooks(rest, { url: URL_, webhookSecret: "wh-secret" });
    expect(third.created).toEqual([]);
    expect(third.reactivated.map((w) => [w.topic, w.status])).toEqual([["order.updated", "active"]]);

    expect((await listWooWebhooks(rest)).map((w) => w.topic)).toEqual(WOOCOMMERCE_TOPICS);
    const { removed } = await removeWooWebhooks(rest, URL_);
    expect(removed).toHaveLength(2);
    expect(await listWooWebhooks(rest)).toEqual([]);
    expect(
      server.requests.filter((r) => r.method === "DELETE").every((r) => r.url.search === "?force=true"),
    ).toBe(true);
  });

  it("sends Basic auth only over https or to loopback, and needs the webhook secret", async () => {
    expect(() => wooClient({ site: "http://shop.example", key: KEY, secret: SECRET })).toThrow(/https/);
    const fake = fakeWooCommerce(KEY, SECRET);
    server = await startJsonServer(fake.handle);
    await expect(
      registerWooWebhooks(wooClient({ site: server.base, key: KEY, secret: SECRET }), { url: URL_ }),
    ).rejects.toThrow(/webhook-secret/);
    await expect(
      listWooWebhooks(wooClient({ site: server.base, key: KEY, secret: "wrong" })),
    ).rejects.toThrow(/HTTP 401/);
  });
});
