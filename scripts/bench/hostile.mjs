// Signed bodies built to cost CPU rather than to carry an order: the worst shapes known for
// the JSON number scan and for the XML path, about 1 MB each (under the 1 MiB body cap).
// Each must be refused with a 400; section 1 times how long that takes.
import { shopifyOrderId, signedShopifyBody } from "./requests.mjs";

const ONE_MB = 1_000_000;
const fill = (unit, length) => unit.repeat(Math.floor(length / unit.length));

/** The 30-line order with its order_number replaced by a raw JSON number. */
function orderWithNumber(p, number) {
  const order = p.shopifyOrder({ id: shopifyOrderId(5), lineCount: 30 });
  return signedShopifyBody(p.shopifyJson(order).replace('"order_number":1001', `"order_number":${number}`));
}

const xml = (text) => signedShopifyBody(text, { contentType: "application/xml" });

// Few runs: a slow row at 1 MB would otherwise hold the benchmark for minutes.
const HOSTILE = { outcome: "rejected", warmup: 2, minRuns: 5, budgetMs: 500 };

export const HOSTILE_CASES = [
  {
    name: "Hostile JSON: 30-line order, a number `1.0…01` of 160,000 zeros",
    make: (p) => orderWithNumber(p, `1.${"0".repeat(160_000)}1`),
  },
  {
    name: "Hostile JSON: 30-line order, a number `1.0…01` of 1,000,000 zeros",
    make: (p) => orderWithNumber(p, `1.${"0".repeat(ONE_MB)}1`),
  },
  { name: "Hostile XML: `<` × 1,000,000 then `/>`", make: () => xml(`${"<".repeat(ONE_MB)}/>`) },
  { name: "Hostile XML: `<a` × 500,000", make: () => xml(fill("<a", ONE_MB)) },
  { name: "Hostile XML: unterminated `<!--` of 1 MB", make: () => xml(`<order><!--${"x".repeat(ONE_MB)}`) },
  {
    name: "Hostile XML: elements 63 deep, 1 MB of them",
    make: () => xml(`<order>${fill(`${"<a>".repeat(62)}${"</a>".repeat(62)}`, ONE_MB)}</order>`),
  },
  {
    name: "Hostile XML: 1 MB of `&amp;`",
    make: () => xml(`<order><note>${fill("&amp;", ONE_MB)}</note></order>`),
  },
].map((c) => ({ ...HOSTILE, ...c }));
