// What the Node side of the benchmarks needs from src/ and the test fixtures, bundled by
// esbuild into one ESM file (scripts/bench/bundle.mjs). Nothing here runs in the Worker.
export { loadConfig } from "../../src/config";
export { toGa4Payload } from "../../src/destinations/ga4";
export { toMetaEvent } from "../../src/destinations/meta";
export { sources } from "../../src/sources";
export { magentoOrder } from "../../test/fixtures/magento";
export { shopifyJson, shopifyOrder, shopifyRefund } from "../../test/fixtures/shopify";
export { phpJson, wooDate, wooOrder } from "../../test/fixtures/woocommerce";
