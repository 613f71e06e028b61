export { parseTikTokAnswer } from "./answer";
export { classifyTikTokResponse } from "./classify";
export { tiktok, tiktokEnabled } from "./deliver";
export { toTikTokBody, toTikTokEvent } from "./payload";
export type { TikTokBody, TikTokEvent } from "./types";
