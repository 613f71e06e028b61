import type { Context, MiddlewareHandler } from "hono";
import { readBodyCapped } from "../lib/body";
import { decodeUtf8 } from "../lib/json";
import { rejectedReply } from "../lib/reply";
import { fail, ok, type Result } from "../lib/result";
import type { AdminEnv } from "./env";

/** Every admin form and JSON body fits: a token, a CSRF field, or up to 100 event ids. */
export const ADMIN_BODY_BYTES = 16 * 1024;

/**
 * Reads a POST's body once, counting the bytes as they stream in, and refuses it with 413 past
 * the cap before anything looks at it: a 32 MB login form costs 16 KB of reading, not seconds.
 */
export const capAdminBody: MiddlewareHandler<AdminEnv> = async (c, next) => {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  const body = await readBodyCapped(c.req.raw, ADMIN_BODY_BYTES);
  if (!body.ok) {
    return body.reason === "too_large"
      ? rejectedReply(c, `body over ${ADMIN_BODY_BYTES} bytes`, 413)
      : rejectedReply(c, "unreadable body", 400);
  }
  c.set("body", body.value);
  return next();
};

const FORM_TYPES = /^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i;

/** The capped body as form fields (text fields only; the first of repeated names). Not a form → {}. */
export async function formOf(c: Context<AdminEnv>): Promise<Record<string, string>> {
  const cached = c.get("form");
  if (cached) return cached;
  const type = c.req.header("content-type") ?? "";
  const fields: Record<string, string> = {};
  if (FORM_TYPES.test(type)) {
    try {
      const form = await new Response(c.get("body"), { headers: { "content-type": type } }).formData();
      for (const [name, value] of form) {
        if (typeof value === "string" && !Object.hasOwn(fields, name)) fields[name] = value;
      }
    } catch {
      // A malformed form has no fields.
    }
  }
  c.set("form", fields);
  return fields;
}

export type JsonBody = Result<unknown, "empty" | "not JSON">;

/** The capped body as JSON; an empty body and one that does not parse are told apart. */
export function jsonOf(c: Context<AdminEnv>): JsonBody {
  const decoded = decodeUtf8(c.get("body") ?? new Uint8Array());
  if (!decoded.ok) return fail("not JSON");
  if (decoded.text.trim() === "") return fail("empty");
  try {
    return ok(JSON.parse(decoded.text));
  } catch {
    return fail("not JSON");
  }
}
