/**
 * Fingerprints carry a random salt per object (provider/storage/fingerprint.ts), so a test cannot
 * compute the expected value: it states which parameters the fingerprint must say instead.
 */
import { fingerprintMatches } from "../../provider/storage/fingerprint";
import type { StorageParams, StorageType } from "../../provider/storage/storageSpecs";

/** A fixed salt, for fingerprints a test passes in as state. */
export const TEST_SALT = "0123456789abcdef";

/**
 * A Jest asymmetric matcher (usable in `toEqual`, `toMatchObject`, `toBe` is not) for a current
 * fingerprint that says exactly these parameters under this name.
 */
export function fingerprintOf(storageType: StorageType, params: StorageParams, name: string): unknown {
  return {
    $$typeof: Symbol.for("jest.asymmetricMatcher"),
    asymmetricMatch: (actual: unknown) =>
      typeof actual === "string" &&
      actual.startsWith("v3:") &&
      fingerprintMatches(actual, storageType, params, name),
    toAsymmetricMatcher: () => `fingerprintOf(${storageType}, ${name})`,
  };
}
