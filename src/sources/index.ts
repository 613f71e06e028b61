import { shopify } from "./shopify";
import type { WebhookSource } from "./types";

/** Every source, by the name in its route: `POST /webhooks/<name>`. */
export const sources: Record<string, WebhookSource> = { shopify };
