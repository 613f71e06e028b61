/**
 * Shop names as the owner writes them in settings, and as senders name themselves in
 * headers. A shop is part of every conversion id, so both sides reduce to one form.
 */

const MYSHOPIFY = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;

/** `Relay-Test.myshopify.com` → `relay-test.myshopify.com`; anything else → undefined. */
export function shopifyShopName(value: string | null | undefined): string | undefined {
  const name = value?.trim().toLowerCase();
  return name && MYSHOPIFY.test(name) ? name : undefined;
}

/**
 * The host of a site URL or bare host name (`https://Shop.example/` → `shop.example`): what
 * WooCommerce sends as X-WC-Webhook-Source and what MAGENTO_URL names. http(s) only.
 */
export function siteHost(value: string | null | undefined): string | undefined {
  const text = value?.trim().toLowerCase();
  if (!text || text.length > 300) return undefined;
  try {
    const url = new URL(text.includes("://") ? text : `https://${text}`);
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    if (url.username || url.password) return undefined;
    return HOST.test(url.hostname) ? url.hostname : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The site itself as a URL (`https://Shop.example/store/?x=1` → `https://shop.example/store/`, a
 * bare host → `https://host/`): scheme, host and path only. Undefined where siteHost finds no host.
 */
export function siteUrl(value: string | null | undefined): string | undefined {
  const host = siteHost(value);
  if (!host) return undefined;
  const text = (value ?? "").trim();
  const url = new URL(text.includes("://") ? text : `https://${text}`);
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ""}${url.pathname}`;
}

/** One entry of a secret list: a secret alone, or `shop=secret` for a deployment that serves several shops. */
export interface SecretEntry {
  secret: string;
  /** The shop as written before `=`, not yet checked; undefined for a bare secret. */
  shop?: string;
}

// The left of `=` counts as a shop only when it looks like one (a dotted host, maybe a URL):
// secrets may contain `=` themselves (base64 padding, generated passphrases).
const SHOP_PREFIX = /^(https?:\/\/)?[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?\/?$/i;

export function parseSecretEntries(text: string | undefined): SecretEntry[] {
  return (text ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf("=");
      const left = eq > 0 ? entry.slice(0, eq).trim() : "";
      return SHOP_PREFIX.test(left) ? { shop: left, secret: entry.slice(eq + 1).trim() } : { secret: entry };
    });
}
