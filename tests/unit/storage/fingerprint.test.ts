import { connectionFingerprint } from "../../../provider/storage/fingerprint";
import type { StorageParams } from "../../../provider/storage/storageSpecs";

const keys: StorageParams = {
  accessKeyId: "AKIAEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI",
  region: "us-east-2",
};

describe("connectionFingerprint", () => {
  it("is 16 lowercase hex characters", () => {
    expect(connectionFingerprint("s3", keys)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("is stable for the same type and parameters", () => {
    expect(connectionFingerprint("s3", keys)).toBe(connectionFingerprint("s3", { ...keys }));
  });

  it("does not depend on the order of the keys", () => {
    const reversed: StorageParams = Object.fromEntries(Object.entries(keys).reverse());
    expect(connectionFingerprint("s3", reversed)).toBe(connectionFingerprint("s3", keys));
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
    expect(connectionFingerprint("s3", params)).not.toBe(connectionFingerprint("s3", keys));
  });

  it("changes when a boolean flips", () => {
    expect(connectionFingerprint("s3", { enableVirtualHostStyle: true })).not.toBe(
      connectionFingerprint("s3", { enableVirtualHostStyle: false }),
    );
  });

  it("changes with the storage type, even for the same parameters", () => {
    const p: StorageParams = { endpointUrl: "https://e", accessKeyId: "a", secretAccessKey: "s" };
    expect(connectionFingerprint("obs", p)).not.toBe(connectionFingerprint("s3", p));
  });

  it("ignores keys that are not parameters of the type, such as the name", () => {
    const withName = { ...keys, name: "toronto", adopt: "true", accountKey: "k" } as StorageParams;
    expect(connectionFingerprint("s3", withName)).toBe(connectionFingerprint("s3", keys));
  });

  it("does not contain a parameter value", () => {
    const fp = connectionFingerprint("gcs", { credential: "0123456789abcdef" });
    expect(fp).not.toContain("0123456789abcdef");
  });

  it("tells apart values that only a naive join would confuse", () => {
    expect(connectionFingerprint("s3", { accessKeyId: "a", secretAccessKey: "b,c" })).not.toBe(
      connectionFingerprint("s3", { accessKeyId: "a,b", secretAccessKey: "c" }),
    );
  });
});
