import {
  FINGERPRINT_PREFIX,
  connectionFingerprint,
  fingerprintMatches,
  isFingerprint,
  isLegacyFingerprint,
  keepOrDeriveFingerprint,
  legacyConnectionFingerprint,
  saltOf,
} from "../../../provider/storage/fingerprint";
import type { StorageParams } from "../../../provider/storage/storageSpecs";

const keys: StorageParams = {
  accessKeyId: "AKIAEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI",
  region: "us-east-2",
};

const NAME = "toronto_conn";
const SALT = "00112233445566ff";

/** The fingerprint of `params` under the default name and a fixed salt, for brevity. */
function fp(params: StorageParams, name = NAME): string {
  return connectionFingerprint("s3", params, name, SALT);
}

describe("connectionFingerprint", () => {
  it("is 'v3:', its salt (16 hex), ':' and 24 lowercase hex characters", () => {
    expect(FINGERPRINT_PREFIX).toBe("v3:");
    expect(fp(keys)).toMatch(/^v3:00112233445566ff:[0-9a-f]{24}$/);
    expect(saltOf(fp(keys))).toBe(SALT);
    expect(isFingerprint(fp(keys))).toBe(true);
  });

  it("is stable for the same salt, type, parameters and name", () => {
    expect(fp(keys)).toBe(fp({ ...keys }));
  });

  it("draws a random salt when none is given: equal parameters and name in two stacks do not look equal", () => {
    const a = connectionFingerprint("s3", keys, NAME);
    const b = connectionFingerprint("s3", keys, NAME);
    expect(a).not.toBe(b);
    expect(saltOf(a)).not.toBe(saltOf(b));
    expect(a.slice(-24)).not.toBe(b.slice(-24));
    expect(fingerprintMatches(a, "s3", keys, NAME)).toBe(true);
    expect(fingerprintMatches(b, "s3", keys, NAME)).toBe(true);
  });

  it("is checked against parameters without keeping them (any format ever written)", () => {
    expect(fingerprintMatches(fp(keys), "s3", { ...keys }, NAME)).toBe(true);
    expect(fingerprintMatches(fp(keys), "s3", { ...keys, region: "eu-west-1" }, NAME)).toBe(false);
    expect(fingerprintMatches(fp(keys), "s3", keys, "other")).toBe(false);
    const legacy = legacyConnectionFingerprint("s3", keys);
    expect(fingerprintMatches(legacy, "s3", keys, NAME)).toBe(true);
    expect(fingerprintMatches("drifted", "s3", keys, NAME)).toBe(false);
    expect(fingerprintMatches(undefined, "s3", keys, NAME)).toBe(false);
  });

  it("compares a 0.2 fingerprint (v2:, salted with the type and name), and replaces it on the next change", () => {
    const crypto = jest.requireActual<typeof import("crypto")>("crypto");
    const canonical = JSON.stringify([
      "s3",
      [
        ["accessKeyId", "AKIAEXAMPLE"],
        ["region", "us-east-2"],
        ["secretAccessKey", "wJalrXUtnFEMI"],
      ],
    ]);
    const v2 =
      "v2:" +
      crypto
        .scryptSync(canonical, `pulumi-databend/connection/v2/s3/${NAME}`, 12, {
          N: 8192,
          r: 8,
          p: 1,
          maxmem: 64 << 20,
        })
        .toString("hex");
    expect(isFingerprint(v2)).toBe(true);
    expect(fingerprintMatches(v2, "s3", keys, NAME)).toBe(true);
    expect(keepOrDeriveFingerprint(v2, "s3", keys, NAME)).toBe(v2);
    const next = keepOrDeriveFingerprint(v2, "s3", { ...keys, region: "eu-west-1" }, NAME);
    expect(next).toMatch(/^v3:/);
  });

  it("keepOrDeriveFingerprint keeps what still matches and reuses the object's salt otherwise", () => {
    expect(keepOrDeriveFingerprint(fp(keys), "s3", { ...keys }, NAME)).toBe(fp(keys));
    const changed = keepOrDeriveFingerprint(fp(keys), "s3", { ...keys, region: "eu-west-1" }, NAME);
    expect(changed).toBe(fp({ ...keys, region: "eu-west-1" }));
    expect(saltOf(keepOrDeriveFingerprint(undefined, "s3", keys, NAME))).toMatch(/^[0-9a-f]{16}$/);
  });

  it("does not depend on the order of the keys", () => {
    const reversed: StorageParams = Object.fromEntries(Object.entries(keys).reverse());
    expect(fp(reversed)).toBe(fp(keys));
  });

  it.each<[string, StorageParams]>([
    ["a secret value", { ...keys, secretAccessKey: "rotated" }],
    ["a plain value", { ...keys, region: "eu-west-1" }],
    ["an added parameter", { ...keys, endpointUrl: "http://127.0.0.1:9000" }],
    [
      "a removed parameter",
      { accessKeyId: keys.accessKeyId as string, secretAccessKey: keys.secretAccessKey as string },
    ],
    ["a boolean", { ...keys, enableVirtualHostStyle: true }],
  ])("changes when %s changes", (_what, params) => {
    expect(fp(params)).not.toBe(fp(keys));
  });

  it("changes when a boolean flips", () => {
    expect(fp({ enableVirtualHostStyle: true })).not.toBe(fp({ enableVirtualHostStyle: false }));
  });

  it("changes with the storage type, even for the same parameters and name", () => {
    const p: StorageParams = { endpointUrl: "https://e", accessKeyId: "a", secretAccessKey: "s" };
    expect(connectionFingerprint("obs", p, NAME)).not.toBe(connectionFingerprint("s3", p, NAME));
  });

  it("changes with the Databend name, so equal secrets of two connections do not look equal", () => {
    expect(fp(keys, "montreal_conn")).not.toBe(fp(keys, NAME));
  });

  it("ignores keys that are not parameters of the type", () => {
    const extra = { ...keys, name: "toronto", adopt: "true", accountKey: "k" } as StorageParams;
    expect(fp(extra)).toBe(fp(keys));
  });

  it("does not contain a parameter value", () => {
    const v = "0123456789abcdef";
    expect(connectionFingerprint("gcs", { credential: v }, NAME)).not.toContain(v);
  });

  it("tells apart values that only a naive join would confuse", () => {
    expect(fp({ accessKeyId: "a", secretAccessKey: "b,c" })).not.toBe(
      fp({ accessKeyId: "a,b", secretAccessKey: "c" }),
    );
  });

  it("is memoised: the same input is derived with scrypt once per process", () => {
    const crypto = jest.requireActual<typeof import("crypto")>("crypto");
    const scrypt = jest.spyOn(crypto, "scryptSync");
    try {
      const params = { ...keys, secretAccessKey: `memo-${process.pid}-${Date.now()}` };
      const first = fp(params);
      const second = fp({ ...params });
      expect(second).toBe(first);
      expect(scrypt).toHaveBeenCalledTimes(1);
      // Memory-hard and salted with the random salt, the storage type and the Databend name; 12 bytes = 24 hex.
      expect(scrypt).toHaveBeenCalledWith(
        expect.any(String),
        expect.stringMatching(/\/00112233445566ff\/s3\/toronto_conn$/),
        12,
        expect.objectContaining({ N: 8192, r: 8, p: 1 }),
      );
      fp(params, "another_name");
      expect(scrypt).toHaveBeenCalledTimes(2);
    } finally {
      scrypt.mockRestore();
    }
  });
});

