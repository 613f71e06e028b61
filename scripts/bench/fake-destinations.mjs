// The six newer destinations' stand-ins for the bench (section 4): each answers as its platform
// does when it takes every event, so the consumer's outbound requests can be counted with all
// eight destinations on. GA4 and Meta keep their own stand-in in local.mjs.
import { generateKeyPairSync } from "node:crypto";
import { CONVERSION_IDS } from "./conversion-ids.mjs";

/** Per destination (its endpoint setting points at `<base>/dest/<name>`): its 2xx answer. */
export const NEWER_DESTINATIONS = {
  tiktok: () => ({ code: 0, message: "OK", request_id: "fake", data: {} }),
  pinterest: (ids) => ({
    num_events_received: ids.length,
    num_events_processed: ids.length,
    events: ids.map(() => ({ status: "processed", error_message: null, warning_message: null })),
  }),
  google_ads: () => ({ requestId: "fake" }),
  snapchat: () => ({ status: "VALID", reason: "fake" }),
  reddit: () => ({ message: "fake" }),
  microsoft: () => ({ status: "fake" }),
};

/** A throwaway service-account key file, as Google issues one, for Google Ads against the stand-in. */
function serviceAccountKey() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return JSON.stringify({
    type: "service_account",
    project_id: "tagrelay-bench",
    private_key_id: "bench",
    private_key: privateKey.export({ type: "pkcs8", format: "pem" }),
    client_email: "bench@tagrelay-bench.iam.gserviceaccount.com",
    client_id: "1",
    token_uri: "https://oauth2.googleapis.com/token",
  });
}

/** The settings that turn the six on, their endpoints under `base` (`<base>/dest/<name>`). */
export function newerDestinationVars(base) {
  const at = (name) => `${base}/dest/${name}`;
  return {
    TIKTOK_PIXEL_CODE: "CBENCH0000000000000",
    TIKTOK_ACCESS_TOKEN: "bench-tiktok-token",
    TIKTOK_ENDPOINT: at("tiktok"),
    PINTEREST_AD_ACCOUNT_ID: "549700000000",
    PINTEREST_ACCESS_TOKEN: "bench-pinterest-token",
    PINTEREST_ENDPOINT: at("pinterest"),
    GOOGLE_ADS_CUSTOMER_ID: "1234567890",
    GOOGLE_ADS_CONVERSION_ACTION_ID: "987654321",
    GOOGLE_SERVICE_ACCOUNT_KEY: serviceAccountKey(),
    GOOGLE_ADS_ENDPOINT: at("google_ads"),
    GOOGLE_TOKEN_ENDPOINT: `${base}/oauth/token`,
    SNAPCHAT_PIXEL_ID: "bench-snap-pixel",
    SNAPCHAT_ACCESS_TOKEN: "bench-snap-token",
    SNAPCHAT_ENDPOINT: at("snapchat"),
    REDDIT_PIXEL_ID: "a2_bench",
    REDDIT_ACCESS_TOKEN: "bench-reddit-token",
    REDDIT_ENDPOINT: at("reddit"),
    MICROSOFT_UET_TAG_ID: "187000000",
    MICROSOFT_UET_ACCESS_TOKEN: "bench-uet-token",
    MICROSOFT_UET_ENDPOINT: at("microsoft"),
  };
}

/**
 * Which stand-in a request is for, from its path: `{ kind, ids, answer }`, or undefined for GA4 and
 * Meta (local.mjs answers those). A Google token request is kind `google_token`, carrying no event.
 */
export function newerDestinationRequest(url, body) {
  if (url.startsWith("/oauth/token")) {
    return { kind: "google_token", ids: [], answer: { access_token: "ya29.bench", expires_in: 3599 } };
  }
  const match = /^\/dest\/([a-z_]+)\//.exec(url) ?? /^\/dest\/([a-z_]+)$/.exec(url);
  const accepted = match && NEWER_DESTINATIONS[match[1]];
  if (!accepted) return undefined;
  const ids = CONVERSION_IDS[match[1]](body);
  return { kind: match[1], ids, answer: accepted(ids) };
}
