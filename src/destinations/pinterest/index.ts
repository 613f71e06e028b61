export { classifyPinterestResponse } from "./classify";
export { pinterest, pinterestEnabled } from "./deliver";
export { pinterestActionSource, toPinterestEvent } from "./payload";
export type { PinterestBody, PinterestEvent } from "./types";
export { validatePinterestEvent } from "./validate";
