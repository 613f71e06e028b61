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

const SHOP = /^[a-z0-9][a-z0-9.-]{0,252}$/;
export const DEFAULT_MAGENTO_SHOP = "magento";

/** A host name from a header value or a store URL ("https://Shop.example/" → "shop.example"). */
function hostOf(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.trim()) return undefined;
  const text = value.trim().toLowerCase();
  try {
    const host = new URL(text.includes("://") ? text : `https://${text}`).hostname;
    return SHOP.test(host) ? host : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The shop an event belongs to, part of every event id: the `X-Tagrelay-Shop` header, else a
 * `store_url` in the body or the entity, else "magento" (one relay per Magento instance,
 * whose order and credit memo ids are unique across its store views).
 */
export function magentoShop(headers: Headers, body: unknown, entity: unknown): string | undefined {
  const header = headers.get("x-tagrelay-shop");
  if (header !== null) return hostOf(header);
  const fromBody =
    (isObject(body) && hostOf(body.store_url)) || (isObject(entity) && hostOf(entity.store_url));
  return fromBody || DEFAULT_MAGENTO_SHOP;
}
