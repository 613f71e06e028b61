import { fail, ok, type Result } from "./result";

/** GA4's client id as gtag keeps it in the `_ga` cookie: two positive integers joined by a period. */
const GA_CLIENT_ID = /^[1-9]\d{0,19}\.[1-9]\d{0,19}$/;

/**
 * A captured client id GA4 can tie to the browser's user, or why it cannot (then the relay
 * derives one from the order, and the purchase joins no browser session).
 */
export function checkGaClientId(captured: string | undefined): Result<string> {
  if (!captured) return fail("none captured");
  if (!GA_CLIENT_ID.test(captured))
    return fail("captured value is not two positive integers joined by a period");
  return ok(captured);
}