describe("legacyConnectionFingerprint (package 0.1 state)", () => {
  it("is 16 lowercase hex characters, recognised by isLegacyFingerprint", () => {
    const legacy = legacyConnectionFingerprint("s3", keys);
    expect(legacy).toMatch(/^[0-9a-f]{16}$/);
    expect(isLegacyFingerprint(legacy)).toBe(true);
  });

  it("keeps the 0.1 value, so state written by 0.1 can still be compared", () => {
    // sha256("pulumi-databend/connection/v1\n" + canonical JSON), first 16 hex: the 0.1 format.
    const { createHash } = jest.requireActual<typeof import("crypto")>("crypto");
    const canonical = JSON.stringify([
      "s3",
      [
        ["accessKeyId", "AKIAEXAMPLE"],
        ["region", "us-east-2"],
        ["secretAccessKey", "wJalrXUtnFEMI"],
      ],
    ]);
    const expected = createHash("sha256")
      .update("pulumi-databend/connection/v1\n")
      .update(canonical)
      .digest("hex")
      .slice(0, 16);
    expect(legacyConnectionFingerprint("s3", keys)).toBe(expected);
  });

  it("does not depend on a name and changes with the parameters", () => {
    expect(legacyConnectionFingerprint("s3", { ...keys })).toBe(legacyConnectionFingerprint("s3", keys));
    expect(legacyConnectionFingerprint("s3", { ...keys, region: "eu-west-1" })).not.toBe(
      legacyConnectionFingerprint("s3", keys),
    );
  });

  it.each<[string, unknown]>([
    ["a v2 fingerprint", "v2:0123456789abcdef01234567"],
    ["15 hex characters", "0123456789abcde"],
    ["upper-case hex", "0123456789ABCDEF"],
    ["the drift marker", "drifted"],
    ["an empty string", ""],
    ["undefined", undefined],
  ])("isLegacyFingerprint is false for %s", (_what, value) => {
    expect(isLegacyFingerprint(value)).toBe(false);
  });
});
