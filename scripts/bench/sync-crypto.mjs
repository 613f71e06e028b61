// Node runs every WebCrypto call through its thread pool (about 60 µs of dispatch for one
// SHA-256 of a few bytes); workerd answers digest and HMAC synchronously in BoringSSL. To
// measure the pipeline rather than Node's dispatch, this swaps the three SubtleCrypto
// methods the pipeline uses for node:crypto's synchronous hashing, returning resolved
// promises as workerd does, and restores them afterwards.
import { createHash, createHmac } from "node:crypto";

const SHIM_KEY = Symbol("sync-hmac-key");

export async function withSyncCrypto(run) {
  const subtle = globalThis.crypto.subtle;
  const original = { digest: subtle.digest, importKey: subtle.importKey, sign: subtle.sign };
  const bytes = (data) => Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
  subtle.digest = async (algorithm, data) => {
    if ((algorithm.name ?? algorithm) !== "SHA-256") return original.digest.call(subtle, algorithm, data);
    const digest = createHash("sha256").update(bytes(data)).digest();
    return digest.buffer.slice(digest.byteOffset, digest.byteOffset + digest.byteLength);
  };
  subtle.importKey = async (format, keyData, algorithm, ...rest) => {
    if (format !== "raw" || algorithm.name !== "HMAC")
      return original.importKey.call(subtle, format, keyData, algorithm, ...rest);
    return { [SHIM_KEY]: bytes(keyData), type: "secret", algorithm };
  };
  subtle.sign = async (algorithm, key, data) => {
    if (!key?.[SHIM_KEY]) return original.sign.call(subtle, algorithm, key, data);
    const mac = createHmac("sha256", key[SHIM_KEY]).update(bytes(data)).digest();
    return mac.buffer.slice(mac.byteOffset, mac.byteOffset + mac.byteLength);
  };
  try {
    return await run();
  } finally {
    Object.assign(subtle, original);
  }
}
