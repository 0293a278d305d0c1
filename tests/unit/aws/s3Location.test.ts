import { bucketNameProblem, normalizePrefix, stageUrlFor } from "../../../provider/aws/s3Location";

describe("normalizePrefix", () => {
  it.each([
    [undefined, ""],
    ["", ""],
    ["/", ""],
    ["///", ""],
    ["data", "data/"],
    ["data/", "data/"],
    ["/data", "data/"],
    ["/data/", "data/"],
    ["data/2024/raw", "data/2024/raw/"],
    ["data/2024/raw/", "data/2024/raw/"],
    ["files with spaces/ünïcode", "files with spaces/ünïcode/"],
    ["a-b_c.d+e=f@g", "a-b_c.d+e=f@g/"],
  ])("normalises %j to %j", (input, expected) => {
    expect(normalizePrefix(input)).toEqual({ prefix: expected });
  });

  it.each([
    ["data*", /must not contain \* or \?: IAM reads them as wildcards/],
    ["data/*", /wildcards/],
    ["da?a/", /wildcards/],
    ["data/${aws:username}/", /must not contain \$/],
    ["a//b", /empty segments/],
    ["a/../b", /\. or \.\. segments/],
    ["./a", /\. or \.\. segments/],
    ["a\nb", /control characters/],
    ["s3://bucket/data/", /not a URL/],
    ["x".repeat(1023), /at most 1023 bytes/],
  ])("refuses %j", (input, reason) => {
    const r = normalizePrefix(input);
    expect("reason" in r && r.reason).toMatch(reason);
  });

  it("keeps a trailing slash from letting a sibling folder in (data does not match data-private)", () => {
    const r = normalizePrefix("data");
    expect(r).toEqual({ prefix: "data/" });
    expect("data-private/x".startsWith((r as { prefix: string }).prefix)).toBe(false);
  });
});

describe("bucketNameProblem", () => {
  it.each(["my-data", "abc", "a.b.c", "data-2024", "x".repeat(63)])("accepts %s", (b) => {
    expect(bucketNameProblem(b)).toBeUndefined();
  });

  it.each([
    ["ab", /3 to 63/],
    ["x".repeat(64), /3 to 63/],
    ["My-Data", /lowercase/],
    ["s3://my-data", /lowercase letters, digits, dots and hyphens/],
    ["my_data", /lowercase letters/],
    ["my*data", /lowercase letters/],
    ["-data", /start and end/],
    ["data-", /start and end/],
    ["a..b", /adjacent dots/],
    ["192.168.1.1", /IP address/],
    ["xn--data", /xn--/],
    ["data-s3alias", /-s3alias/],
    ["data--x-s3", /directory buckets/],
  ])("refuses %j", (b, reason) => {
    expect(bucketNameProblem(b)).toMatch(reason);
  });
});

describe("stageUrlFor", () => {
  it("joins bucket and normalised prefix", () => {
    expect(stageUrlFor("b", "")).toBe("s3://b/");
    expect(stageUrlFor("b", "raw/")).toBe("s3://b/raw/");
  });
});
