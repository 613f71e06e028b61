import { ga4 } from "./ga4";
import { meta } from "./meta";
import type { Destination } from "./types";

/** Every destination, in the order the consumer tries them; each one decides whether it is enabled. */
export const DESTINATIONS: readonly Destination[] = [ga4, meta];
