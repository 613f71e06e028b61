import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { placeholderIds } from "../../scripts/deploy.mjs";

describe("npm run deploy", () => {
  it("spots the placeholder ids of a fresh clone, and passes real ones", () => {
    const shipped = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    expect(placeholderIds(shipped)).toEqual(["id", "database_id"]);
    const filled = shipped
      .replace(/"0{32}"/, '"3f1c2e4d5a6b7c8d9e0f1a2b3c4d5e6f"')
      .replace(/"00000000-0000-0000-0000-000000000000"/, '"6f0e1d2c-3b4a-5968-7a8b-9c0d1e2f3a4b"');
    expect(placeholderIds(filled)).toEqual([]);
  });
});
