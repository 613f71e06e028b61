import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { ga4Enabled, loadConfig, metaEnabled } from "./config";
import { logError } from "./lib/log";
import { sources } from "./sources";
import { receiveWebhook } from "./webhook";

export const VERSION = "0.1.0";

export const app = new Hono<{ Bindings: Env }>();

app.get("/health", (c) => {
  const loaded = loadConfig(c.env);
  if (!loaded.ok)
    return c.json({ status: "misconfigured", version: VERSION, problems: loaded.problems }, 500);
  const config = loaded.config;
  return c.json({
    status: "ok",
    version: VERSION,
    sources: Object.fromEntries(Object.values(sources).map((s) => [s.name, s.configured(config)])),
    destinations: {
      ga4: { enabled: ga4Enabled(config), validate: config.GA4_VALIDATE },
      meta: {
        enabled: metaEnabled(config),
        apiVersion: config.META_API_VERSION,
        testEvents: Boolean(config.META_TEST_EVENT_CODE),
      },
    },
    admin: Boolean(config.ADMIN_TOKEN),
  });
});

app.post("/webhooks/:source", (c) => {
  const name = c.req.param("source");
  const source = Object.hasOwn(sources, name) ? sources[name] : undefined;
  if (!source) return c.json({ status: "rejected", reason: "unknown source" }, 404);
  return receiveWebhook(c, source);
});

app.all("/webhooks/:source", (c) => c.json({ status: "rejected", reason: "use POST" }, 405));

app.notFound((c) => c.json({ status: "rejected", reason: "not found" }, 404));

app.onError((error, c) => {
  if (error instanceof HTTPException)
    return c.json({ status: "rejected", reason: error.message }, error.status);
  logError("unhandled error", { path: new URL(c.req.url).pathname, error: error.message.slice(0, 200) });
  return c.json({ status: "error", reason: "internal error" }, 500);
});
