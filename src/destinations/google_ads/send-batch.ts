import type { Config } from "../../config";
import { logError } from "../../lib/log";
import type { DeliveryOutcome } from "../../model/statuses";
import type { HttpAnswer, Transport } from "../http";
import { describeGoogleApiError, parseGoogleApiError, rejectedEventIndexes } from "./api-error";
import { type Auth, bearer, dataManagerToken, noTokenOutcome } from "./auth";
import { classifyGoogleAdsResponse, settingsProblem } from "./classify";
import { toIngestRequest } from "./payload";
import type { DataManagerEvent } from "./types";

export type Ready = { id: string; data: DataManagerEvent };

async function post(batch: Ready[], config: Config, auth: Auth, transport: Transport): Promise<HttpAnswer> {
  return transport(
    {
      destination: "google_ads",
      url: `${config.GOOGLE_ADS_ENDPOINT}/v1/events:ingest`,
      body: toIngestRequest(
        batch.map((r) => r.data),
        config,
      ),
      eventIds: batch.map((r) => r.id),
      headers: auth.headers,
      eventsAt: ["events"],
    },
    config.DESTINATION_TIMEOUT_MS,
  );
}

/**
 * One `events:ingest` request for the batch. A 401 refreshes the token and sends again, once per
 * delivery. A 400 that names events (Data Manager has no partial failure) fails those and sends the rest.
 */
export async function sendBatch(
  batch: Ready[],
  config: Config,
  now: Date,
  outcomes: Map<string, DeliveryOutcome>,
  transport: Transport,
  auth: Auth,
): Promise<void> {
  let answer = await post(batch, config, auth, transport);
  if (answer.kind === "response" && answer.status === 401 && !auth.refreshed) {
    auth.refreshed = true;
    const fresh = await dataManagerToken(config, now, true);
    if (!fresh.ok) {
      const outcome = noTokenOutcome(fresh, batch.length);
      for (const { id } of batch) outcomes.set(id, outcome);
      return;
    }
    auth.headers = bearer(fresh.token);
    answer = await post(batch, config, auth, transport);
  }
  const error = answer.kind === "response" ? parseGoogleApiError(answer.body) : undefined;
  if (answer.kind === "response" && answer.status === 400 && error && batch.length > 1) {
    const named = new Set(rejectedEventIndexes(error).filter((i) => i < batch.length));
    if (named.size > 0 && named.size < batch.length) {
      const reason = describeGoogleApiError(error);
      for (const [i, { id }] of batch.entries()) {
        if (named.has(i)) outcomes.set(id, { status: "failed", httpStatus: 400, reason });
      }
      await sendBatch(
        batch.filter((_, i) => !named.has(i)),
        config,
        now,
        outcomes,
        transport,
        auth,
      );
      return;
    }
  }
  const outcome = classifyGoogleAdsResponse(answer, now, config.GOOGLE_ADS_VALIDATE_ONLY);
  if (answer.kind === "response") {
    const problem = settingsProblem(error?.status, answer.status);
    if (problem) {
      logError(`Google Ads: ${problem}`, {
        destination: "google_ads",
        httpStatus: answer.status,
        status: error?.status,
        events: batch.length,
      });
    }
  }
  for (const { id } of batch) outcomes.set(id, outcome);
}
