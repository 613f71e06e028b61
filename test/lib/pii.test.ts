import { describe, expect, it } from "vitest";
import {
  normalizeCityForMeta,
  normalizeCountryForGa4,
  normalizeCountryForMeta,
  normalizeEmailForGa4,
  normalizeEmailForMeta,
  normalizeNameForGa4,
  normalizeNameForMeta,
  normalizePhoneE164,
  normalizePhoneForMeta,
  normalizeRegionForMeta,
  normalizeStreetForGa4,
  normalizeZipForMeta,
} from "../../src/lib/pii";
import { hashIdentity } from "../../src/sources/identity";

/** SHA-256 hex computed here, independently of the code under test. */
async function digest(text: string): Promise<string> {
  const bytes = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("Meta normalization", () => {
  it.each([
    [" John.Doe@Example.COM ", "john.doe@example.com"],
    ["JANE+shop@mail.example", "jane+shop@mail.example"],
    ["not-an-email", undefined],
    ["   ", undefined],
    [null, undefined],
  ])("email %j → %j", (input, expected) => {
    expect(normalizeEmailForMeta(input)).toBe(expected);
  });

  it.each([
    ["(555) 555-0100", "US", "15555550100"],
    ["555.555.0100", "United States", "15555550100"],
    ["+1 555-555-0100", undefined, "15555550100"],
    ["1 (555) 555-0100", "US", "15555550100"],
    ["011 44 20 7946 0958", "US", "442079460958"],
    ["020 7946 0958", "GB", "442079460958"],
    ["0044 20 7946 0958", undefined, "442079460958"],
    ["+44 (0)20 7946 0958", "GB", "442079460958"],
    ["0151 2345 6789", "Germany", "4915123456789"],
    ["49 151 2345 6789", "DE", "4915123456789"],
    ["06 1234 5678", "IT", "390612345678"],
    ["555-555-0100", undefined, undefined],
    ["555 0100", "US", undefined],
    ["n/a", "US", undefined],
    ["  ", "US", undefined],
  ])("phone %j (country %j) → %j", (input, country, expected) => {
    expect(normalizePhoneForMeta(input, country)).toBe(expected);
  });

  it.each([
    ["  Zoë ", "zoë"],
    ["Zoe\u0308", "zoë"],
    ["O'Brien-Smith", "obriensmith"],
    ["José  María", "josé maría"],
    ["Dr. J.", "dr j"],
    ["\t", undefined],
  ])("name %j → %j", (input, expected) => {
    expect(normalizeNameForMeta(input)).toBe(expected);
  });

  it.each([
    ["San Francisco", "sanfrancisco"],
    ["St. Louis", "stlouis"],
    [" München ", "münchen"],
    ["", undefined],
  ])("city %j → %j", (input, expected) => {
    expect(normalizeCityForMeta(input)).toBe(expected);
  });

  it.each([
    ["California", "US", "ca"],
    ["CA", "US", "ca"],
    ["new york", undefined, "ny"],
    ["District of Columbia", "USA", "dc"],
    ["Île-de-France", "FR", "îledefrance"],
    ["Ontario", "CA", "ontario"],
    ["Greater London", "United Kingdom", "greaterlondon"],
    [" ", "US", undefined],
  ])("state %j (country %j) → %j", (input, country, expected) => {
    expect(normalizeRegionForMeta(input, country)).toBe(expected);
  });

  it.each([
    ["94103-1234", "US", "94103"],
    ["94103 1234", "us", "94103"],
    ["941031234", undefined, "94103"],
    ["02139", "US", "02139"],
    ["SW1A 1AA", "GB", "sw1a1aa"],
    ["10115", "DE", "10115"],
    ["", "US", undefined],
  ])("zip %j (country %j) → %j", (input, country, expected) => {
    expect(normalizeZipForMeta(input, country)).toBe(expected);
  });

  it.each([
    ["US", "us"],
    ["United States", "us"],
    ["United States of America", "us"],
    ["U.S.A.", "us"],
    ["de", "de"],
    ["Deutschland", "de"],
    ["UK", "gb"],
    ["Great Britain", "gb"],
    ["México", "mx"],
    ["Türkiye", "tr"],
    ["FRA", "fr"],
    ["Korea, Republic of", "kr"],
    ["xx", undefined],
    ["Narnia", undefined],
    ["  ", undefined],
  ])("country %j → %j", (input, expected) => {
    expect(normalizeCountryForMeta(input)).toBe(expected);
  });
});

describe("GA4 normalization", () => {
  it.each([
    [" John.Doe@Example.COM ", "john.doe@example.com"],
    ["John.Doe@GMail.com ", "johndoe@gmail.com"],
    ["j.o.doe+shop@googlemail.com", "jodoe+shop@googlemail.com"],
    ["", undefined],
  ])("email %j → %j", (input, expected) => {
    expect(normalizeEmailForGa4(input)).toBe(expected);
  });

  it.each([
    ["(555) 555-0100", "US", "+15555550100"],
    ["+1 555-555-0100", undefined, "+15555550100"],
    ["020 7946 0958", "GB", "+442079460958"],
    ["0044 20 7946 0958", undefined, "+442079460958"],
    ["5550100", undefined, undefined],
  ])("phone %j (country %j) → %j", (input, country, expected) => {
    expect(normalizePhoneE164(input, country)).toBe(expected);
  });

  it.each([
    ["  Zoë2 ", "zoë"],
    ["Anne-Marie", "annemarie"],
    ["  ", undefined],
  ])("name %j → %j", (input, expected) => {
    expect(normalizeNameForGa4(input)).toBe(expected);
  });

  it.each([
    ["123 Main St., Apt #4", "123 main st apt 4"],
    [" Königstraße 12 ", "königstraße 12"],
  ])("street %j → %j", (input, expected) => {
    expect(normalizeStreetForGa4(input)).toBe(expected);
  });

  it.each([
    ["Germany", "DE"],
    ["us", "US"],
    ["Korea, Republic of", "KR"],
    ["Côte d'Ivoire", "CI"],
    ["XX", undefined],
    ["Atlantis", undefined],
  ])("country %j → %j", (input, expected) => {
    expect(normalizeCountryForGa4(input)).toBe(expected);
  });
});

describe("hashIdentity", () => {
  it("hashes each identifier as each destination normalizes it", async () => {
    const identity = await hashIdentity({
      email: " John.Doe@GMail.COM ",
      phone: "(555) 555-0100",
      firstName: " Zoë ",
      lastName: "O'Brien",
      street: "123 Main St.",
      city: "San Francisco",
      region: "California",
      postalCode: "94103-1234",
      country: "United States",
      externalId: " 7421 ",
    });
    expect(identity).toEqual({
      meta: {
        em: await digest("john.doe@gmail.com"),
        ph: await digest("15555550100"),
        fn: await digest("zoë"),
        ln: await digest("obrien"),
        ct: await digest("sanfrancisco"),
        st: await digest("ca"),
        zp: await digest("94103"),
        country: await digest("us"),
        external_id: await digest("7421"),
      },
      ga4: {
        email: await digest("johndoe@gmail.com"),
        phone: await digest("+15555550100"),
        firstName: await digest("zoë"),
        lastName: await digest("obrien"),
        street: await digest("123 main st"),
        country: "US",
      },
      reddit: { email: await digest("johndoe@gmail.com") },
      microsoft: { em: await digest("johndoe@gmail.com") },
    });
  });

  it("omits empty and whitespace-only values instead of hashing them", async () => {
    const identity = await hashIdentity({
      email: "   ",
      phone: "",
      firstName: null,
      lastName: "\t",
      street: " ",
      city: "",
      region: "  ",
      postalCode: undefined,
      country: " ",
      externalId: "",
    });
    expect(identity).toEqual({ ga4: {}, meta: {} });
  });

  it("omits a phone with no country code and no country to infer one", async () => {
    const identity = await hashIdentity({ email: "a@b.example", phone: "555-555-0100" });
    expect(identity.meta).toEqual({ em: await digest("a@b.example") });
    expect(identity.ga4).toEqual({ email: await digest("a@b.example") });
  });
});
