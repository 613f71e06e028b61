import { z } from "zod";
import { type Config, metaEnabled } from "../../config";
import { withoutUndefined } from "../../lib/defined";
import { logError } from "../../lib/log";
import { moneyToNumber, multiplyMoney, subtractMoney } from "../../lib/money";
import type { CommerceEvent, Item } from "../../model/commerce-event";
import type { DeliveryOutcome } from "../../model/statuses";
import { META_LIMITED_DATA_USE, metaConsentDecision } from "../consent";
import {
  type HttpAnswer,
  liveTransport,
  retryAfterSeconds,
  retryableStatusOutcome,
  type Transport,
  unansweredOutcome,
} from "../http";
import { testOrderPolicy } from "../test-orders";
import type { Destination } from "../types";

const MAX_BATCH = 1000;
const MAX_AGE_SECONDS = 7 * 24 * 3600;
/** Graph API codes a later attempt can succeed on: unknown/service errors and the throttles. */
const RETRY_CODES = new Set([1, 2, 4, 17, 32, 341, 613]);
const TOKEN_CODE = 190;

/** Hashed keys go as one-element arrays, the form Meta documents for multiple values. */
export type MetaUserData = {
  em?: string[];
  ph?: string[];
  fn?: string[];
  ln?: string[];
  ct?: string[];
  st?: string[];
  zp?: string[];
  country?: string[];
  external_id?: string[];
  client_ip_address?: string;
  client_user_agent?: string;
  fbp?: string;
  fbc?: string;
};

export type MetaServerEvent = {
  event_name: "Purchase" | "Refund";
  event_time: number;
  event_id: string;
  action_source: "website" | "physical_store";
  event_source_url?: string;
  user_data: MetaUserData;
  data_processing_options?: ["LDU"];
  data_processing_options_country?: 0;
  data_processing_options_state?: 0;
  custom_data: {
    value: number;
    currency: string;
    order_id: string;
    content_ids?: string[];
    contents?: Array<{ id: string; quantity: number; item_price: number }>;
    content_type?: "product";
    num_items?: number;
  };
};

/** The pixel's eventID must be built the same way for Meta to dedupe browser and server events. */
export function metaEventId(event: CommerceEvent, config: Config): string {
  if (event.kind === "refund" && event.refund) return `refund:${event.refund.id}`;
  return config.META_EVENT_ID.replace(/\{order_id\}/g, event.order.id)
    .replace(/\{order_number\}/g, event.order.number ?? event.order.id)
    .replace(/\{kind\}/g, event.kind);
}

function toUserData(event: CommerceEvent): MetaUserData {
  const hashed = event.identity.meta;
  const list = (value?: string) => (value ? [value] : undefined);
  return withoutUndefined({
    em: list(hashed.em),
    ph: list(hashed.ph),
    fn: list(hashed.fn),
    ln: list(hashed.ln),
    ct: list(hashed.ct),
    st: list(hashed.st),
    zp: list(hashed.zp),
    country: list(hashed.country),
    external_id: list(hashed.external_id),
    client_ip_address: event.client.ip,
    client_user_agent: event.client.userAgent,
    fbp: event.attribution.fbp,
    fbc: event.attribution.fbc,
  });
}

/** Same id as GA4 (SKU, else platform id) so one catalog serves both; price is what was paid per unit. */
function toContent(item: Item) {
  const units = Math.max(item.quantity, 1);
  const paid = subtractMoney(multiplyMoney(item.price, units), item.discount ?? "0");
  return {
    id: item.sku || item.id,
    quantity: item.quantity,
    item_price: Math.round((moneyToNumber(paid) / units) * 1e6) / 1e6,
  };
}

