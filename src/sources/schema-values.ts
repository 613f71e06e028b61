import * as z from "zod";
import { isDecimal, numberToDecimal } from "../lib/money";

/**
 * Field types every source's payload schema shares. Ids leave as text: above 2^53 the lossless
 * parser already hands them over as text. Amounts leave as exact decimal strings, whether the
 * shop sent "12.50" or 12.5.
 */
export const NumericId = z
  .union([z.string().trim().regex(/^\d+$/, "not an id"), z.number().int().nonnegative()])
  .transform(String);

export const DecimalAmount = z.union([
  z.string().trim().refine(isDecimal, "not a decimal amount"),
  z.number().finite().transform(numberToDecimal),
]);
