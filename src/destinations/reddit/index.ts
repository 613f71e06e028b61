export { classifyRedditResponse } from "./classify";
export { reddit, redditEnabled } from "./deliver";
export { redditActionSource, toRedditEvent } from "./payload";
export type { RedditActionSource, RedditEvent } from "./types";
