const RSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/g;

/** Every PEM public key in a setting; dashboards often store the newlines as a literal "\n". */
export function pemBlocks(setting: string | undefined): string[] {
  const text = (setting ?? "").replace(/\\n/g, "\n");
  return [...text.matchAll(PEM_BLOCK)].map((m) => m[1].replace(/\s+/g, ""));
}

function fromBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

const imported = new Map<string, Promise<CryptoKey | undefined>>();

/** The key of a base64 SPKI body, imported once per isolate; undefined if it is not an RSA key. */
export function importPublicKey(spkiBase64: string): Promise<CryptoKey | undefined> {
  let key = imported.get(spkiBase64);
  if (!key) {
    const der = fromBase64(spkiBase64);
    key = der
      ? crypto.subtle.importKey("spki", der, RSA, false, ["verify"]).catch(() => undefined)
      : Promise.resolve(undefined);
    imported.set(spkiBase64, key);
  }
  return key;
}

export async function configuredKeys(setting: string | undefined): Promise<CryptoKey[]> {
  const keys = await Promise.all(pemBlocks(setting).map(importPublicKey));
  return keys.filter((k): k is CryptoKey => k !== undefined);
}

/** Whether any signature (base64 RSASSA-PKCS1-v1_5 SHA-256) verifies any of the messages under any key. */
export async function verifyRsaSignatures(
  messages: Uint8Array[],
  signatures: Array<string | null | undefined>,
  keys: CryptoKey[],
): Promise<boolean> {
  for (const signature of signatures) {
    const bytes = signature ? fromBase64(signature) : undefined;
    if (!bytes?.byteLength) continue;
    for (const key of keys) {
      for (const message of messages) {
        if (await crypto.subtle.verify(RSA, key, bytes, message)) return true;
      }
    }
  }
  return false;
}

export const ADOBE_KEY_HOST = "https://static.adobeioevents.com";
// Adobe sends the relative path of its key, "/prod/keys/pub-key-<id>.pem", served only from its
// own host: a path of any other shape could point the relay at a key an attacker controls.
const ADOBE_KEY_PATH = /^\/(?:prod|stage)\/keys\/pub-key-[A-Za-z0-9_-]{1,64}\.pem$/;
// Adobe asks consumers to cache its keys for no more than 24 hours.
const ADOBE_KEY_TTL_MS = 24 * 3600 * 1000;
const adobeKeys = new Map<string, { key: CryptoKey; expires: number }>();

export function adobeKeyUrl(path: string | null | undefined): string | undefined {
  return path && ADOBE_KEY_PATH.test(path) ? ADOBE_KEY_HOST + path : undefined;
}

export type AdobeKey = { ok: true; key: CryptoKey } | { ok: false; reason: "invalid path" | "unavailable" };

/** Adobe I/O Events' public key for a header path, fetched from Adobe's key host and cached. */
export async function adobeEventsKey(path: string | null | undefined, now = Date.now()): Promise<AdobeKey> {
  const url = adobeKeyUrl(path);
  if (!url) return { ok: false, reason: "invalid path" };
  const cached = adobeKeys.get(url);
  if (cached && cached.expires > now) return { ok: true, key: cached.key };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (!response.ok) return { ok: false, reason: "unavailable" };
    const [spki] = pemBlocks(await response.text());
    const key = spki ? await importPublicKey(spki) : undefined;
    if (!key) return { ok: false, reason: "unavailable" };
    adobeKeys.set(url, { key, expires: now + ADOBE_KEY_TTL_MS });
    return { ok: true, key };
  } catch {
    return { ok: false, reason: "unavailable" };
  }
}

/** The password of a Basic auth header; the user name is not part of the check. */
export function basicPassword(authorization: string | null): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization?.trim() ?? "");
  const decoded = match ? fromBase64(match[1]) : undefined;
  if (!decoded) return undefined;
  const text = new TextDecoder().decode(decoded);
  const colon = text.indexOf(":");
  return colon >= 0 ? text.slice(colon + 1) : undefined;
}
