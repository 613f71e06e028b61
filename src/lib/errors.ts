const MAX_ERROR_TEXT = 200;

/** A parameter whose name says it may carry a credential: GA4's `api_secret`, Meta's `access_token`. */
const SECRET_NAME = /secret|token|key|password|signature|auth/i;

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  if (typeof message === "string") return message;
  const opaque = (typeof error === "object" && error !== null) || typeof error === "function";
  return opaque ? "non-error value thrown" : String(error);
}

/**
 * A thrown value as a short text for a log line or a stored reason: the message only (never the
 * stack), at most 200 characters. Error texts can quote the URL they called, and GA4's carries
 * its api_secret: a URL is replaced whole, and a `name=value` whose name looks like a credential
 * keeps only its name.
 */
export function errorText(error: unknown): string {
  return scrubbedText(messageOf(error), MAX_ERROR_TEXT);
}

/**
 * Text from outside (an error message, a platform's answer) as it may be logged or kept: URLs
 * replaced whole, a `name=value` whose name looks like a credential keeps only its name, at most
 * `max` characters.
 */
export function scrubbedText(text: string, max: number): string {
  return text
    .replace(/\bhttps?:\/\/\S+/gi, "<url>")
    .replace(/\b(\w+)=[^\s&]+/g, (pair, name: string) =>
      SECRET_NAME.test(name) ? `${name}=<redacted>` : pair,
    )
    .slice(0, max);
}
