import type { Config } from "../../config";
import { logError } from "../../lib/log";
import type { DeliveryOutcome } from "../../model/statuses";
import { googleTokens, type TokenResult } from "./token";

/** Data Manager's one OAuth scope (ingestion_service.proto: google.api.oauth_scopes). */
export const DATA_MANAGER_SCOPE = "https://www.googleapis.com/auth/datamanager";

/** The Authorization header of one `deliver` call: fetched once, refreshed at most once. */
export type Auth = { headers: Record<string, string>; refreshed: boolean };

/** The outcome of every event when there is no token; a refused key is logged as an error every time. */
export function noTokenOutcome(result: Exclude<TokenResult, { ok: true }>, events: number): DeliveryOutcome {
  if (result.kind === "unavailable") {
    return {
      status: "retry",
      httpStatus: result.httpStatus,
      reason: result.reason,
      retryAfterSeconds: result.retryAfterSeconds,
    };
  }
  logError("Google refused the service account key: the owner must replace GOOGLE_SERVICE_ACCOUNT_KEY", {
    destination: "google_ads",
    reason: result.reason,
    httpStatus: result.httpStatus,
    events,
  });
  return {
    status: "failed",
    httpStatus: result.httpStatus,
    reason: `${result.reason}: the owner must replace GOOGLE_SERVICE_ACCOUNT_KEY`,
  };
}

/**
 * A token for Data Manager: from the isolate's cache unless `refresh`. A dry run sends nothing and
 * asks for no token (its requests are recorded without headers anyway).
 */
export async function dataManagerToken(config: Config, now: Date, refresh = false): Promise<TokenResult> {
  if (config.DESTINATIONS_MODE === "dry-run") return { ok: true, token: "dry-run" };
  const key = config.GOOGLE_SERVICE_ACCOUNT_KEY;
  if (!key) return { ok: false, kind: "rejected", reason: "GOOGLE_SERVICE_ACCOUNT_KEY is not set" };
  return googleTokens.accessToken(
    {
      key,
      scope: DATA_MANAGER_SCOPE,
      endpoint: config.GOOGLE_TOKEN_ENDPOINT,
      timeoutMs: config.DESTINATION_TIMEOUT_MS,
    },
    now,
    refresh,
  );
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
