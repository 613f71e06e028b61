import * as z from "zod";
import { errorText } from "../../lib/errors";
import type { ServiceAccountKey } from "../../lib/google-service-account";
import { retryAfterSeconds } from "../../lib/retry-after";
import { serviceAccountAssertion } from "./jwt";

/** What a Google API call needs to get a token: the key, the API's scope and the token endpoint. */
export type GoogleTokenRequest = {
  key: ServiceAccountKey;
  scope: string;
  endpoint: string;
  timeoutMs: number;
};

/**
 * An access token, or why there is none: `unavailable` (the endpoint did not answer, or asked to
 * come back later: the events wait and retry) or `rejected` (Google refused the key itself, or it
 * cannot sign: nothing works until the owner replaces it).
 */
export type TokenResult =
  | { ok: true; token: string }
  | { ok: false; kind: "unavailable"; reason: string; httpStatus?: number; retryAfterSeconds?: number }
  | { ok: false; kind: "rejected"; reason: string; httpStatus?: number };

const TokenBody = z.object({ access_token: z.string().min(1), expires_in: z.number().positive() });
const TokenError = z.object({ error: z.string(), error_description: z.string().optional() });

/** A token is used until this long before it expires, so none expires on its way to the API. */
const EXPIRY_MARGIN_MS = 5 * 60_000;

function parsed<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** The JWT-bearer grant (RFC 7523 §2.1): one form POST, answered with a token or an OAuth error. */
async function exchange(
  request: GoogleTokenRequest,
  now: Date,
): Promise<TokenResult & { expiresAt?: number }> {
  let assertion: string;
  try {
    assertion = await serviceAccountAssertion(
      request.key,
      { scope: request.scope, audience: request.endpoint },
      now,
    );
  } catch (error) {
    return { ok: false, kind: "rejected", reason: `the private key cannot sign (${errorText(error)})` };
  }
  let response: Response;
  let text: string;
  try {
    response = await fetch(request.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion }),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    const why =
      name === "TimeoutError" || name === "AbortError" ? "timeout" : `network error: ${errorText(error)}`;
    return { ok: false, kind: "unavailable", reason: `Google token endpoint: ${why}` };
  }
  const status = response.status;
  if (status === 200) {
    const body = parsed(TokenBody, text);
    if (body)
      return { ok: true, token: body.access_token, expiresAt: now.getTime() + body.expires_in * 1000 };
    return {
      ok: false,
      kind: "unavailable",
      reason: "Google token endpoint: no access_token in its answer",
      httpStatus: status,
    };
  }
  if (status === 429 || status >= 500) {
    return {
      ok: false,
      kind: "unavailable",
      reason: `Google token endpoint: HTTP ${status}`,
      httpStatus: status,
      retryAfterSeconds: retryAfterSeconds(response.headers.get("retry-after"), now),
    };
  }
  // invalid_grant (a deleted or disabled key, a wrong account), invalid_client…: the key is refused.
  const error = parsed(TokenError, text);
  const detail = error ? [error.error, error.error_description].filter(Boolean).join(": ") : `HTTP ${status}`;
  return {
    ok: false,
    kind: "rejected",
    reason: `Google refused the service account key (${detail.slice(0, 200)})`,
    httpStatus: status,
  };
}

/**
 * Access tokens by account, scope and endpoint, kept in the isolate until shortly before they expire:
 * one token request serves every batch of the next hour. Concurrent callers share one request.
 */
export class GoogleTokens {
  #tokens = new Map<string, { token: string; expiresAt: number }>();
  #pending = new Map<string, Promise<TokenResult>>();

  /** A cached token, or a fresh one; `refresh` drops the cached one first (the API answered 401). */
  async accessToken(request: GoogleTokenRequest, now: Date, refresh = false): Promise<TokenResult> {
    const id = `${request.key.clientEmail} ${request.scope} ${request.endpoint}`;
    if (refresh) this.#tokens.delete(id);
    const cached = this.#tokens.get(id);
    if (cached && now.getTime() < cached.expiresAt - EXPIRY_MARGIN_MS)
      return { ok: true, token: cached.token };
    let pending = this.#pending.get(id);
    if (!pending) {
      pending = exchange(request, now).then((result) => {
        if (result.ok && result.expiresAt !== undefined) {
          this.#tokens.set(id, { token: result.token, expiresAt: result.expiresAt });
        }
        const { expiresAt: _, ...answer } = result;
        return answer as TokenResult;
      });
      this.#pending.set(id, pending);
      pending.finally(() => this.#pending.delete(id));
    }
    return pending;
  }
}

/** The isolate's tokens, shared by every Google destination. */
export const googleTokens = new GoogleTokens();
