import { ga4 } from "./ga4";
import { meta } from "./meta";
import { microsoft } from "./microsoft";
import { reddit } from "./reddit";
import { snapchat } from "./snapchat";
import type { Destination } from "./types";
import { skippingZeroRefunds } from "./zero-refunds";

/**
 * Every destination, in the order the consumer tries them; each one decides whether it is enabled.
 * Policies that hold for every destination alike wrap them here, once.
 */
export const DESTINATIONS: readonly Destination[] = [ga4, meta, snapchat, reddit, microsoft].map(
  skippingZeroRefunds,
);
