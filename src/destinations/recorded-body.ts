import type { OutboundRequest } from "./http";

export const REDACTED = "[redacted]";

/**
 * Keys whose values are never kept at rest, wherever they sit in a request body and however the
 * platform spells them (`client_ip_address`, `clientIpAddress`: compared without case and
 * underscores): credentials a platform takes in the body, and the customer's unhashed client data
 * (IP address, user agent, the shop's customer id), which are sent but dropped from the event
 * once it is final. A new destination that sends another such field adds its key here.
 */
const PRIVATE_KEYS = new Set([
  "accesstoken",
  "apisecret",
  "clientipaddress",
  "clientuseragent",
  "ipoverride",
  "useragent",
  "userid",
  "ip",
  "ipaddress",
  "clientip",
]);

const isPrivate = (key: string) => PRIVATE_KEYS.has(key.replaceAll("_", "").toLowerCase());

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, isPrivate(key) ? REDACTED : redact(inner)]),
  );
}

/** The per-event array of a batch body: at `eventsAt`, else the one top-level array as long as the batch. */
function eventsPath(request: OutboundRequest): readonly string[] | undefined {
  if (request.eventsAt) return request.eventsAt;
  const arrays = Object.entries(request.body).filter(
    ([, value]) => Array.isArray(value) && value.length === request.eventIds.length,
  );
  return arrays.length === 1 ? [arrays[0][0]] : undefined;
}

/** A copy of `body` with the array at `path` replaced by `[its element at index]`. */
function cutTo(body: unknown, path: readonly string[], index: number): unknown {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return body;
  const [key, ...rest] = path;
  if (!(key in body)) return body;
  const inner = (body as Record<string, unknown>)[key];
  const cut = rest.length > 0 ? cutTo(inner, rest, index) : Array.isArray(inner) ? [inner[index]] : inner;
  return { ...body, [key]: cut };
}

/**
 * The body the event at `index` of a request contributed, as it may be kept (in a dry run's
 * record and an order's story): a batch is cut down to the event's own entry with the batch's
 * other fields, and credentials and client data are redacted. Headers are never part of it.
 */
export function recordedBody(request: OutboundRequest, index: number): Record<string, unknown> {
  const path = request.eventIds.length > 1 ? eventsPath(request) : undefined;
  const body = path ? cutTo(request.body, path, index) : request.body;
  return redact(body) as Record<string, unknown>;
}
