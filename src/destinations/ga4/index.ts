export { classifyGa4Response } from "./classify";
export { ga4ClientId } from "./client-id";
export { ga4 } from "./deliver";
export { toGa4Payload } from "./payload";
export type { Ga4Body, Ga4Payload } from "./types";
