export { classifyUetResponse } from "./classify";
export { microsoft, microsoftEnabled } from "./deliver";
export { adStorageConsent, toUetEvent } from "./payload";
export type { UetEvent } from "./types";
