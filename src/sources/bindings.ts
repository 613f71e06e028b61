import type { BoundSecret } from "../config";
import { hmacSha256Base64, timingSafeEqualText } from "../lib/crypto";

/** A secret and the one shop a request it authenticates may speak for. */
export interface Binding {
  secret: string;
  shop: string;
}

export type Bindings = { ok: true; bindings: Binding[] } | { ok: false; fix: string };

/**
 * Binds every secret to its shop: `shop=secret` entries to theirs, bare secrets to the
 * single-shop setting. A secret with no shop to speak for leaves the source unconfigured:
 * an unsigned header would otherwise decide the shop, and with it the conversion id.
 */
export function bindSecrets(
  secrets: readonly BoundSecret[],
  singleShop: string | undefined,
  settings: { secret: string; shop: string },
): Bindings {
  if (secrets.length === 0) return { ok: false, fix: `set ${settings.secret}` };
  const bindings: Binding[] = [];
  for (const { secret, shop = singleShop } of secrets) {
    if (!shop) return { ok: false, fix: `set ${settings.shop}, or write ${settings.secret} as shop=secret` };
    bindings.push({ secret, shop });
  }
  return { ok: true, bindings };
}

/** What to check when the credential is right but the shop the request names is not one it speaks for. */
export const shopBindingHint = (settings: { secret: string; shop: string }) =>
  `check ${settings.shop}, or the shop= part of ${settings.secret}: the request names a shop this secret does not speak for`;

/** A source's setup problem as far as its secrets go: the fix that names the setting, or none. */
export const bindingProblem = (bound: Bindings): string | undefined => (bound.ok ? undefined : bound.fix);

/**
 * The shops whose secret produced this base64 HMAC-SHA256 of the raw body. Every distinct
 * secret is tried, so the time taken does not tell which one (if any) matched.
 */
export async function shopsSigning(
  bytes: Uint8Array,
  signature: string,
  bindings: readonly Binding[],
): Promise<Set<string>> {
  // An empty body is no webhook, whatever signs it.
  if (bytes.byteLength === 0) return new Set();
  const given = signature.trim();
  const matched = new Map<string, boolean>();
  for (const { secret } of bindings) {
    if (!matched.has(secret)) {
      matched.set(secret, timingSafeEqualText(given, await hmacSha256Base64(secret, bytes)));
    }
  }
  return new Set(bindings.filter((b) => matched.get(b.secret)).map((b) => b.shop));
}

/** The shops whose secret equals the one given (a shared secret sent as it is), compared in constant time. */
export function shopsWithSecret(given: string, bindings: readonly Binding[]): Set<string> {
  const shops = new Set<string>();
  for (const binding of bindings) if (timingSafeEqualText(given, binding.secret)) shops.add(binding.shop);
  return shops;
}

/**
 * The shop a verified request speaks for: the one it claims in an unsigned header, only if
 * its credential is bound to that shop; without a claim, the credential's only shop.
 */
export function boundShop(claimed: string | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (claimed !== undefined) return allowed.has(claimed) ? claimed : undefined;
  return allowed.size === 1 ? [...allowed][0] : undefined;
}
