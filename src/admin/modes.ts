import type { MiddlewareHandler } from "hono";
import { type Config, ga4Enabled, metaEnabled } from "../config";
import type { AdminEnv } from "./env";
import { modeBanner } from "./pages/mode-banner";

/** Each setting that keeps conversions from counting as real ones, in a line that names it. */
export function modeNotices(config: Config): string[] {
  const notices: string[] = [];
  if (config.DESTINATIONS_MODE === "dry-run") {
    notices.push(
      "Dry run (DESTINATIONS_MODE=dry-run): nothing is sent to GA4 or Meta; each order's story shows what would have been sent.",
    );
  }
  if (ga4Enabled(config) && config.GA4_VALIDATE) {
    notices.push(
      "GA4 validation (GA4_VALIDATE): events go to /debug/mp/collect, which checks them and collects nothing.",
    );
  }
  // Meta's Test Events tool: events sent with a test_event_code show there and not in reports.
  if (metaEnabled(config) && config.META_TEST_EVENT_CODE) {
    notices.push(
      "Meta test events (META_TEST_EVENT_CODE): events go to Events Manager → Test events and do not count in reports.",
    );
  }
  return notices;
}

/**
 * Puts the mode banner at the top of every admin page (any 200 HTML answer, the pages to come
 * included), so nobody reads dry-run or test numbers as real ones.
 */
export const withModeBanner: MiddlewareHandler<AdminEnv> = async (c, next) => {
  await next();
  const loaded = c.var.settings;
  if (!loaded.ok || c.res.status !== 200 || !c.res.headers.get("content-type")?.startsWith("text/html"))
    return;
  const banner = modeBanner(modeNotices(loaded.value));
  if (!banner) return;
  const page = await c.res.text();
  const headers = new Headers(c.res.headers);
  headers.delete("content-length");
  // Every admin page is built by layout(), whose body opens with the one `<main>`.
  c.res = new Response(page.replace("<main>", `<main>${await banner}`), { status: 200, headers });
};
