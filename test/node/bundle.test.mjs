import { describe, expect, it } from "vitest";
import { measureBundle } from "../../scripts/bench/bundle-size.mjs";

describe("the Worker bundle (wrangler deploy --dry-run)", () => {
  it("leaves out zod's locales but English, and stays under its budget", () => {
    const bundle = measureBundle();
    const locales = bundle.inputs.filter((input) => input.includes("node_modules/zod/v4/locales/"));
    // `import { z } from "zod"` makes esbuild keep every locale (zod issue #6050): 1,176 KiB then.
    expect(locales, 'zod locales in the bundle: import zod as `import * as z from "zod"`').toEqual([
      "node_modules/zod/v4/locales/en.js",
    ]);
    // 729 KiB with GA4 and Meta; six more destinations and the checkout pixel brought it to about
    // 853 KiB (214 KiB gzipped; Workers Free takes 3 MB gzipped). The budget catches a zod-locale slip.
    expect(bundle.uploadKiB).toBeLessThan(900);
  }, 120_000);
});
