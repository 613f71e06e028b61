import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import {
  listShopifyWebhooks,
  registerShopifyWebhooks,
  removeShopifyWebhooks,
  SHOPIFY_TOPICS,
  shopifyClient,
} from "../../scripts/register-shopify.mjs";
import { fakeShopify, startJsonServer } from "./fake-servers.mjs";

const TOKEN = "shpat_test_token";
const URL_ = "https://tagrelay.example.workers.dev/webhooks/shopify";
let server;

afterEach(async () => {
  await server?.close();
});

describe("register:shopify against a fake Admin GraphQL API", () => {
  it("creates the four subscriptions, creates nothing on a second run, lists and removes them", async () => {
    server = await startJsonServer(fakeShopify(TOKEN));
    const graphql = shopifyClient({ token: TOKEN, apiBase: server.base });

    const first = await registerShopifyWebhooks(graphql, URL_);
    expect(first.created.map((w) => w.topic)).toEqual(SHOPIFY_TOPICS);
    expect(first.kept).toEqual([]);
    const creates = server.requests.filter((r) => r.body.query.includes("webhookSubscriptionCreate"));
    expect(creates.map((r) => r.body.variables)).toEqual(
      SHOPIFY_TOPICS.map((topic) => ({ topic, webhookSubscription: { uri: URL_, format: "JSON" } })),
    );
    expect(server.requests[0].url.pathname).toMatch(/^\/admin\/api\/20\d\d-\d\d\/graphql\.json$/);

    const before = server.requests.length;
    const second = await registerShopifyWebhooks(graphql, URL_);
    expect(second.created).toEqual([]);
    expect(second.kept.map((w) => w.topic)).toEqual(SHOPIFY_TOPICS);
    expect(server.requests.slice(before).every((r) => !r.body.query.includes("Create"))).toBe(true);

    expect((await listShopifyWebhooks(graphql)).map((w) => [w.topic, w.uri])).toEqual(
      SHOPIFY_TOPICS.map((t) => [t, URL_]),
    );
    const other = await registerShopifyWebhooks(graphql, "https://elsewhere.example/hook", ["ORDERS_CREATE"]);
    expect(other.created).toHaveLength(1);

    const { removed } = await removeShopifyWebhooks(graphql, URL_);
    expect(removed).toHaveLength(4);
    expect((await listShopifyWebhooks(graphql)).map((w) => w.uri)).toEqual([
      "https://elsewhere.example/hook",
    ]);
  });

  it("refuses a wrong token with Shopify's answer, and an address that is not a shop", async () => {
    server = await startJsonServer(fakeShopify(TOKEN));
    await expect(
      listShopifyWebhooks(shopifyClient({ token: "wrong", apiBase: server.base })),
    ).rejects.toThrow(/HTTP 401/);
    expect(() => shopifyClient({ shop: "evil.example.com", token: TOKEN })).toThrow(/myshopify\.com/);
    expect(() => shopifyClient({ token: TOKEN, apiBase: "http://shop.example" })).toThrow(/https/);
  });

  it("runs from the command line twice without creating duplicates, and never prints the token", async () => {
    server = await startJsonServer(fakeShopify(TOKEN));
    const script = new URL("../../scripts/register-shopify.mjs", import.meta.url).pathname;
    const run = (...extra) =>
      promisify(execFile)(process.execPath, [script, "--token", TOKEN, "--api-base", server.base, ...extra]);
    const first = await run("--url", URL_);
    const second = await run("--url", URL_);
    const listed = await run("--list");
    expect(first.stdout.match(/^created/gm)).toHaveLength(4);
    expect(second.stdout.match(/^exists/gm)).toHaveLength(4);
    expect(second.stdout).not.toMatch(/^created/m);
    expect(listed.stdout.trim().split("\n")).toHaveLength(4);
    for (const output of [first, second, listed]) expect(output.stdout + output.stderr).not.toContain(TOKEN);
  });
});
