import { maskBefore1_2_919, maskLikeDatabend } from "../../../provider/storage/masking";
import { parseStorageParamsDisplay } from "../../../provider/storage/storageParamsDisplay";
import { sqlKeysOf } from "../../../provider/storage/storageSpecs";

const S3_KEYS = sqlKeysOf("s3");

/** Databend's rendering: `key=value` pairs sorted by key, joined by one space, values verbatim. */
function render(params: Record<string, string>, mask: (v: string) => string): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${mask(params[k] as string)}`)
    .join(" ");
}

describe("parseStorageParamsDisplay with the storage type's keys", () => {
  it.each([
    [
      "a space inside a value (pre-1.2.919 mask)",
      "access_key_id=******r 2 region=***",
      { access_key_id: "******r 2", region: "***" },
    ],
    [
      "a space inside a value (current mask)",
      "access_key_id=et*** 2 region=us***-1",
      { access_key_id: "et*** 2", region: "us***-1" },
    ],
    [
      "a value ending in a space (two spaces before the next key)",
      "endpoint_url=******ab  region=***",
      { endpoint_url: "******ab ", region: "***" },
    ],
    [
      "a value that is only spaces, shown in clear",
      "access_key_id=    region=eu1",
      { access_key_id: "   ", region: "eu1" },
    ],
    ["an empty value", "access_key_id= region=eu1", { access_key_id: "", region: "eu1" }],
    [
      "a value that looks like the next key",
      "access_key_id=******n=x region=***",
      { access_key_id: "******n=x", region: "***" },
    ],
    [
      "a value holding ' region=' (current mask)",
      "endpoint_url=x ***n= region=eu***-1",
      { endpoint_url: "x ***n=", region: "eu***-1" },
    ],
    [
      "a tab, a line break, quotes and a backslash",
      "region=a\t***\n'\\ session_token=***",
      { region: "a\t***\n'\\", session_token: "***" },
    ],
    [
      "multi-byte characters",
      "region=日本***スト secret_access_key=******€",
      { region: "日本***スト", secret_access_key: "******€" },
    ],
    [
      "an alias key",
      "aws_key_id=AK***LE aws_secret_key=wJ***EY",
      { aws_key_id: "AK***LE", aws_secret_key: "wJ***EY" },
    ],
    ["upper-case keys", "ACCESS_KEY_ID=AK***LE REGION=***", { access_key_id: "AK***LE", region: "***" }],
    [
      "a key this package does not know",
      "access_key_id=AK***LE allow_anonymous=******rue region=***",
      { access_key_id: "AK***LE", allow_anonymous: "******rue", region: "***" },
    ],
    [
      "an unmasked value with spaces (a server that does not mask)",
      "region=eu west 1 role_arn=arn:aws:iam::1:role/x",
      { region: "eu west 1", role_arn: "arn:aws:iam::1:role/x" },
    ],
  ])("reads %s", (_what, text, expected) => {
    expect(parseStorageParamsDisplay(text, S3_KEYS)).toEqual(expected);
  });

  it("reads nothing from an empty column", () => {
    expect(parseStorageParamsDisplay("", S3_KEYS)).toEqual({});
  });

  // Seeded so that a failure is reproducible: values of 0 to 12 characters from an alphabet of
  // spaces, tabs, line breaks, quotes, backslashes, '=' and multi-byte characters, in every s3 key.
  it("reads back every value of 500 random parameter sets, masked by either generation", () => {
    const alphabet = [..."ab= '\"\\\t\nzé€日🔑*"];
    let seed = 21;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const gens: [string, (v: string) => string | undefined][] = [
      ["current", maskLikeDatabend],
      ["pre-1.2.919", maskBefore1_2_919],
    ];
    const keys = ["access_key_id", "endpoint_url", "region", "secret_access_key", "session_token"];
    for (let i = 0; i < 500; i++) {
      const params: Record<string, string> = {};
      for (const k of keys) {
        if (next(3) === 0) continue;
        params[k] = Array.from({ length: next(13) }, () => alphabet[next(alphabet.length)]).join("");
      }
      for (const [gen, mask] of gens) {
        const masked = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, mask(v)]));
        if (Object.values(masked).some((v) => v === undefined)) continue; // the server would fail instead
        const text = render(masked as Record<string, string>, (v) => v);
        expect([gen, text, parseStorageParamsDisplay(text, S3_KEYS)]).toEqual([gen, text, masked]);
      }
    }
  });
});

describe("parseStorageParamsDisplay without keys (whitespace-separated tokens)", () => {
  it("reads simple pairs", () => {
    expect(parseStorageParamsDisplay("a=1 b=2")).toEqual({ a: "1", b: "2" });
  });
});
