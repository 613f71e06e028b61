import type { Context, MiddlewareHandler } from "hono";

/**
 * The admin pages use inline `<style>`, inline SVG and same-origin forms, and no script at all:
 * anything else a page tried to load or run (an injected `<script>`, a form posting elsewhere)
 * is refused by the browser.
 */
export const ADMIN_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Sets the headers every admin answer carries, whatever produced it (a page, a 4xx, an error). */
export function setAdminHeaders(c: Context): void {
  c.header("content-security-policy", ADMIN_CSP);
  c.header("x-content-type-options", "nosniff");
  // Admin answers hold order data: never cached, never framed, no referrer leaves the site.
  c.header("cache-control", "no-store");
  c.header("x-frame-options", "DENY");
  // Not `no-referrer`: under it a browser sends `Origin: null` on the page's own form posts,
  // which the Origin check must refuse. `same-origin` keeps the origin for our forms only.
  c.header("referrer-policy", "same-origin");
}

/**
 * The outermost admin middleware: it does nothing before `next()`, so the headers land on
 * every answer below it, early returns and errors rendered by `app.onError` included.
 */
export const adminHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  setAdminHeaders(c);
};

/** `/admin`, `/admin/…`, in any case: the paths whose answers carry the admin headers. */
export const isAdminPath = (path: string) => /^\/admin(\/|$)/i.test(path);
