import * as z from "zod";
import { fail, ok, type Result } from "../../lib/result";
import { fetchJson, type ListingFailure } from "../listing";

/**
 * The Admin API access token reconciliation calls Shopify with: the custom app's token as it is
 * (SHOPIFY_ADMIN_TOKEN), or one fetched with the client-credentials grant of an app the owner
 * made (POST https://<shop>/admin/oauth/access_token, form fields grant_type=client_credentials,
 * client_id, client_secret; the answer's access_token lives expires_in seconds, 24 h today:
 * shopify.dev "Using the client credentials grant"). A fetched token is kept in the isolate's memory
 * only, never in D1, KV or a log, until shortly before it expires.
 */
export interface AdminToken {
  get(now: number): Promise<Result<string, ListingFailure>>;
  /** Shopify refused the token: fetch a new one next time. */
  forget(): void;
}

/** A token is not used in its last minute: a request sent just before expiry would be refused. */
const EXPIRY_MARGIN_MS = 60_000;

const TokenAnswer = z.object({
  access_token: z.string().min(1),
  scope: z.string().optional(),
  expires_in: z.number().int().positive().optional(),
});

const cache = new Map<string, { token: string; expiresAt: number }>();

export function staticToken(token: string): AdminToken {
  return { get: async () => ok(token), forget: () => {} };
}

export function clientCredentialsToken(endpoint: URL, clientId: string, clientSecret: string): AdminToken {
  const key = `${endpoint}\n${clientId}`;
  return {
    forget: () => cache.delete(key),
    async get(now) {
      const cached = cache.get(key);
      if (cached && cached.expiresAt > now) return ok(cached.token);
      const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: clientId,
        client_secret: clientSecret,
      });
      const answer = await fetchJson(
        endpoint,
        {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body,
        },
        "SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET (is the app installed on the shop?)",
        now,
      );
      if (!answer.ok) return fail({ ...answer.reason, reason: `access token: ${answer.reason.reason}` });
      const token = TokenAnswer.safeParse(answer.value.json);
      if (!token.success) return fail({ reason: "access token: malformed answer", retryable: false });
      // Without expires_in the token is taken as a day's, the grant's documented lifetime.
      const lifetime = (token.data.expires_in ?? 86_400) * 1000;
      cache.set(key, { token: token.data.access_token, expiresAt: now + lifetime - EXPIRY_MARGIN_MS });
      return ok(token.data.access_token);
    },
  };
}
