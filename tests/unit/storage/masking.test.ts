import {
  looksMasked,
  maskBefore1_2_919,
  maskLikeDatabend,
  maskSplitsCharacter,
  maskedMatches,
} from "../../../provider/storage/masking";

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

// What Databend 1.2.453, 1.2.810 and 1.2.895 print (checked on each engine): by bytes, the value in
// clear up to 3 bytes, else six stars and the last 3 bytes; a panic when those cut a character.
describe("maskBefore1_2_919", () => {
  it.each([
    ["", ""],
    ["ab", "ab"],
    ["x y", "x y"],
    ["\u00e9a", "\u00e9a"],
    ["\u20ac", "\u20ac"],
    ["abcd", "******bcd"],
    ["etl user 2", "******r 2"],
    ["abcdef\u00e9z", "******\u00e9z"],
    ["abcdef\u20ac", "******\u20ac"],
    ["a 'q\"\\", '******q"\\'],
    ["line\nbreak\t", "******ak\t"],
  ])("masks %j as %j", (value, masked) => {
    expect(maskBefore1_2_919(value)).toBe(masked);
  });

  it.each([["gar\u00e7on"], ["abcdef\u{1f511}"], ["\u{1f511}"], ["abcdef\u00e9\u00e9"], ["abc\u20acz"]])(
    "cannot mask %j: its last 3 bytes start inside a character (the server fails with 1001)",
    (value) => {
      expect(maskBefore1_2_919(value)).toBeUndefined();
      expect(maskSplitsCharacter(value)).toBe(true);
    },
  );

  it("splits no character of ASCII values, or of values ending in 3 whole bytes", () => {
    for (const v of [
      "",
      "a",
      "abc",
      "garcon",
      "a\u00e9bcdef",
      "\u20acbcdef",
      "\u00e9t\u00e9",
      "Ren\u00e9e",
    ]) {
      expect(maskSplitsCharacter(v)).toBe(false);
    }
  });
});

describe("maskedMatches with any character in the visible part", () => {
  it.each([
    ["a space", "etl user 2"],
    ["quotes and a backslash", "user 'a\" \\b"],
    ["a tab and a line break", "ab\tcd\nef"],
    ["an = and multi-byte characters", "k=\u00e9\u20ac\u65e5x=1"],
    ["stars", "**********"],
  ])("matches both generations' masks of a value with %s", (_what, value) => {
    expect(maskedMatches(value, maskLikeDatabend(value))).toBe(true);
    expect(maskedMatches(value, maskBefore1_2_919(value) as string)).toBe(true);
  });

  it.each([
    ["a changed last character", "etl user 2", "******r 3"],
    ["a space removed", "etl user 2", "******r2"],
    ["a changed first character", "etl user 2", "Et*** 2"],
    ["a longer clear value", "x y", "x y "],
    ["the old mask of a 3-byte value", "x y", "******x y"],
  ])("rejects %s", (_what, value, masked) => {
    expect(maskedMatches(value, masked)).toBe(false);
  });
});

describe("looksMasked", () => {
  it.each([
    ["***"],
    ["ab***yz"],
    ["a ***\t\n"],
    ["\u{1f511}\u{1f511}***\u{1f511}\u{1f511}"],
    ["******r 2"],
    ["******\u20ac"],
    ["******\u00e9z"],
    [""],
    ["x y"],
  ])("accepts %j", (value) => {
    expect(looksMasked(value)).toBe(true);
  });

  it.each([["abcd"], ["******"], ["******abcd"], ["ab***y"], ["eu-west-1"], ["x region=***"]])(
    "rejects %j",
    (value) => {
      expect(looksMasked(value)).toBe(false);
    },
  );
});
