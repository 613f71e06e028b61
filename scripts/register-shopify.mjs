#!/usr/bin/env node
// `npm run register:shopify -- --shop x.myshopify.com --token shpat_… --url https://<worker>/webhooks/shopify [--list] [--remove]`
// Creates (idempotently), lists or removes tagrelay's webhook subscriptions through Shopify's
// Admin GraphQL API. Subscriptions made this way belong to the app whose token is used and are
// signed with that app's client secret (SHOPIFY_WEBHOOK_SECRET). The token is never printed.
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export const SHOPIFY_API_VERSION = "2026-01";
export const SHOPIFY_TOPICS = ["ORDERS_CREATE", "ORDERS_PAID", "ORDERS_CANCELLED", "REFUNDS_CREATE"];

const LIST = `query { webhookSubscriptions(first: 100) { nodes { id topic uri } } }`;
const CREATE = `mutation Create($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic uri }
    userErrors { field message }
  }
}`;
const DELETE = `mutation Delete($id: ID!) {
  webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { field message } }
}`;

const isLoopback = (url) => ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);

/** A GraphQL client for one shop. `apiBase` (e.g. http://127.0.0.1:PORT) exists for tests only. */
export function shopifyClient({ shop, token, apiBase }) {
  if (!token) throw new Error("--token is required (an Admin API access token, shpat_…)");
  let base;
  if (apiBase) {
    base = new URL(apiBase);
    if (base.protocol !== "https:" && !isLoopback(base)) throw new Error("--api-base must be https");
  } else {
    if (!/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i.test(shop ?? "")) {
      throw new Error("--shop must be the shop's myshopify.com domain, e.g. my-shop.myshopify.com");
    }
    base = new URL(`https://${shop}`);
  }
  const endpoint = new URL(`/admin/api/${SHOPIFY_API_VERSION}/graphql.json`, base);
  return async function graphql(query, variables = {}) {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": token },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Shopify answered HTTP ${response.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text);
    if (body.errors?.length) throw new Error(`Shopify: ${body.errors.map((e) => e.message).join("; ")}`);
    return body.data;
  };
}

export async function listShopifyWebhooks(graphql) {
  const data = await graphql(LIST);
  return data.webhookSubscriptions.nodes;
}

/** Creates each topic's subscription to `url` unless one already exists: running it twice creates nothing. */
export async function registerShopifyWebhooks(graphql, url, topics = SHOPIFY_TOPICS) {
  const existing = await listShopifyWebhooks(graphql);
  const created = [];
  const kept = [];
  for (const topic of topics) {
    const found = existing.find((w) => w.topic === topic && w.uri === url);
    if (found) {
      kept.push(found);
      continue;
    }
    const data = await graphql(CREATE, { topic, webhookSubscription: { uri: url, format: "JSON" } });
    const { webhookSubscription, userErrors } = data.webhookSubscriptionCreate;
    if (userErrors.length) throw new Error(`${topic}: ${userErrors.map((e) => e.message).join("; ")}`);
    created.push(webhookSubscription);
  }
  return { created, kept };
}

/** Deletes every subscription pointing at `url` (only those: other apps' hooks stay). */
export async function removeShopifyWebhooks(graphql, url) {
  const removed = [];
  for (const hook of await listShopifyWebhooks(graphql)) {
    if (hook.uri !== url) continue;
    const data = await graphql(DELETE, { id: hook.id });
    const { userErrors } = data.webhookSubscriptionDelete;
    if (userErrors.length) throw new Error(`${hook.topic}: ${userErrors.map((e) => e.message).join("; ")}`);
    removed.push(hook);
  }
  return { removed };
}

export function checkCallbackUrl(value) {
  const url = new URL(value ?? "");
  if (url.protocol !== "https:" && !isLoopback(url)) throw new Error("--url must be https");
  return url.toString();
}

async function main() {
  const { values } = parseArgs({
    options: {
      shop: { type: "string" },
      token: { type: "string" },
      url: { type: "string" },
      "api-base": { type: "string" },
      list: { type: "boolean", default: false },
      remove: { type: "boolean", default: false },
    },
  });
  const graphql = shopifyClient({ shop: values.shop, token: values.token, apiBase: values["api-base"] });
  const show = (w) => `${w.topic.padEnd(17)} ${w.uri}  (${w.id})`;
  if (values.list) {
    const hooks = await listShopifyWebhooks(graphql);
    console.log(hooks.length ? hooks.map(show).join("\n") : "No webhook subscriptions for this app.");
    return;
  }
  if (!values.url)
    throw new Error("--url is required, e.g. https://tagrelay.<you>.workers.dev/webhooks/shopify");
  const url = checkCallbackUrl(values.url);
  if (values.remove) {
    const { removed } = await removeShopifyWebhooks(graphql, url);
    for (const w of removed) console.log(`removed  ${show(w)}`);
    if (removed.length === 0) console.log("Nothing to remove.");
    return;
  }
  const { created, kept } = await registerShopifyWebhooks(graphql, url);
  for (const w of kept) console.log(`exists   ${show(w)}`);
  for (const w of created) console.log(`created  ${show(w)}`);
  console.log("Webhooks from this app are signed with its client secret: set it as SHOPIFY_WEBHOOK_SECRET.");
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(`register:shopify: ${error.message}`);
    process.exit(1);
  });
}
