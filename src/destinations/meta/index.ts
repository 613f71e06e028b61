export { type MetaActionSource, metaActionSource } from "./action-source";
export { classifyMetaResponse } from "./classify";
export { meta } from "./deliver";
export { metaEventId } from "./event-id";
export { type GraphError, parseGraphError } from "./graph-error";
export { toMetaEvent } from "./payload";
export type { MetaServerEvent, MetaUserData } from "./types";
export { type Validation, validateMetaEvent } from "./validate";
