import { describe, expect, it } from "vitest";
import { normalizeEmailForGoogleAds } from "../../src/lib/pii";
import { hashIdentity } from "../../src/sources/identity";

const digest = async (text: string) =>
  [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");

describe("Google Ads' e-mail normalization (Data Manager, 'Format user data')", () => {
  it.each([
    // The guide's own examples.
    ["cloudy.sanfrancisco+shopping@gmail.com", "cloudysanfrancisco@gmail.com"],
    ["user.name+NYC@Example.com", "user.name+nyc@example.com"],
    [" John.Doe@GMail.COM ", "johndoe@gmail.com"],
    ["j.doe+x@googlemail.com", "jdoe@googlemail.com"],
    ["+only@gmail.com", "+only@gmail.com"],
    ["   ", undefined],
  ])("%j → %j", (input, expected) => {
    expect(normalizeEmailForGoogleAds(input)).toBe(expected);
  });

  it("hashes a Gmail address with a +tag apart for Google Ads, and nothing apart otherwise", async () => {
    const tagged = await hashIdentity({ email: "Cloudy.SanFrancisco+shopping@gmail.com" });
    expect(tagged.ga4.email).toBe(await digest("cloudysanfrancisco+shopping@gmail.com"));
    expect(tagged.googleAds).toEqual({ email: await digest("cloudysanfrancisco@gmail.com") });
    const plain = await hashIdentity({ email: "john.doe@gmail.com" });
    expect(plain.googleAds).toBeUndefined();
  });
});
