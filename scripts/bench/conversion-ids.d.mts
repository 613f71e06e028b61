/** Per destination: request body → the conversion ids of its events, in order. */
export const CONVERSION_IDS: Record<
  "ga4" | "meta" | "tiktok" | "pinterest" | "google_ads" | "snapchat" | "reddit" | "microsoft",
  (body: unknown) => string[]
>;
