// These parsers are also stringified into the storefront snippet (src/storefront/snippet.ts), so each one
// stays self-contained: no imports, no module constants, no calls to other functions, no inner
// named functions (a bundler may rename those or wrap them in helpers the browser lacks).

/**
 * The GA client id in a `_ga` cookie, "GA1.<domain depth>.<random>.<first visit, s>" → "<random>.<s>".
 * A value that is already "<random>.<s>" is returned as it is.
 */
export function parseGaCookie(value: string): string | undefined {
  const text = String(value ?? "").trim();
  const cookie = /^GA\d+\.\d+(?:-\d+)?\.(\d+\.\d+)$/.exec(text);
  if (cookie) return cookie[1];
  return /^\d+\.\d+$/.test(text) ? text : undefined;
}

export type GaSession = { sessionId: string; sessionNumber?: string };

/**
 * The session in a `_ga_<stream>` cookie, in either of its formats:
 * GS1 is positional, "GS1.1.<session id>.<session number>.<engaged>.<last hit>…";
 * GS2 (rolled out from May 2025) is prefixed, "GS2.1.s<session id>$o<number>$g<engaged>$t<last hit>$j…",
 * and its fields may come in any order.
 */
export function parseGaSessionCookie(value: string): GaSession | undefined {
  const text = String(value ?? "").trim();
  const gs1 = /^GS1\.\d+(?:-\d+)?\.(\d+)\.(\d+)(?:\.|$)/.exec(text);
  if (gs1) return { sessionId: gs1[1], sessionNumber: gs1[2] };
  const gs2 = /^GS2\.\d+(?:-\d+)?\.(.+)$/.exec(text);
  if (!gs2) return undefined;
  let sessionId: string | undefined;
  let sessionNumber: string | undefined;
  const fields = gs2[1].split("$");
  for (let i = 0; i < fields.length; i++) {
    const field = /^([a-z])(\d+)$/.exec(fields[i]);
    if (field?.[1] === "s") sessionId = field[2];
    if (field?.[1] === "o") sessionNumber = field[2];
  }
  if (!sessionId) return undefined;
  return sessionNumber ? { sessionId, sessionNumber } : { sessionId };
}
