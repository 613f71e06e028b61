import { fail, ok, type Result } from "./result";

export type BodyResult = Result<Uint8Array, "too_large" | "unreadable">;

/**
 * Reads a request (or response) body into memory, refusing it as soon as it passes `limit` bytes.
 * Content-Length is checked first but not trusted: chunked bodies have none and a
 * sender can lie, so the bytes are counted as they stream in.
 */
export async function readBodyCapped(
  request: Pick<Request, "headers" | "body">,
  limit: number,
): Promise<BodyResult> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return fail("too_large");
  if (!request.body) return ok(new Uint8Array());
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        return fail("too_large");
      }
      chunks.push(value);
    }
  } catch {
    return fail("unreadable");
  }
  if (chunks.length === 1) return ok(chunks[0]);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return ok(bytes);
}
