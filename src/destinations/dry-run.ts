import type { Config } from "../config";
import { PairMap } from "../model/keys";
import type { HttpAnswer, OutboundRequest, Transport } from "./http";

const REDACTED = "[redacted]";
/** Meta's unhashed client fields: sent, but not kept at rest (the event itself drops them once final). */
const CLIENT_FIELDS = ["client_ip_address", "client_user_agent"];
/** GA4's, at the top of its body: the customer's IP, user agent and the shop's customer id. */
const GA4_CLIENT_FIELDS = ["ip_override", "user_agent", "user_id"];

/** A Meta server event with its client IP and user agent replaced by a marker that shows they were sent. */
function withoutClient(entry: unknown): unknown {
  const userData = (entry as { user_data?: Record<string, unknown> } | null)?.user_data;
  if (!userData || !CLIENT_FIELDS.some((field) => field in userData)) return entry;
  const redacted = { ...userData };
  for (const field of CLIENT_FIELDS) if (field in redacted) redacted[field] = REDACTED;
  return { ...(entry as object), user_data: redacted };
}

/**
 * The body one event contributed to a request, secrets and client data redacted: GA4's body is
 * the event's own; a Meta batch is cut down to the event's entry with the batch's other fields.
 */
function bodyOf(request: OutboundRequest, index: number): Record<string, unknown> {
  const body = { ...request.body };
  if ("access_token" in body) body.access_token = REDACTED;
  if (request.destination === "ga4") {
    for (const field of GA4_CLIENT_FIELDS) if (field in body) body[field] = REDACTED;
  }
  if (Array.isArray(body.data)) {
    const data = request.eventIds.length === body.data.length ? [body.data[index]] : body.data;
    body.data = data.map(withoutClient);
  }
  return body;
}

/** What a destination answers when it accepts everything: 204 for GA4, Meta's `events_received`. */
function acceptedAnswer(request: OutboundRequest): HttpAnswer {
  if (request.destination === "ga4") return { kind: "response", status: 204, retryAfter: null, body: "" };
  const body = JSON.stringify({ events_received: request.eventIds.length, fbtrace_id: "dry-run" });
  return { kind: "response", status: 200, retryAfter: null, body };
}

/**
 * DESTINATIONS_MODE=dry-run: the destinations build exactly the requests they would send and
 * this transport keeps them (per event; secrets, client IP and user agent redacted) instead of
 * sending anything. Undefined in live mode.
 */
export function dryRunFor(config: Config): { transport: Transport; recorded: PairMap<string> } | undefined {
  if (config.DESTINATIONS_MODE !== "dry-run") return undefined;
  const recorded = new PairMap<string>();
  const transport: Transport = async (request) => {
    request.eventIds.forEach((eventId, index) => {
      recorded.set({ destination: request.destination, eventId }, JSON.stringify(bodyOf(request, index)));
    });
    return acceptedAnswer(request);
  };
  return { transport, recorded };
}
