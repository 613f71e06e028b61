import { absMoney, compareMoney, money, sumMoney } from "../../lib/money";
import type { Item } from "../../model/commerce-event";
import type { MagentoItem } from "./schema";

const isPositive = (amount: string | undefined) => amount !== undefined && compareMoney(amount, "0") > 0;

/** Item rows carry their discount as a positive amount; the sign is dropped either way. */
function lineDiscount(amount: string | undefined): string | undefined {
  const discount = amount === undefined ? undefined : absMoney(amount);
  return isPositive(discount) ? discount : undefined;
}

function toItem(row: MagentoItem, quantity: number, overrides: Partial<Item> = {}): Item {
  // A decimal quantity (is_qty_decimal) becomes one unit at the row total, so value still adds up.
  const whole = Number.isInteger(quantity);
  return {
    id: row.product_id ?? row.item_id ?? row.sku ?? "unknown",
    sku: row.sku,
    name: row.name,
    price: money(whole ? row.price : (row.row_total ?? row.price)),
    quantity: whole ? quantity : 1,
    discount: lineDiscount(row.discount_amount),
    ...overrides,
  };
}

const parentOf = (row: MagentoItem) => row.parent_item_id ?? row.parent_item?.item_id;

/**
 * Each purchased product once. Magento lists a configurable or bundle product as a parent row
 * and child rows. A configurable's parent carries the price and its child the simple SKU.
 * A bundle's parent carries the bundle's price (fixed-price bundles price their children at
 * 0; dynamic ones repeat the price on the children), so the parent counts, unless it has no
 * price: then its priced children count instead. Discounts sit on the parent or on the
 * children, never both, so the line's discount is the parent's, else the children's sum.
 */
export function orderItems(rows: MagentoItem[]): Item[] {
  const ids = new Set(rows.flatMap((r) => (r.item_id ? [r.item_id] : [])));
  const children = new Map<string, MagentoItem[]>();
  for (const row of rows) {
    const parent = parentOf(row);
    if (parent && ids.has(parent)) children.set(parent, [...(children.get(parent) ?? []), row]);
  }
  const top = rows.filter((row) => {
    const parent = parentOf(row);
    return !parent || !ids.has(parent);
  });
  return top.flatMap((row): Item[] => {
    const quantity = row.qty_ordered ?? 0;
    const kids = (row.item_id && children.get(row.item_id)) || [];
    if (kids.length === 0) return [toItem(row, quantity)];
    const discount =
      lineDiscount(row.discount_amount) ??
      lineDiscount(sumMoney(kids.map((k) => (k.discount_amount ? absMoney(k.discount_amount) : undefined))));
    if (row.product_type === "configurable") {
      return [toItem(row, quantity, { sku: kids[0].sku ?? row.sku, variant: kids[0].name, discount })];
    }
    if (isPositive(row.price)) return [toItem(row, quantity, { discount })];
    return kids.map((kid) => toItem(kid, kid.qty_ordered ?? 0));
  });
}

/**
 * A credit memo lists every order row it touches, parents and children alike, with the
 * price on whichever row the order priced; rows refunding nothing or priced at 0 (the other
 * half of a parent/child pair) are left out, so each refunded product counts once.
 */
export function creditMemoItems(rows: MagentoItem[]): Item[] {
  return rows
    .filter((row) => (row.qty ?? 0) > 0 && isPositive(row.price))
    .map((row) => toItem(row, row.qty ?? 0));
}
