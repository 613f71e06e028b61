import * as z from "zod";

/** Every Business API answer: HTTP 200 with a `code` (0 is success), a message and a request id. */
const TikTokAnswerBody = z.object({
  code: z.number(),
  message: z.string().optional(),
  request_id: z.string().optional(),
});
export type TikTokAnswer = z.infer<typeof TikTokAnswerBody>;

export function parseTikTokAnswer(body: string): TikTokAnswer | undefined {
  try {
    const parsed = TikTokAnswerBody.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Business API's return codes that decide an outcome (its "Return codes" page; the stored
 * docs could not confirm every one, so anything else falls back to the HTTP status and the code's
 * class): 40100 is the rate limit; 40001 (no permission) and the other 401xx (the access token is
 * empty, wrong, expired or revoked) mean the token must be replaced; 40002 is a bad parameter in
 * the request; 5xxxx are TikTok's own errors.
 */
export const RATE_LIMIT_CODE = 40100;
export const PARAMETER_CODE = 40002;

export function isTokenCode(code: number): boolean {
  return code === 40001 || (code > RATE_LIMIT_CODE && code <= 40199);
}

export function isServerCode(code: number): boolean {
  return code >= 50000 && code <= 59999;
}
