import { fail, ok, type Result } from "./result";

/**
 * The parts of a Google Cloud service-account key file (the JSON a console download gives) that
 * the JWT-bearer grant needs. `privateKeyDer` is the PKCS#8 key, ready for WebCrypto's importKey.
 */
export type ServiceAccountKey = {
  clientEmail: string;
  privateKeyId?: string;
  privateKeyDer: Uint8Array;
};

const PEM = /^-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\s]+)-----END PRIVATE KEY-----\s*$/;

function base64Bytes(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text.replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * Reads a key file's contents. Problems say which field is wrong, never any of the key's text.
 * The private key must be PKCS#8 PEM ("BEGIN PRIVATE KEY"), as Google issues it.
 */
export function parseServiceAccountKey(text: string): Result<ServiceAccountKey, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail("is not JSON: paste the whole key file (the JSON Google Cloud downloads)");
  }
  if (typeof value !== "object" || value === null) return fail("is not a key file's JSON object");
  const file = value as Record<string, unknown>;
  if (file.type !== undefined && file.type !== "service_account") {
    return fail('is not a service-account key ("type" must be "service_account")');
  }
  if (typeof file.client_email !== "string" || !file.client_email.includes("@")) {
    return fail('has no "client_email"');
  }
  const pem = typeof file.private_key === "string" ? PEM.exec(file.private_key.trim()) : null;
  const der = pem ? base64Bytes(pem[1]) : undefined;
  // A DER SEQUENCE starts with 0x30; anything else is not a key, however it was pasted.
  if (!der || der.length < 100 || der[0] !== 0x30) {
    return fail('has no PKCS#8 "private_key" (-----BEGIN PRIVATE KEY----- … -----END PRIVATE KEY-----)');
  }
  return ok({
    clientEmail: file.client_email,
    privateKeyId: typeof file.private_key_id === "string" ? file.private_key_id : undefined,
    privateKeyDer: der,
  });
}
