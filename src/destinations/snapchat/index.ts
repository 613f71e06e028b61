export { classifySnapResponse, parseSnapAnswer } from "./classify";
export { snapchat, snapchatEnabled } from "./deliver";
export { snapActionSource, toSnapEvent } from "./payload";
export type { SnapActionSource, SnapEvent } from "./types";
