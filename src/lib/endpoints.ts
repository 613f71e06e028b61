import { fail, ok, type Result } from "./result";

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * A URL this relay may send credentials to: https, or plain http to a loopback address only
 * (tests and local runs). No `user:pass@`: credentials travel in headers, never in a URL.
 */
export function outboundUrl(value: string | undefined): Result<URL, string> {
  const text = value?.trim();
  if (!text) return fail("not set");
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail("not a URL");
  }
  if (url.username || url.password) return fail("must not carry user:password");
  if (url.protocol === "https:") return ok(url);
  if (url.protocol === "http:" && LOOPBACK.test(url.hostname)) return ok(url);
  return fail("must be https (plain http only to a loopback address)");
}

/** `base` + `path`, keeping the base's own path (`https://shop.example/store/` + `wp-json/…`). */
export function joinUrl(base: URL, path: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  url.search = "";
  url.hash = "";
  return url;
}
