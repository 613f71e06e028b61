import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { isAdminPath, setAdminHeaders } from "./admin/headers";
import { admin } from "./admin/routes";
import type { AppEnv, Config } from "./config";
import { loadConfig } from "./config";
import { DESTINATIONS } from "./destinations/registry";
import { receiveWebhook } from "./ingest/pipeline";
import { errorText } from "./lib/errors";
import { logError, logWarn } from "./lib/log";
import { errorReply, rejectedReply } from "./lib/reply";
import { orderListings } from "./reconcile/listings";
import { sources } from "./sources";
import { adobeChallenge, ioEventsEnabled } from "./sources/magento/challenge";
import { REFUSAL_STATUS } from "./sources/types";
import { collectPreflight, receiveCollect } from "./storefront/collect";
import { pixelSource, scriptResponse, woocommerceSnippetSource } from "./storefront/pixel";
import { snippetResponse } from "./storefront/snippet";

export const VERSION = "0.1.0";

export const app = new Hono<AppEnv>();

// Settings are parsed once per request, here; every route below reads `c.var.settings`.
app.use("*", async (c, next) => {
  c.set("settings", loadConfig(c.env));
  await next();
});

const readySources = (config: Config) =>
  Object.values(sources).flatMap((s) => (s.setupProblem(config) ? [] : [s.name]));

app.get("/health", (c) => {
  const loaded = c.var.settings;
  if (!loaded.ok) return c.json({ status: "misconfigured", version: VERSION, problems: loaded.reason }, 500);
  const config = loaded.value;
  return c.json({
    status: "ok",
    version: VERSION,
    sources: Object.fromEntries(Object.values(sources).map((s) => [s.name, !s.setupProblem(config)])),
    destinations: {
      mode: config.DESTINATIONS_MODE,
      // Every destination the release knows: enabled, or the settings it still needs.
      ...Object.fromEntries(
        DESTINATIONS.map((d) => [d.name, { enabled: d.enabled(config), ...d.health(config) }]),
      ),
    },
    admin: Boolean(config.ADMIN_TOKEN),
    // Which sources are reconciled against the shop's own API, or the setting that is missing.
    reconciliation: Object.fromEntries(
      Object.entries(orderListings(config, c.env)).map(([name, listing]) => [
        name,
        listing.ok ? { reconciled: true } : { reconciled: false, fix: listing.reason },
      ]),
    ),
  });
});

app.post("/webhooks/:source", (c) => {
  const name = c.req.param("source");
  const source = Object.hasOwn(sources, name) ? sources[name] : undefined;
  if (!source) return rejectedReply(c, "unknown source", 404);
  return receiveWebhook(c, source);
});

app.get("/webhooks/magento", async (c, next) => {
  const challenge = adobeChallenge(c.req.query("challenge"));
  if (challenge === undefined) return next();
  // Anyone can register any URL in their own Adobe project: only a relay that receives I/O
  // Events on purpose completes the registration.
  const loaded = c.var.settings;
  if (!loaded.ok || !ioEventsEnabled(loaded.value)) {
    logWarn("webhook", {
      source: "magento",
      outcome: "rejected",
      status: REFUSAL_STATUS.unauthorized,
      reason: "I/O Events challenge while I/O Events are not enabled",
    });
    return rejectedReply(c, "unauthorized", REFUSAL_STATUS.unauthorized);
  }
  return c.json({ challenge });
});

app.all("/webhooks/:source", (c) => rejectedReply(c, "use POST", 405));

app.get("/snippet.js", (c) => {
  const loaded = c.var.settings;
  const measurementId = loaded.ok ? loaded.value.GA4_MEASUREMENT_ID : undefined;
  return snippetResponse(c.req.header("if-none-match"), measurementId);
});

/** The checkout pixel and the WooCommerce thank-you snippet, with this Worker's /collect filled in. */
function collectScripts(c: Context<AppEnv>) {
  const loaded = c.var.settings;
  const measurementId = loaded.ok ? loaded.value.GA4_MEASUREMENT_ID : undefined;
  const collectUrl = `${new URL(c.req.url).origin}/collect`;
  return {
    shopify: pixelSource(collectUrl, measurementId),
    woocommerce: woocommerceSnippetSource(collectUrl, measurementId),
  };
}

app.options("/collect", collectPreflight);
app.post("/collect", receiveCollect);
app.get("/pixel.js", (c) => scriptResponse(collectScripts(c).shopify));
app.get("/collect/woocommerce.js", (c) => scriptResponse(collectScripts(c).woocommerce));
app.all("/collect", (c) => rejectedReply(c, "use POST", 405));

// The admin's source filter offers the sources ready to take webhooks; admin/ cannot read sources/.
app.use("/admin/*", async (c, next) => {
  const loaded = c.var.settings;
  if (loaded.ok) c.set("readySources", readySources(loaded.value));
  c.set("collectScripts", collectScripts(c));
  await next();
});
app.route("/admin", admin);

app.notFound((c) => {
  // `/ADMIN` and other spellings the admin routes do not take still answer like the admin.
  if (isAdminPath(c.req.path)) setAdminHeaders(c);
  return rejectedReply(c, "not found", 404);
});

app.onError((error, c) => {
  // An error under /admin keeps the admin's headers (CSP, nosniff, no-store) whatever threw it.
  if (isAdminPath(c.req.path)) setAdminHeaders(c);
  if (error instanceof HTTPException) return rejectedReply(c, error.message, error.status);
  logError("unhandled error", { path: new URL(c.req.url).pathname, error: errorText(error) });
  return errorReply(c, "internal error", 500);
});
