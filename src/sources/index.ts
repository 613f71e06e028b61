import type { SourceName } from "../model/statuses";
import { magento } from "./magento";
import { shopify } from "./shopify";
import type { WebhookSource } from "./types";
import { woocommerce } from "./woocommerce";

/** Every source, by the name in its route: `POST /webhooks/<name>`. */
export const sources: Record<string, WebhookSource> = {
  shopify,
  magento,
  woocommerce,
} satisfies Record<SourceName, WebhookSource>;
