#!/usr/bin/env node
// `npm run register:woocommerce -- --site https://shop.example --key ck_… --secret cs_… --url https://<worker>/webhooks/woocommerce --webhook-secret S [--list] [--remove]`
// Creates (idempotently, re-activating a webhook WooCommerce disabled), lists or removes
// tagrelay's webhooks through the WooCommerce REST API. Keys and secrets are never printed.
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export const WOOCOMMERCE_TOPICS = ["order.created", "order.updated"];

const isLoopback = (url) => ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);

/** A REST client; Basic auth sends the key in the clear, so only over https (or to loopback, for tests). */
export function wooClient({ site, key, secret }) {
  if (!key || !secret)
    throw new Error("--key and --secret are required (WooCommerce → Settings → Advanced → REST API)");
  const base = new URL(site ?? "");
  if (base.protocol !== "https:" && !isLoopback(base)) throw new Error("--site must be https");
  const auth = `Basic ${Buffer.from(`${key}:${secret}`).toString("base64")}`;
  return async function rest(method, path, body) {
    const url = new URL(`${base.pathname.replace(/\/$/, "")}/wp-json/wc/v3${path}`, base);
    const response = await fetch(url, {
      method,
      headers: { authorization: auth, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`WooCommerce answered HTTP ${response.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text);
  };
}

export async function listWooWebhooks(rest) {
  const hooks = [];
  for (let page = 1; ; page++) {
    const batch = await rest("GET", `/webhooks?per_page=100&page=${page}`);
    hooks.push(...batch);
    if (batch.length < 100) return hooks;
  }
}

/** Creates each topic's webhook to `url` unless it exists; one that WooCommerce disabled is switched back on. */
export async function registerWooWebhooks(rest, { url, webhookSecret }, topics = WOOCOMMERCE_TOPICS) {
  if (!webhookSecret)
    throw new Error("--webhook-secret is required: the same value as WOOCOMMERCE_WEBHOOK_SECRET");
  const existing = await listWooWebhooks(rest);
  const created = [];
  const reactivated = [];
  const kept = [];
  for (const topic of topics) {
    const found = existing.find((w) => w.topic === topic && w.delivery_url === url);
    if (found && found.status === "active") {
      kept.push(found);
    } else if (found) {
      reactivated.push(await rest("PUT", `/webhooks/${found.id}`, { status: "active" }));
    } else {
      created.push(
        await rest("POST", "/webhooks", {
          name: `tagrelay ${topic}`,
          topic,
          delivery_url: url,
          secret: webhookSecret,
          status: "active",
          api_version: "wp_api_v3",
        }),
      );
    }
  }
  return { created, reactivated, kept };
}

export async function removeWooWebhooks(rest, url) {
  const removed = [];
  for (const hook of await listWooWebhooks(rest)) {
    if (hook.delivery_url !== url) continue;
    await rest("DELETE", `/webhooks/${hook.id}?force=true`);
    removed.push(hook);
  }
  return { removed };
}

async function main() {
  const { values } = parseArgs({
    options: {
      site: { type: "string" },
      key: { type: "string" },
      secret: { type: "string" },
      url: { type: "string" },
      "webhook-secret": { type: "string" },
      list: { type: "boolean", default: false },
      remove: { type: "boolean", default: false },
    },
  });
  const rest = wooClient({ site: values.site, key: values.key, secret: values.secret });
  const show = (w) =>
    `${String(w.topic).padEnd(14)} ${String(w.status).padEnd(8)} ${w.delivery_url}  (id ${w.id})`;
  if (values.list) {
    const hooks = await listWooWebhooks(rest);
    console.log(hooks.length ? hooks.map(show).join("\n") : "No webhooks on this site.");
    return;
  }
  const url = new URL(values.url ?? "");
  if (url.protocol !== "https:" && !isLoopback(url)) throw new Error("--url must be https");
  if (values.remove) {
    const { removed } = await removeWooWebhooks(rest, url.toString());
    for (const w of removed) console.log(`removed      ${show(w)}`);
    if (removed.length === 0) console.log("Nothing to remove.");
    return;
  }
  const result = await registerWooWebhooks(rest, {
    url: url.toString(),
    webhookSecret: values["webhook-secret"],
  });
  for (const w of result.kept) console.log(`exists       ${show(w)}`);
  for (const w of result.reactivated) console.log(`reactivated  ${show(w)}`);
  for (const w of result.created) console.log(`created      ${show(w)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(`register:woocommerce: ${error.message}`);
    process.exit(1);
  });
}