/** One Conversions API server event. Pure: the same event and config give the same object. */
export function toMetaEvent(event: CommerceEvent, config: Config): MetaServerEvent {
  const common = {
    event_time: Math.floor(Date.parse(event.occurredAt) / 1000),
    event_id: metaEventId(event, config),
    action_source: event.channel === "pos" ? "physical_store" : "website",
    event_source_url: event.attribution.landingUrl,
    user_data: toUserData(event),
  } as const;
  if (event.kind === "refund" && event.refund) {
    return withoutUndefined({
      event_name: "Refund",
      ...common,
      custom_data: {
        value: moneyToNumber(event.refund.value),
        currency: event.order.currency,
        order_id: event.order.id,
      },
    });
  }
  const contents = event.order.items.map(toContent);
  return withoutUndefined({
    event_name: "Purchase",
    ...common,
    custom_data: {
      value: moneyToNumber(event.order.value),
      currency: event.order.currency,
      content_ids: [...new Set(contents.map((c) => c.id))],
      contents,
      content_type: "product",
      order_id: event.order.id,
      num_items: event.order.items.reduce((sum, item) => sum + item.quantity, 0),
    },
  });
}

export type Validation = { ok: true } | { ok: false; reason: string };

/** What Meta would reject: checked here so one bad event never costs its batch a round trip. */
export function validateMetaEvent(event: MetaServerEvent): Validation {
  if (!Number.isInteger(event.event_time) || event.event_time <= 0) {
    return { ok: false, reason: "event_time is not a valid time" };
  }
  const u = event.user_data;
  const matchable =
    u.em || u.ph || u.external_id || u.fbp || u.fbc || (u.client_ip_address && u.client_user_agent);
  if (!matchable) {
    return { ok: false, reason: "user_data needs em, ph, external_id, fbp, fbc or client IP + user agent" };
  }
  if (!Number.isFinite(event.custom_data.value)) return { ok: false, reason: "value is not a number" };
  if (!/^[A-Z]{3}$/.test(event.custom_data.currency))
    return { ok: false, reason: "currency is not ISO 4217" };
  if (!event.event_id) return { ok: false, reason: "event_id is empty" };
  return { ok: true };
}

const GraphErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    message: z.string().optional(),
    type: z.string().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});
export type GraphError = z.infer<typeof GraphErrorBody>["error"];

