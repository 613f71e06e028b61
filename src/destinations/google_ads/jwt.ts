import type { ServiceAccountKey } from "../../lib/google-service-account";

const encoder = new TextEncoder();

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

const jsonPart = (value: unknown) => base64Url(encoder.encode(JSON.stringify(value)));

/** An access token lives at most an hour; the assertion asks for exactly that. */
export const ASSERTION_LIFETIME_SECONDS = 3600;

/** Imported once per key and isolate: a deployment has one key, and importKey is the costly part. */
const signingKeys = new Map<Uint8Array, Promise<CryptoKey>>();

function signingKey(key: ServiceAccountKey): Promise<CryptoKey> {
  let imported = signingKeys.get(key.privateKeyDer);
  if (!imported) {
    imported = crypto.subtle.importKey(
      "pkcs8",
      key.privateKeyDer,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["sign"],
    );
    // A key WebCrypto refuses stays refused; forgetting it lets a fixed deployment try again.
    imported.catch(() => signingKeys.delete(key.privateKeyDer));
    signingKeys.set(key.privateKeyDer, imported);
  }
  return imported;
}

/**
 * The JWT a service account presents to Google's token endpoint (RFC 7523, Google's "Using OAuth
 * 2.0 for Server to Server Applications"): RS256 over `header.claims`, `iss` the account, `aud`
 * the token endpoint it is sent to, valid from now for an hour. Throws if the key cannot sign.
 */
export async function serviceAccountAssertion(
  key: ServiceAccountKey,
  request: { scope: string; audience: string },
  now: Date,
): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const header = { alg: "RS256", typ: "JWT", ...(key.privateKeyId ? { kid: key.privateKeyId } : {}) };
  const claims = {
    iss: key.clientEmail,
    scope: request.scope,
    aud: request.audience,
    iat,
    exp: iat + ASSERTION_LIFETIME_SECONDS,
  };
  const signed = `${jsonPart(header)}.${jsonPart(claims)}`;
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    await signingKey(key),
    encoder.encode(signed),
  );
  return `${signed}.${base64Url(new Uint8Array(signature))}`;
}
