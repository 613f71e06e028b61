import * as z from "zod";

/** A 200: how many events arrived, and one status per event, in the order sent. */
const PinterestReceipt = z.object({
  num_events_received: z.number().optional(),
  num_events_processed: z.number().optional(),
  events: z
    .array(
      z.object({
        status: z.string(),
        error_message: z.string().nullish(),
        warning_message: z.string().nullish(),
      }),
    )
    .optional(),
});
export type PinterestReceipt = z.infer<typeof PinterestReceipt>;

/** Any other answer: Pinterest's error object. */
const PinterestError = z.object({ code: z.number().optional(), message: z.string().optional() });
export type PinterestError = z.infer<typeof PinterestError>;

function parseWith<T>(schema: z.ZodType<T>, body: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export const parsePinterestReceipt = (body: string) => parseWith(PinterestReceipt, body);
export const parsePinterestError = (body: string) => parseWith(PinterestError, body);
