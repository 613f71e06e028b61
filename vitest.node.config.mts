import { defineConfig } from "vitest/config";

// Tests that run in Node rather than workerd: the setup scripts against fake shop servers,
// and the browser test that drives Chromium against `wrangler dev`.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/node/**/*.test.mjs", "test/browser/**/*.test.mjs"],
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
