// What each destination's request carries, read back by the fakes that play the platforms (the
// bench's and load test's node:http stand-in, the Workers tests' mocked fetch): the conversion ids
// (each platform's dedupe key, prefixed with the event name) of the events in one request body.
// No import: the Workers tests load this file too.

const data = (body) => (Array.isArray(body?.data) ? body.data : []);

/** Per destination: request body → the conversion ids of its events, in order. */
export const CONVERSION_IDS = {
  ga4: (body) => (body?.events ?? []).map((e) => `${e.name}:${e.params?.transaction_id}`),
  meta: (body) => data(body).map((e) => `${e.event_name}:${e.event_id}`),
  tiktok: (body) => data(body).map((e) => `${e.event}:${e.event_id}`),
  pinterest: (body) => data(body).map((e) => `${e.event_name}:${e.event_id}`),
  google_ads: (body) => (body?.events ?? []).map((e) => `purchase:${e.transactionId}`),
  snapchat: (body) => data(body).map((e) => `${e.event_name}:${e.event_id}`),
  reddit: (body) => (body?.data?.events ?? []).map((e) => `purchase:${e.metadata?.conversion_id}`),
  microsoft: (body) => data(body).map((e) => `${e.eventName}:${e.eventId}`),
};
