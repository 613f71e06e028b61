import { describe, expect, it } from "vitest";
import { normalizeEmailForMicrosoft, normalizeEmailForReddit } from "../../src/lib/pii";
import { hashIdentity } from "../../src/sources/identity";

describe("normalizeEmailForReddit (Reddit, Manual Advanced Matching)", () => {
  it.each([
    // Reddit's own worked example.
    ["Al.ice$+Apple@Example.Com", "alice@example.com"],
    ["alice@example.com", "alice@example.com"],
    [" John.Doe+shop@GMail.com ", "johndoe@gmail.com"],
    ["o'brien-smith@example.co.uk", "obriensmith@example.co.uk"],
    ["+only@example.com", undefined],
    ["not an address", undefined],
    ["", undefined],
  ])("%j → %j", (raw, normalized) => {
    expect(normalizeEmailForReddit(raw)).toBe(normalized);
  });

  it("hashes Reddit's example to the digest Reddit publishes", async () => {
    const identity = await hashIdentity({ email: "Al.ice$+Apple@Example.Com" });
    expect(identity.reddit).toEqual({
      email: "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976",
    });
  });
});

describe("normalizeEmailForMicrosoft (UET Conversions API)", () => {
  it.each([
    [" John.Doe+Shop@Example.COM ", "johndoe@example.com"],
    ["first.last@outlook.com", "firstlast@outlook.com"],
    ["o'brien@example.com", "o'brien@example.com"],
    ["+x@example.com", undefined],
    ["", undefined],
  ])("%j → %j", (raw, normalized) => {
    expect(normalizeEmailForMicrosoft(raw)).toBe(normalized);
  });

  it("is left out of an identity without an e-mail", async () => {
    const identity = await hashIdentity({ phone: "+1 415 555 0123" });
    expect(identity.microsoft).toBeUndefined();
    expect(identity.reddit).toBeUndefined();
  });
});
