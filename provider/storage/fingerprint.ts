import { createHash } from "crypto";
import { STORAGE_SPECS, StorageParams, StorageType } from "./storageSpecs";

/**
 * A short digest of a connection's effective parameters: it changes when, and only when, the storage
 * type or a parameter value changes (not when the name does). It is a truncated SHA-256 over a
 * canonical form, so it is safe to show and cannot be reversed into the high-entropy keys it covers.
 */
export function connectionFingerprint(storageType: StorageType, params: StorageParams): string {
  const known = Object.keys(STORAGE_SPECS[storageType].params).filter((k) => params[k] !== undefined);
  const canonical = JSON.stringify([storageType, known.sort().map((k) => [k, String(params[k])])]);
  return createHash("sha256")
    .update("pulumi-databend/connection/v1\n")
    .update(canonical)
    .digest("hex")
    .slice(0, 16);
}
