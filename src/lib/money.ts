/**
 * Exact decimal money. Amounts travel as strings ("369.97") and are added as scaled
 * BigInts, so a 250-line order never drifts by a cent as float sums would.
 */
const SCALE = 6;
const FACTOR = 10n ** BigInt(SCALE);
const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value);
}

function toUnits(value: string | number): bigint {
  const text = typeof value === "number" ? numberToDecimal(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole, frac = ""] = match;
  const units = BigInt(whole) * FACTOR + BigInt(frac.slice(0, SCALE).padEnd(SCALE, "0"));
  return sign ? -units : units;
}

function fromUnits(units: bigint): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const whole = abs / FACTOR;
  let frac = (abs % FACTOR).toString().padStart(SCALE, "0").replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  return `${negative && abs !== 0n ? "-" : ""}${whole}.${frac}`;
}

/** A JSON number as its shortest decimal text (Magento and WooCommerce send some amounts as numbers). */
export function numberToDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError("not a finite amount");
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(SCALE);
}

/** Normalizes any accepted amount to a decimal string with at least two decimals. */
export function money(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === "") return "0.00";
  return fromUnits(toUnits(value));
}

export function sumMoney(values: Array<string | number | null | undefined>): string {
  let total = 0n;
  for (const value of values) {
    if (value !== null && value !== undefined && value !== "") total += toUnits(value);
  }
  return fromUnits(total);
}

export function subtractMoney(a: string | number, b: string | number): string {
  return fromUnits(toUnits(a) - toUnits(b));
}

export function multiplyMoney(a: string | number, quantity: number): string {
  return fromUnits(toUnits(a) * BigInt(quantity));
}

/**
 * `amount × part / whole`, rounded half away from zero to the cent: one amount's share of another's
 * parts (a refund's share of an order's items). Throws when `whole` is zero.
 */
export function scaleMoney(amount: string | number, part: string | number, whole: string | number): string {
  const divisor = toUnits(whole) * (FACTOR / 100n);
  if (divisor === 0n) throw new RangeError("cannot scale by a zero amount");
  const product = toUnits(amount) * toUnits(part);
  const magnitude = (x: bigint) => (x < 0n ? -x : x);
  const cents = (magnitude(product) * 2n + magnitude(divisor)) / (2n * magnitude(divisor));
  const negative = product < 0n !== divisor < 0n;
  return fromUnits((negative ? -cents : cents) * (FACTOR / 100n));
}

export function absMoney(value: string | number): string {
  const units = toUnits(value);
  return fromUnits(units < 0n ? -units : units);
}

export function compareMoney(a: string | number, b: string | number): number {
  const d = toUnits(a) - toUnits(b);
  return d === 0n ? 0 : d < 0n ? -1 : 1;
}

/** For payloads that want a JSON number (GA4, Meta); only ever at the very last step. */
export function moneyToNumber(value: string): number {
  return Number(value);
}
