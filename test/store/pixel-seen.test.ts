import { describe, expect, it } from "vitest";
import { markPixelSeen, pixelSeenShops } from "../../src/store/pixel-seen";

/** A KV namespace that only counts reads and holds what is put. */
function countingKv() {
  const values = new Map<string, string>();
  const kv = {
    reads: 0,
    async get(key: string) {
      kv.reads++;
      return values.get(key) ?? null;
    },
    async put(key: string, value: string) {
      values.set(key, value);
    },
  };
  return kv;
}

describe("the pixel-seen marker", () => {
  it("reads KV at most once a minute per shop and isolate, and knows a post it took at once", async () => {
    const kv = countingKv();
    const namespace = kv as unknown as KVNamespace;
    const t0 = 1_800_000_000_000;
    expect(await pixelSeenShops(namespace, ["quiet.example", "quiet.example"], t0)).toEqual(new Set());
    expect(kv.reads).toBe(1);
    // A purchase a second later: no read, the isolate remembers "no pixel" for a minute.
    expect(await pixelSeenShops(namespace, ["quiet.example"], t0 + 1_000)).toEqual(new Set());
    expect(kv.reads).toBe(1);
    // A post this isolate takes counts at once, without a read.
    await markPixelSeen(namespace, "quiet.example", t0 + 2_000);
    expect(await pixelSeenShops(namespace, ["quiet.example"], t0 + 3_000)).toEqual(
      new Set(["quiet.example"]),
    );
    expect(kv.reads).toBe(1);
    // A minute on, KV is asked again (another isolate may have seen a post, or the day may be over).
    expect(await pixelSeenShops(namespace, ["quiet.example"], t0 + 63_000)).toEqual(
      new Set(["quiet.example"]),
    );
    expect(kv.reads).toBe(2);
  });
});
