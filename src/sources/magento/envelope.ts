/**
 * Where the order or credit memo sits in each sender's body:
 * - Adobe I/O Events: a CloudEvent, the entity in `data.value`, its kind in `type`
 *   (`com.adobe.commerce.observer.sales_order_save_after`, `…sales_order_creditmemo_save_after`);
 * - Adobe Commerce webhooks: `{"order": …}` (plugins) or `{"eventName": …, "data": {"order": …}}`
 *   (observers), and `creditmemo` likewise;
 * - the body templates of docs/magento.md: `{"order": …}` or `{"creditmemo": …}`.
 */
export type MagentoEntity = { kind: "order" | "creditmemo"; value: unknown; topic: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function keyed(body: Json, topic: string): MagentoEntity | undefined {
  if (isObject(body.creditmemo)) return { kind: "creditmemo", value: body.creditmemo, topic };
  if (isObject(body.order)) return { kind: "order", value: body.order, topic };
  return undefined;
}

export function ioEventEntity(body: unknown): MagentoEntity | undefined {
  if (!isObject(body) || !isObject(body.data)) return undefined;
  const type = typeof body.type === "string" ? body.type : "";
  const value = body.data.value;
  if (!isObject(value)) return undefined;
  if (/creditmemo/.test(type)) return { kind: "creditmemo", value, topic: type };
  if (/sales_order_(save|place)/.test(type)) return { kind: "order", value, topic: type };
  return undefined;
}

export function keyedEntity(body: unknown, fallbackTopic: string): MagentoEntity | undefined {
  if (!isObject(body)) return undefined;
  const topic = typeof body.eventName === "string" ? body.eventName : fallbackTopic;
  return keyed(body, topic) ?? (isObject(body.data) ? keyed(body.data, topic) : undefined);
}

/** Who an Adobe I/O event is addressed to (`recipient_client_id`) and which provider sent it (`source`). */
export function ioEventRecipient(body: unknown): { recipient?: string; provider?: string } {
  if (!isObject(body)) return {};
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  return { recipient: text(body.recipient_client_id), provider: text(body.source) };
}
