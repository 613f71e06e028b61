// Stringified into the storefront snippet as well: see the note in ga-cookies.ts.

export type ConsentState = "granted" | "denied";

/**
 * One consent choice, however it was written: Google consent mode's "granted"/"denied", the
 * Shopify Customer Privacy API's "yes"/"no" (an empty string there means no choice yet), booleans.
 */
export function consentState(value: unknown): ConsentState | undefined {
  const text = String(value ?? "")
    .trim()
    .toLowerCase();
  if (["granted", "yes", "true", "1"].includes(text)) return "granted";
  if (["denied", "no", "false", "0"].includes(text)) return "denied";
  return undefined;
}

export type GoogleConsent = Partial<
  Record<"ad_storage" | "analytics_storage" | "ad_user_data" | "ad_personalization", ConsentState>
>;

/**
 * Google consent mode as the page holds it. `google_tag_data.ics.entries` is the tag's own live
 * state ({default, update} booleans per type; not a documented API, so it is read defensively);
 * without it, the `gtag("consent", "default" | "update", {...})` commands in `dataLayer`, in order.
 */
export function googleConsent(dataLayer: unknown, ics: unknown): GoogleConsent {
  const types = ["ad_storage", "analytics_storage", "ad_user_data", "ad_personalization"] as const;
  const found: GoogleConsent = {};
  const entries = (ics as { entries?: Record<string, { default?: unknown; update?: unknown }> } | undefined)
    ?.entries;
  if (entries && typeof entries === "object") {
    for (let i = 0; i < types.length; i++) {
      const entry = entries[types[i]];
      const state = entry && (typeof entry.update === "boolean" ? entry.update : entry.default);
      if (typeof state === "boolean") found[types[i]] = state ? "granted" : "denied";
    }
    if (Object.keys(found).length > 0) return found;
  }
  const commands = Array.isArray(dataLayer) ? dataLayer : [];
  // A default never overrides an update, whatever their order (as gtag itself applies them).
  const updated: Record<string, boolean> = {};
  for (let i = 0; i < commands.length; i++) {
    const command = commands[i] as { 0?: unknown; 1?: unknown; 2?: Record<string, unknown> } | undefined;
    if (command?.[0] !== "consent" || !command[2] || typeof command[2] !== "object") continue;
    const isUpdate = command[1] === "update";
    for (let j = 0; j < types.length; j++) {
      const value = command[2][types[j]];
      if ((value !== "granted" && value !== "denied") || (updated[types[j]] && !isUpdate)) continue;
      found[types[j]] = value;
      if (isUpdate) updated[types[j]] = true;
    }
  }
  return found;
}
