import { ga4 } from "./ga4";
import { googleAds } from "./google_ads";
import { meta } from "./meta";
import { microsoft } from "./microsoft";
import { pinterest } from "./pinterest";
import { reddit } from "./reddit";
import { snapchat } from "./snapchat";
import { tiktok } from "./tiktok";
import type { Destination } from "./types";
import { skippingZeroRefunds } from "./zero-refunds";

/**
 * Every destination, in the order the consumer tries them; each one decides whether it is enabled.
 * Policies that hold for every destination alike wrap them here, once.
 */
export const DESTINATIONS: readonly Destination[] = [
  ga4,
  meta,
  googleAds,
  tiktok,
  pinterest,
  snapchat,
  reddit,
  microsoft,
].map(skippingZeroRefunds);
