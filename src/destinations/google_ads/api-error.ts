import * as z from "zod";

/** A Google API error body (google.rpc.Status as JSON): `status` names the canonical code. */
const ApiErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    status: z.string().optional(),
    message: z.string().optional(),
    details: z
      .array(
        z.looseObject({
          "@type": z.string().optional(),
          reason: z.string().optional(),
          fieldViolations: z
            .array(z.object({ field: z.string().optional(), description: z.string().optional() }))
            .optional(),
        }),
      )
      .optional(),
  }),
});
export type GoogleApiError = z.infer<typeof ApiErrorBody>["error"];

export function parseGoogleApiError(body: string): GoogleApiError | undefined {
  try {
    const parsed = ApiErrorBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.error : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The events a 400 names (`events[3].adIdentifiers.gclid` → 3): Data Manager rejects a whole request
 * for one bad event (no partial failure), and its BadRequest field violations say which one.
 */
export function rejectedEventIndexes(error: GoogleApiError): number[] {
  const fields = (error.details ?? []).flatMap((d) => d.fieldViolations ?? []).map((v) => v.field ?? "");
  const indexes = fields.map((field) => /^events\[(\d+)\]/.exec(field)?.[1]);
  if (indexes.length === 0 || indexes.some((i) => i === undefined)) return [];
  return [...new Set(indexes.map(Number))];
}

export function describeGoogleApiError(error: GoogleApiError): string {
  const reasons = (error.details ?? []).map((d) => d.reason).filter(Boolean);
  const violations = (error.details ?? [])
    .flatMap((d) => d.fieldViolations ?? [])
    .map((v) => [v.field, v.description].filter(Boolean).join(": "));
  const head = `Data Manager ${error.status ?? error.code ?? "error"}`;
  return [head, error.message, ...reasons, ...violations].filter(Boolean).join("; ").slice(0, 400);
}
