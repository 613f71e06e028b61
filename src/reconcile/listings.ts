import type { Config } from "../config";
import { joinUrl, outboundUrl } from "../lib/endpoints";
import { fail, ok, type Result } from "../lib/result";
import { SOURCE_NAMES, type SourceName } from "../model/statuses";
import type { OrderListing } from "../sources/listing";
import { magentoListing } from "../sources/magento/listing";
import { clientCredentialsToken, staticToken } from "../sources/shopify/admin-token";
import { SHOPIFY_ADMIN_API_VERSION, shopifyListing } from "../sources/shopify/listing";
import { woocommerceListing } from "../sources/woocommerce/listing";

/** The raw site settings: config keeps only their host (the shop's name); the API needs the whole URL. */
type Sites = Partial<Pick<Env, "WOOCOMMERCE_URL" | "MAGENTO_URL">>;

/** A setting that names where the shop's API is, as a URL credentials may go to. */
function siteUrl(name: string, raw: string | undefined): Result<URL, string> {
  const url = outboundUrl(raw);
  return url.ok ? url : fail(`${name} ${url.reason}`);
}

function shopifyFor(config: Config): Result<OrderListing, string> {
  const shop = config.SHOPIFY_SHOP;
  const clientPair = config.SHOPIFY_CLIENT_ID && config.SHOPIFY_CLIENT_SECRET;
  if (!config.SHOPIFY_ADMIN_TOKEN && !clientPair) {
    return fail("set SHOPIFY_ADMIN_TOKEN, or SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET");
  }
  if (!shop) return fail("set SHOPIFY_SHOP");
  const base = new URL(`https://${shop}`);
  const endpoint = new URL(
    config.SHOPIFY_ADMIN_ENDPOINT ?? joinUrl(base, `admin/api/${SHOPIFY_ADMIN_API_VERSION}/graphql.json`),
  );
  const token = config.SHOPIFY_ADMIN_TOKEN
    ? staticToken(config.SHOPIFY_ADMIN_TOKEN)
    : clientCredentialsToken(
        new URL(config.SHOPIFY_TOKEN_ENDPOINT ?? joinUrl(base, "admin/oauth/access_token")),
        config.SHOPIFY_CLIENT_ID ?? "",
        config.SHOPIFY_CLIENT_SECRET ?? "",
      );
  return ok(shopifyListing(shop, endpoint, token, config));
}

function woocommerceFor(config: Config, sites: Sites): Result<OrderListing, string> {
  const key = config.WOOCOMMERCE_CONSUMER_KEY;
  const secret = config.WOOCOMMERCE_CONSUMER_SECRET;
  if (!key || !secret) return fail("set WOOCOMMERCE_CONSUMER_KEY and WOOCOMMERCE_CONSUMER_SECRET");
  const shop = config.WOOCOMMERCE_URL;
  if (!shop) return fail("set WOOCOMMERCE_URL");
  const site = siteUrl("WOOCOMMERCE_URL", sites.WOOCOMMERCE_URL);
  return site.ok ? ok(woocommerceListing(shop, site.value, key, secret, config)) : site;
}

function magentoFor(config: Config, sites: Sites): Result<OrderListing, string> {
  const token = config.MAGENTO_API_TOKEN;
  if (!token) return fail("set MAGENTO_API_TOKEN");
  const shop = config.MAGENTO_URL;
  if (!shop) return fail("set MAGENTO_URL");
  const store = siteUrl("MAGENTO_URL", sites.MAGENTO_URL);
  return store.ok ? ok(magentoListing(shop, store.value, token, config)) : store;
}

/**
 * Each source's order listing, or what keeps it from being reconciled (the fix, naming the
 * setting): a source without API settings is simply not reconciled.
 */
export function orderListings(
  config: Config,
  sites: Sites,
): Record<SourceName, Result<OrderListing, string>> {
  const build: Record<SourceName, () => Result<OrderListing, string>> = {
    shopify: () => shopifyFor(config),
    woocommerce: () => woocommerceFor(config, sites),
    magento: () => magentoFor(config, sites),
  };
  return Object.fromEntries(SOURCE_NAMES.map((name) => [name, build[name]()])) as Record<
    SourceName,
    Result<OrderListing, string>
  >;
}
