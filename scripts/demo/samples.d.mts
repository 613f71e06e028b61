export interface DemoSample {
  name: string;
  source: "shopify" | "woocommerce" | "magento";
  topic: string;
  shop: string;
  body: string;
  expect: "accepted" | "duplicate";
  eventIds: string[];
}
export function demoSamples(now?: Date): DemoSample[];
export function sampleHeaders(sample: DemoSample, signature: string): Record<string, string>;
export const DEMO_SHOPS: { SHOPIFY_SHOP: string; WOOCOMMERCE_URL: string; MAGENTO_URL: string };
export const SECRET_NAMES: Record<DemoSample["source"], string>;
export function withoutClock<T>(body: T): T;
