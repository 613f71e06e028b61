export { DATA_MANAGER_SCOPE } from "./auth";
export { classifyGoogleAdsResponse } from "./classify";
export { googleAds, googleAdsEnabled } from "./deliver";
export { serviceAccountAssertion } from "./jwt";
export { googleAdsTransactionId, toGoogleAdsEvent, toIngestRequest } from "./payload";
export { GoogleTokens, googleTokens, type TokenResult } from "./token";
export type { DataManagerEvent, IngestEventsRequest } from "./types";
