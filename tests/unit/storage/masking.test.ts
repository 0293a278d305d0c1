import { maskLikeDatabend, maskedMatches } from "../../../provider/storage/masking";

describe("maskLikeDatabend", () => {
  it.each([
    ["AKIAIOSFODNN7EXAMPLE", "AK***LE"],
    ["abcde", "ab***de"],
    ["abcd", "***"],
    ["abc", "***"],
    ["", "***"],
    ["https://s3.amazonaws.com", "ht***om"],
    ["日本語のテキスト", "日本***スト"],
    ["🔑🔑x🗝🗝", "🔑🔑***🗝🗝"],
  ])("masks %j as %j", (value, masked) => {
    expect(maskLikeDatabend(value)).toBe(masked);
  });
});

describe("maskedMatches", () => {
  const plain = "AKIAIOSFODNN7EXAMPLE";

  it.each<[string, string, string]>([
    ["the current format (first 2 + *** + last 2)", plain, "AK***LE"],
    ["the pre-1.2.919 format (****** + last 3)", plain, "******PLE"],
    ["the pre-1.2.919 format of a 4-character value", "abcd", "******bcd"],
    ["*** for a value of 4 characters", "abcd", "***"],
    ["*** for a value of 1 character", "a", "***"],
    ["a short value the engine shows in clear", "eu1", "eu1"],
    ["an unmasked value", plain, plain],
    ["a unicode value in the current format", "日本語のテキスト", "日本***スト"],
  ])("accepts %s", (_what, value, masked) => {
    expect(maskedMatches(value, masked)).toBe(true);
  });

  it.each<[string, string, string]>([
    ["other leading characters in the current format", plain, "ZZ***LE"],
    ["other trailing characters in the current format", plain, "AK***ZZ"],
    ["other trailing characters in the old format", plain, "******XYZ"],
    ["another value in clear", "eu1", "eu2"],
    ["a longer value in clear", "eu1", "eu-west-1"],
  ])("rejects %s", (_what, value, masked) => {
    expect(maskedMatches(value, masked)).toBe(false);
  });

  it("cannot tell apart two values with the same visible ends (masking hides the rest)", () => {
    expect(maskedMatches("AKIAOTHERKEYEXAMPLE", "AK***LE")).toBe(true);
  });

  // Minor bug: masking.ts:21 accepts any all-star mask (`old[1] === ""`). In the current format `***` means the
  // server's value has at most 4 characters, and the old format never produced it for longer values, so a
  // 20-character value replaced outside Pulumi by a short one does not show as drift.
  it("rejects *** for a value longer than 4 characters", () => {
    expect(maskedMatches(plain, "***")).toBe(false);
  });
});
