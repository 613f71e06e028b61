import { moneyToNumber, multiplyMoney, subtractMoney } from "../lib/money";
import type { Item } from "../model/commerce-event";

/** What one unit of a line was paid after the line's discount, to six decimals. */
export function paidUnitPrice(item: Item): number {
  const units = Math.max(item.quantity, 1);
  const paid = subtractMoney(multiplyMoney(item.price, units), item.discount ?? "0");
  return Math.round((moneyToNumber(paid) / units) * 1e6) / 1e6;
}

/** The id a platform's catalog knows an item by: its SKU, else the shop's own id (as GA4 and Meta). */
export const itemId = (item: Item): string => item.sku || item.id;
