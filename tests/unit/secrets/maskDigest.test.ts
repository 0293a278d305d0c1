import {
  MASK_COLLISION,
  isMaskDigest,
  maskDigest,
  maskDigestSays,
  maskDigests,
  maskGenerationsOf,
  maskRecognised,
  secretsChanged,
} from "../../../provider/secrets/maskDigest";
import { maskBefore1_2_919, maskLikeDatabend } from "../../../provider/storage/masking";

const SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
const SALT = "0011223344556677";

describe("maskDigest", () => {
  it("holds a random salt and one digest per mask generation, never the secret or its masks", () => {
    const d = maskDigest(SECRET);
    expect(isMaskDigest(d)).toBe(true);
    expect(d).toMatch(/^m1:[0-9a-f]{16}:[0-9a-f]{24}:[0-9a-f]{24}$/);
    for (const clear of [SECRET, "KEY", "EY", "wJ", maskLikeDatabend(SECRET), maskBefore1_2_919(SECRET)!])
      expect(d).not.toContain(clear);
    // A new salt each time: two records of one secret cannot be told equal.
    expect(maskDigest(SECRET)).not.toBe(d);
    expect(maskDigest(SECRET, SALT)).toBe(maskDigest(SECRET, SALT));
  });

  it("recognises both generations' masks of the recorded secret", () => {
    const d = maskDigest(SECRET, SALT);
    expect(maskRecognised(d, "******KEY")).toBe(true);
    expect(maskRecognised(d, "wJ***EY")).toBe(true);
  });

  it("sees another secret with other visible characters, in both generations", () => {
    const d = maskDigest(SECRET, SALT);
    const other = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEZ";
    expect(maskRecognised(d, maskBefore1_2_919(other)!)).toBe(false);
    expect(maskRecognised(d, maskLikeDatabend(other))).toBe(false);
    expect(maskRecognised(d, maskLikeDatabend("ab" + other))).toBe(false);
  });

  it("cannot see a new secret with the same visible characters (the stated limit)", () => {
    const d = maskDigest(SECRET, SALT);
    const lookalike = "wJ-entirely-different-middle-KEY".replace(/KEY$/, "EY");
    expect(maskRecognised(d, maskLikeDatabend(lookalike))).toBe(true);
    expect(maskRecognised(d, maskBefore1_2_919("zzzzzzKEY")!)).toBe(true);
  });

  it("records nothing for values of 4 characters or fewer", () => {
    for (const v of ["", "a", "abcd", "ééé€"]) expect(maskDigest(v)).toBeUndefined();
    expect(maskDigest("abcde")).toMatch(/^m1:/);
    expect(maskDigests({ secretAccessKey: "abcd" })).toBeUndefined();
  });

  it("a value shown short or in clear is not the recorded long one", () => {
    const d = maskDigest(SECRET, SALT);
    expect(maskRecognised(d, "***")).toBe(false);
    expect(maskRecognised(d, "abc")).toBe(false);
  });

  it("handles multi-byte values: by characters from 1.2.919, by bytes before", () => {
    const v = "clé-secrète-日本語";
    const d = maskDigest(v, SALT);
    expect(maskRecognised(d, maskLikeDatabend(v))).toBe(true);
    expect(maskLikeDatabend(v)).toBe("cl***本語");
    // The last 3 bytes are one whole character: the old generation shows it.
    expect(maskRecognised(d, maskBefore1_2_919(v)!)).toBe(true);
    // A value whose last 3 bytes cut a character cannot be shown before 1.2.919 (the server fails):
    // no digest for that generation, and any mask of it means the value was changed.
    const split = "secret-日é";
    expect(maskBefore1_2_919(split)).toBeUndefined();
    const ds = maskDigest(split, SALT)!;
    expect(ds).toMatch(/^m1:[0-9a-f]{16}:-:[0-9a-f]{24}$/);
    expect(maskRecognised(ds, maskLikeDatabend(split))).toBe(true);
    expect(maskRecognised(ds, "******xyz")).toBe(false);
  });

  it("tells nothing without a digest or for an unknown mask shape", () => {
    expect(maskRecognised(undefined, "******KEY")).toBeUndefined();
    expect(maskRecognised("(changed outside Pulumi)", "******KEY")).toBeUndefined();
    expect(maskRecognised(maskDigest(SECRET, SALT), "a-clear-long-value")).toBeUndefined();
    expect(maskGenerationsOf("a-clear-long-value")).toEqual([]);
    expect(maskGenerationsOf("******KEY")).toEqual(["before-1.2.919"]);
    expect(maskGenerationsOf("******€")).toEqual(["before-1.2.919", "from-1.2.919"]);
    expect(maskGenerationsOf("日本***語x")).toEqual(["from-1.2.919"]);
    expect(maskGenerationsOf("***")).toEqual(["before-1.2.919", "from-1.2.919"]);
  });

  it("keeps a recorded digest that still says the value, and derives a new one otherwise", () => {
    const first = maskDigests({ secretAccessKey: SECRET, sessionToken: "FwoGZXIvYXdzEXAMPLE" })!;
    expect(Object.keys(first)).toEqual(["secretAccessKey", "sessionToken"]);
    expect(maskDigests({ secretAccessKey: SECRET, sessionToken: "FwoGZXIvYXdzEXAMPLE" }, first)).toEqual(
      first,
    );
    const next = maskDigests({ secretAccessKey: SECRET + "X", sessionToken: "FwoGZXIvYXdzEXAMPLE" }, first)!;
    expect(next.sessionToken).toBe(first.sessionToken);
    expect(next.secretAccessKey).not.toBe(first.secretAccessKey);
    expect(maskDigestSays(first.secretAccessKey, SECRET)).toBe(true);
    expect(maskDigestSays(first.secretAccessKey, SECRET + "X")).toBe(false);
  });

  it("names the changed parameters only", () => {
    const digests = maskDigests({ secretAccessKey: SECRET, sessionToken: "FwoGZXIvYXdzEXAMPLE" });
    expect(
      secretsChanged(digests, {
        secretAccessKey: "******ABC",
        sessionToken: "******PLE",
        externalId: "******XYZ",
      }),
    ).toEqual(["secretAccessKey"]);
    expect(secretsChanged(undefined, { secretAccessKey: "******ABC" })).toEqual([]);
  });

  it("states the collision odds the README gives", () => {
    expect(MASK_COLLISION["before-1.2.919"].alphanumeric).toBe(238_328);
    expect(MASK_COLLISION["from-1.2.919"].alphanumeric).toBe(14_776_336);
    expect(MASK_COLLISION["before-1.2.919"].base64).toBe(262_144);
    expect(MASK_COLLISION["from-1.2.919"].base64).toBe(16_777_216);
  });

  it("costs one derivation per secret at refresh, two per secret written", () => {
    const secrets = Array.from({ length: 20 }, (_, i) => `secret-value-number-${i}-abcdefgh`);
    const t0 = Date.now();
    const digests = secrets.map((s) => maskDigest(s)!);
    const write = (Date.now() - t0) / secrets.length;
    // A mask not seen before in this process: one uncached derivation, as a refresh does.
    const t1 = Date.now();
    secrets.forEach((s, i) => expect(maskRecognised(digests[i], maskLikeDatabend(`zz${s}`))).toBe(false));
    const check = (Date.now() - t1) / secrets.length;
    const t2 = Date.now();
    secrets.forEach((s, i) => expect(maskRecognised(digests[i], maskLikeDatabend(s))).toBe(true));
    const cached = (Date.now() - t2) / secrets.length;
    // Printed for the record; the bounds are loose (the machine is shared).
    console.log(
      `mask digest: ${write.toFixed(1)} ms per secret written, ${check.toFixed(1)} ms per refresh check, ` +
        `${cached.toFixed(2)} ms cached`,
    );
    expect(check).toBeLessThan(100);
  });
});
