import type { MiddlewareHandler } from "hono";
import type { Config } from "../config";
import { DESTINATIONS } from "../destinations/registry";
import type { AdminEnv } from "./env";
import { modeBanner } from "./pages/mode-banner";

/** Each setting that keeps conversions from counting as real ones, in a line that names it. */
export function modeNotices(config: Config): string[] {
  const notices: string[] = [];
  if (config.DESTINATIONS_MODE === "dry-run") {
    notices.push(
      "Dry run (DESTINATIONS_MODE=dry-run): nothing is sent to any destination; each order's story shows what would have been sent.",
    );
  }
  for (const destination of DESTINATIONS) {
    const notice = destination.enabled(config) ? destination.testModeNotice(config) : undefined;
    if (notice) notices.push(notice);
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
