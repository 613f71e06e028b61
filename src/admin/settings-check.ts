import type { MiddlewareHandler } from "hono";
import { errorReply } from "../lib/reply";
import type { AdminEnv } from "./env";
import { misconfiguredPage } from "./pages/misconfigured-page";

/**
 * After sign-in: while the settings are invalid, a page (or the API) says which ones and where to
 * fix them, instead of pages built on settings there are none of. A 500, as /health answers.
 */
export function requireValidSettings(kind: "api" | "page"): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const loaded = c.var.settings;
    if (loaded.ok) return next();
    if (kind === "page") return c.html(misconfiguredPage(loaded.reason, c.get("csrf") ?? ""), 500);
    return errorReply(c, "relay misconfigured", 500, { problems: loaded.reason });
  };
}
