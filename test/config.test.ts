import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config";

describe("configuration", () => {
  it("reads a blank setting as unset, whatever its type", () => {
    const result = loadConfig({ DESTINATIONS_MODE: "", MAX_BODY_BYTES: " ", SHOPIFY_WEBHOOK_SECRET: "" });
    expect(result.ok && result.config.DESTINATIONS_MODE).toBe("live");
    expect(result.ok && result.config.MAX_BODY_BYTES).toBe(1024 * 1024);
    expect(result.ok && result.config.SHOPIFY_WEBHOOK_SECRET).toEqual([]);
  });

  it("splits comma-separated secrets for rotation", () => {
    const result = loadConfig({ SHOPIFY_WEBHOOK_SECRET: " new , old ,," });
    expect(result.ok && result.config.SHOPIFY_WEBHOOK_SECRET).toEqual(["new", "old"]);
  });

  it("names the setting that is wrong", () => {
    const result = loadConfig({ DESTINATIONS_MODE: "dryrun", MAX_BODY_BYTES: "-5" });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.join("\n")).toMatch(/DESTINATIONS_MODE/);
      expect(result.problems.join("\n")).toMatch(/MAX_BODY_BYTES/);
    }
  });
});
