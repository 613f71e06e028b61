import * as z from "zod";
import { checkGaClientId } from "../lib/ga-client-id";
import { type CommerceEvent, readStoredEvent } from "../model/commerce-event";
import { type Exchange, readLedger } from "../model/ledger";
import { DeliveryStatus, type DestinationName } from "../model/statuses";

const isoTime = z
  .string()
  .refine((v) => !Number.isNaN(Date.parse(v)), "not a date")
  .transform((v) => new Date(v).toISOString());

export const EventFilter = z.object({
  status: DeliveryStatus.optional(),
  source: z.string().trim().min(1).max(40).optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  /** An order number (with or without its #) or an order id. */
  q: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type EventFilter = z.infer<typeof EventFilter>;

export interface DeliveryRow {
  destination: string;
  status: string;
  attempts: number;
  lastHttpStatus: number | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
  nextAttemptAt: string | null;
}
export interface EventListItem {
  id: string;
  source: string;
  shop: string;
  kind: string;
  orderId: string;
  orderNumber: string | null;
  value: string | null;
  currency: string | null;
  test: boolean;
  receivedAt: string;
  deliveries: DeliveryRow[];
}

type DeliveryRecord = {
  event_id: string;
  destination: string;
  status: string;
  attempts: number;
  last_http_status: number | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  next_attempt_at: number | null;
};

const toDeliveryRow = (r: DeliveryRecord): DeliveryRow => ({
  destination: r.destination,
  status: r.status,
  attempts: r.attempts,
  lastHttpStatus: r.last_http_status,
  reason: r.reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  nextAttemptAt: r.next_attempt_at === null ? null : new Date(r.next_attempt_at).toISOString(),
});

async function deliveriesOf(db: D1Database, ids: string[]): Promise<Map<string, DeliveryRow[]>> {
  const byEvent = new Map<string, DeliveryRow[]>(ids.map((id) => [id, []]));
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const rows = await db
      .prepare(
        `SELECT event_id, destination, status, attempts, last_http_status, reason, created_at, updated_at, next_attempt_at
         FROM deliveries WHERE event_id IN (${chunk.map((_, j) => `?${j + 1}`).join(",")}) ORDER BY destination`,
      )
      .bind(...chunk)
      .all<DeliveryRecord>();
    for (const r of rows.results) byEvent.get(r.event_id)?.push(toDeliveryRow(r));
  }
  return byEvent;
}

/** A field of a row's payload; NULL when the payload is not JSON, where json_extract would fail the list. */
const fromPayload = (path: string) =>
  `CASE WHEN json_valid(e.payload) THEN json_extract(e.payload, ${path}) END`;

/**
 * The event's order number, or else the one another event of the same order carries: a Shopify
 * refund's body names its order by id only, the purchase recorded its number (`#1001`).
 */
const ORDER_NUMBER = `COALESCE(e.order_number, (SELECT o.order_number FROM events o
  WHERE o.source = e.source AND o.shop = e.shop AND o.order_id = e.order_id AND o.order_number IS NOT NULL LIMIT 1))`;

/** Recent conversions, newest first, each with every destination's ledger row. */
export async function listEvents(db: D1Database, filter: EventFilter): Promise<EventListItem[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `?${params.length}`;
  };
  if (filter.source) where.push(`e.source = ${bind(filter.source)}`);
  if (filter.since) where.push(`e.received_at >= ${bind(filter.since)}`);
  if (filter.until) where.push(`e.received_at < ${bind(filter.until)}`);
  if (filter.status) {
    where.push(
      `EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = ${bind(filter.status)})`,
    );
  }
  if (filter.q) {
    const q = filter.q.replace(/^#/, "");
    // An order number finds every event of that order: a Shopify refund does not carry it itself.
    where.push(
      `(e.order_id = ${bind(q)} OR (e.source, e.shop, e.order_id) IN
         (SELECT source, shop, order_id FROM events WHERE order_number IN (${bind(q)}, ${bind(`#${q}`)})))`,
    );
  }
  const rows = await db
    .prepare(
      `SELECT e.id, e.source, e.shop, e.kind, e.order_id, ${ORDER_NUMBER} AS order_number, e.received_at, e.test,
         ${fromPayload("'$.order.currency'")} AS currency,
         COALESCE(${fromPayload("'$.refund.value'")}, ${fromPayload("'$.order.value'")}) AS value
       FROM events e ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY e.received_at DESC, e.id LIMIT ${bind(filter.limit)}`,
    )
    .bind(...params)
    .all<{
      id: string;
      source: string;
      shop: string;
      kind: string;
      order_id: string;
      order_number: string | null;
      received_at: string;
      test: number;
      currency: string | null;
      value: string | null;
    }>();
  const deliveries = await deliveriesOf(
    db,
    rows.results.map((r) => r.id),
  );
  return rows.results.map((r) => ({
    id: r.id,
    source: r.source,
    shop: r.shop,
    kind: r.kind,
    orderId: r.order_id,
    orderNumber: r.order_number,
    value: r.value === null ? null : String(r.value),
    currency: r.currency,
    test: r.test === 1,
    receivedAt: r.received_at,
    deliveries: deliveries.get(r.id) ?? [],
  }));
}

export type EventStory = {
  id: string;
  receivedAt: string;
  /** The webhook that stored it; later deliveries of the same order are duplicates and leave no row. */
  webhook: { topic: string | null; webhookId: string | null };
  /** When reconciliation stored it because no webhook had; null when a webhook did. */
  recoveredAt: string | null;
  enqueueError: string | null;
  /** Each with what was sent and answered at each of its last attempts (none before the first). */
  deliveries: Array<DeliveryRow & { exchanges: Exchange[] }>;
} & (
  | { summary: EventSummary }
  /** A row this release cannot read (an older release's, a corrupted one): what is wrong, never the value. */
  | { problem: string; summary: null }
);

export interface EventSummary {
  kind: string;
  source: string;
  shop: string;
  occurredAt: string;
  orderId: string;
  orderNumber: string | null;
  value: string;
  currency: string;
  items: number;
  test: boolean;
  channel: string;
  refund: { id: string; value: string; full: boolean } | null;
  consent: CommerceEvent["consent"];
  /** Which attribution ids the order carried (never their values). */
  attribution: Record<string, boolean>;
  /** GA4's client_id: the browser's, or derived from the order because none was captured in GA4's format. */
  gaClientId: { source: "captured" } | { source: "fallback"; reason: string };
}

const ATTRIBUTION_KEYS = ["gaClientId", "gaSessionId", "fbp", "fbc", "gclid", "landingUrl"];

function gaClientIdSource(event: CommerceEvent): EventSummary["gaClientId"] {
  const checked = checkGaClientId(event.attribution.gaClientId);
  return checked.ok ? { source: "captured" } : { source: "fallback", reason: checked.reason };
}

/** One event's whole story, without identity hashes or any personal data. */
export async function eventStory(db: D1Database, id: string): Promise<EventStory | undefined> {
  const row = await db
    .prepare(
      `SELECT e.id, e.received_at, e.topic, e.webhook_id, e.enqueue_error, e.payload, e.recovered_at,
         e.ledger, ${ORDER_NUMBER} AS order_number
       FROM events e WHERE e.id = ?1`,
    )
    .bind(id)
    .first<{
      id: string;
      order_number: string | null;
      received_at: string;
      topic: string | null;
      webhook_id: string | null;
      enqueue_error: string | null;
      payload: string;
      recovered_at: string | null;
      ledger: string;
    }>();
  if (!row) return undefined;
  const stored = readStoredEvent(row.payload);
  const deliveries = await deliveriesOf(db, [id]);
  const head = {
    id: row.id,
    receivedAt: row.received_at,
    webhook: { topic: row.topic, webhookId: row.webhook_id },
    recoveredAt: row.recovered_at,
    enqueueError: row.enqueue_error,
  };
  const ledger = readLedger(row.ledger);
  const tail = {
    deliveries: (deliveries.get(id) ?? []).map((d) => ({
      ...d,
      exchanges: ledger.get(d.destination as DestinationName)?.exchanges ?? [],
    })),
  };
  if (!stored.ok) return { ...head, problem: stored.reason, summary: null, ...tail };
  const event = stored.value;
  return {
    ...head,
    summary: {
      kind: event.kind,
      source: event.source,
      shop: event.shop,
      occurredAt: event.occurredAt,
      orderId: event.order.id,
      orderNumber: event.order.number ?? row.order_number,
      value: event.refund?.value ?? event.order.value,
      currency: event.order.currency,
      items: event.order.items.length,
      test: event.test,
      channel: event.channel,
      refund: event.refund
        ? { id: event.refund.id, value: event.refund.value, full: event.refund.full }
        : null,
      consent: event.consent,
      attribution: Object.fromEntries(
        [...new Set([...ATTRIBUTION_KEYS, ...Object.keys(event.attribution)])].map((key) => [
          key,
          Boolean(event.attribution[key as keyof CommerceEvent["attribution"]]),
        ]),
      ),
      gaClientId: gaClientIdSource(event),
    },
    ...tail,
  };
}
