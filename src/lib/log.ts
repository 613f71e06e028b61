/**
 * One JSON object per line, as `wrangler tail` and Workers Logs index them.
 * Callers pass only identifiers and outcomes: never a secret, a signature, an e-mail,
 * a phone, a name, an address or a URL that carries a secret.
 */
export type LogFields = Record<string, string | number | boolean | string[] | null | undefined>;

export function logInfo(msg: string, fields: LogFields = {}): void {
  console.log(JSON.stringify({ level: "info", msg, ...fields }));
}

export function logWarn(msg: string, fields: LogFields = {}): void {
  console.warn(JSON.stringify({ level: "warn", msg, ...fields }));
}

export function logError(msg: string, fields: LogFields = {}): void {
  console.error(JSON.stringify({ level: "error", msg, ...fields }));
}
