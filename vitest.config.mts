import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";
import { splitSqlStatements } from "./scripts/sql.mjs";

const sqlOf = (path: string) => splitSqlStatements(readFileSync(new URL(path, import.meta.url), "utf8"));

export default defineConfig(async () => {
  // The tests build D1 as production does, from migrations/ (test/setup.ts applies them);
  // test/store/migrations.test.ts checks them against schema.sql and the schemas of earlier releases.
  const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));
  // The pool reads .dev.vars like `wrangler dev` does; a developer's local settings must not
  // change what the tests see, so every name in it is blanked (blank means unset to the config).
  const devVars = new URL("./.dev.vars", import.meta.url);
  const localNames = existsSync(devVars)
    ? [...readFileSync(devVars, "utf8").matchAll(/^\s*([A-Z0-9_]+)\s*=/gm)].map(([, name]) => name)
    : [];
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...Object.fromEntries(localNames.map((name) => [name, ""])),
            TEST_MIGRATIONS: migrations,
            TEST_SCHEMA: sqlOf("./schema.sql"),
            TEST_RELEASED_SCHEMAS: {
              // 0001 is 0.1.0's schema.sql statement for statement: run raw, it is that release's database.
              "0.1.0": sqlOf("./migrations/0001_initial.sql"),
              "before WITHOUT ROWID": sqlOf("./test/fixtures/schema/released-before-without-rowid.sql"),
            },
            SHOPIFY_WEBHOOK_SECRET: "shopify-test-secret-old,shopify-test-secret",
            WOOCOMMERCE_WEBHOOK_SECRET: "woocommerce-test-secret-old,woocommerce-test-secret",
            MAGENTO_WEBHOOK_SECRET: "magento-test-secret",
            SHOPIFY_SHOP: "relay-test.myshopify.com",
            WOOCOMMERCE_URL: "https://shop.example/",
            MAGENTO_URL: "https://magento.example/",
            GA4_MEASUREMENT_ID: "G-TEST123",
            GA4_API_SECRET: "ga4-test-api-secret",
            GA4_ENDPOINT: "https://ga4.test/mp/collect",
            META_PIXEL_ID: "1234567890",
            META_ACCESS_TOKEN: "meta-test-access-token",
            META_ENDPOINT: "https://meta.test",
            ADMIN_TOKEN: "test-admin-token-0123456789abcdef",
          },
          // Scratch databases for the schema checks, apart from the suite's DB.
          d1Databases: { SCHEMA_FROM_FILE: "schema-from-file", SCHEMA_MIGRATED: "schema-migrated" },
          queueConsumers: { "tagrelay-events": { maxBatchTimeout: 0.05 } },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup.ts"],
      // These run in Node (vitest.node.config.mts), not in workerd.
      exclude: [...configDefaults.exclude, "test/node/**", "test/browser/**"],
    },
  };
});