export function parseGraphError(body: string): GraphError | undefined {
  try {
    const parsed = GraphErrorBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

function describe(error: GraphError): string {
  const code = `${error.code ?? "?"}${error.error_subcode ? `/${error.error_subcode}` : ""}`;
  const detail = [error.message, error.error_user_msg].filter(Boolean).join(": ");
  const trace = error.fbtrace_id ? ` (fbtrace_id ${error.fbtrace_id})` : "";
  return `Meta error ${code}: ${detail}`.slice(0, 400) + trace;
}

function isPermanentCode(code: number): boolean {
  return code === 100 || code === TOKEN_CODE || code === 10 || (code >= 200 && code <= 299);
}

/** Graph API answer → outcome. The error code decides before the HTTP status does. */
export function classifyMetaResponse(answer: HttpAnswer, now: Date): DeliveryOutcome {
  if (answer.kind !== "response") return unansweredOutcome(answer);
  const { status } = answer;
  const error = status >= 200 && status < 300 ? undefined : parseGraphError(answer.body);
  const code = error?.code;
  if (error && code !== undefined) {
    const retryAfter = retryAfterSeconds(answer.retryAfter, now);
    if (RETRY_CODES.has(code) || (code >= 80000 && code <= 80099)) {
      return { status: "retry", httpStatus: status, reason: describe(error), retryAfterSeconds: retryAfter };
    }
    if (code === TOKEN_CODE) {
      return {
        status: "failed",
        httpStatus: status,
        reason: `access token invalid or expired: the owner must replace META_ACCESS_TOKEN (${describe(error)})`,
      };
    }
    if (isPermanentCode(code)) return { status: "failed", httpStatus: status, reason: describe(error) };
    if (error.is_transient) {
      return { status: "retry", httpStatus: status, reason: describe(error), retryAfterSeconds: retryAfter };
    }
  }
  const retryable = retryableStatusOutcome(answer, now);
  if (retryable) return error ? { ...retryable, reason: describe(error) } : retryable;
  if (status >= 200 && status < 300) return { status: "sent", httpStatus: status };
  return { status: "failed", httpStatus: status, reason: error ? describe(error) : `HTTP ${status}` };
}

/** A 400 about the events themselves: one of them is bad, so halving finds and isolates it. */
function rejectsAnEvent(answer: HttpAnswer): boolean {
  if (answer.kind !== "response" || answer.status !== 400) return false;
  const code = parseGraphError(answer.body)?.code;
  return code === undefined || code === 100;
}

type Ready = { id: string; data: MetaServerEvent };

async function sendBatch(
  batch: Ready[],
  config: Config,
  now: Date,
  outcomes: Map<string, DeliveryOutcome>,
  transport: Transport,
) {
  const url = `${config.META_ENDPOINT}/${config.META_API_VERSION}/${config.META_PIXEL_ID}/events`;
  const body = withoutUndefined({
    data: batch.map((r) => r.data),
    test_event_code: config.META_TEST_EVENT_CODE,
    access_token: config.META_ACCESS_TOKEN,
  });
  const eventIds = batch.map((r) => r.id);
  const answer = await transport({ destination: "meta", url, body, eventIds }, config.DESTINATION_TIMEOUT_MS);
  if (batch.length > 1 && rejectsAnEvent(answer)) {
    const half = Math.ceil(batch.length / 2);
    await sendBatch(batch.slice(0, half), config, now, outcomes, transport);
    await sendBatch(batch.slice(half), config, now, outcomes, transport);
    return;
  }
  const outcome = classifyMetaResponse(answer, now);
  if (answer.kind === "response") {
    const error = parseGraphError(answer.body);
    if (error?.code === TOKEN_CODE) {
      logError("Meta rejected the access token: the owner must replace META_ACCESS_TOKEN", {
        destination: "meta",
        code: error.code,
        subcode: error.error_subcode,
        fbtraceId: error.fbtrace_id,
        events: batch.length,
      });
    }
  }
  for (const { id } of batch) outcomes.set(id, outcome);
}

/** One request per batch of up to 1000 events; refunds, stale and invalid events never leave. */
export const meta: Destination = {
  name: "meta",
  enabled: metaEnabled,
  async deliver(events, config, now, transport = liveTransport) {
    const outcomes = new Map<string, DeliveryOutcome>();
    const ready: Ready[] = [];
    for (const event of events) {
      const policy = testOrderPolicy(event, "meta", config);
      if (!policy.send) {
        outcomes.set(event.id, { status: "skipped", reason: policy.reason });
        continue;
      }
      if (event.kind === "refund" && config.META_REFUNDS === "skip") {
        outcomes.set(event.id, {
          status: "skipped",
          reason: "META_REFUNDS is skip: Meta has no refund event",
        });
        continue;
      }
      const consent = metaConsentDecision(event.consent, config);
      if (consent.action === "skip") {
        outcomes.set(event.id, { status: "skipped", reason: consent.reason });
        continue;
      }
      const built = toMetaEvent(event, config);
      const data = consent.action === "send-ldu" ? { ...built, ...META_LIMITED_DATA_USE } : built;
      if (now.getTime() / 1000 - data.event_time > MAX_AGE_SECONDS) {
        outcomes.set(event.id, { status: "expired", reason: "event_time is more than 7 days old" });
        continue;
      }
      const check = validateMetaEvent(data);
      if (!check.ok) {
        outcomes.set(event.id, { status: "failed", reason: check.reason });
        continue;
      }
      ready.push({ id: event.id, data });
    }
    for (let i = 0; i < ready.length; i += MAX_BATCH) {
      await sendBatch(ready.slice(i, i + MAX_BATCH), config, now, outcomes, transport);
    }
    return outcomes;
  },
};
