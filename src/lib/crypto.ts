const encoder = new TextEncoder();

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let binary = "";
  for (let i = 0; i < view.length; i++) binary += String.fromCharCode(view[i]);
  return btoa(binary);
}

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Imported once per secret and isolate: the set of configured secrets is small and fixed. */
const hmacKeys = new Map<string, Promise<CryptoKey>>();

export async function hmacSha256(secret: string, body: Uint8Array): Promise<ArrayBuffer> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    hmacKeys.set(secret, key);
  }
  return crypto.subtle.sign("HMAC", await key, body);
}

export async function hmacSha256Base64(secret: string, body: Uint8Array): Promise<string> {
  return toBase64(await hmacSha256(secret, body));
}

/**
 * Constant-time comparison of two strings of bytes: the time taken depends only on
 * the length of `expected`, never on where the first difference is.
 */
export function timingSafeEqualText(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i % Math.max(a.length, 1)] ?? 0) ^ b[i];
  return diff === 0;
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}
