import { createHash, scryptSync } from "crypto";
import { STORAGE_SPECS, StorageParams, StorageType } from "./storageSpecs";

/**
 * A connection's fingerprint: a short digest of its effective parameters (storage type and every
 * value). It changes when, and only when, they change, and it is known at preview time, so a stage can
 * tell that the copy it holds is older than its connection.
 *
 * It sits in plaintext in state and previews, so it must not let anyone who reads them recover a weak
 * secret by guessing: it is derived with scrypt (memory-hard, ~14 ms per guess on a 2-core machine)
 * and salted per connection (storage type and Databend name), so no table of precomputed guesses
 * helps and every guess costs the full derivation. Format: `v2:` and 24 hex characters.
 */

/** Prefix of the current fingerprint format. */
export const FINGERPRINT_PREFIX = "v2:";

/** scrypt cost: N = 2^13, r = 8 (8 MiB per derivation), p = 1. */
const SCRYPT = { N: 1 << 13, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

function canonicalParams(storageType: StorageType, params: StorageParams): string {
  const known = Object.keys(STORAGE_SPECS[storageType].params).filter((k) => params[k] !== undefined);
  return JSON.stringify([storageType, known.sort().map((k) => [k, String(params[k])])]);
}

const memo = new Map<string, string>();

/** scrypt of `text` salted with `salt`, cached per process (in memory only). */
function derive(text: string, salt: string): string {
  const cacheKey = createHash("sha256").update(salt).update("\u0000").update(text).digest("hex");
  let fp = memo.get(cacheKey);
  if (!fp) {
    fp = FINGERPRINT_PREFIX + scryptSync(text, salt, 12, SCRYPT).toString("hex");
    memo.set(cacheKey, fp);
  }
  return fp;
}

/** The fingerprint of connection `name` with these parameters (cached per process). */
export function connectionFingerprint(storageType: StorageType, params: StorageParams, name: string): string {
  return derive(canonicalParams(storageType, params), `pulumi-databend/connection/v2/${storageType}/${name}`);
}

/** True when `fp` has the form of a current fingerprint (`v2:` and 24 hex characters). */
export function isFingerprint(fp: unknown): fp is string {
  return typeof fp === "string" && /^v2:[0-9a-f]{24}$/.test(fp);
}

/**
 * The fingerprint format of package 0.1 (an unsalted, truncated SHA-256), kept only to recognise state
 * written by that version; never written any more.
 */
export function legacyConnectionFingerprint(storageType: StorageType, params: StorageParams): string {
  return createHash("sha256")
    .update("pulumi-databend/connection/v1\n")
    .update(canonicalParams(storageType, params))
    .digest("hex")
    .slice(0, 16);
}

/** True for a fingerprint written by package 0.1 ({@link legacyConnectionFingerprint}). */
export function isLegacyFingerprint(fp: unknown): fp is string {
  return typeof fp === "string" && /^[0-9a-f]{16}$/.test(fp);
}

/**
 * A fingerprint of a text that embeds a secret (a trust policy holds the external ID), salted with
 * `domain` (e.g. `role/<name>`), derived like {@link connectionFingerprint}: equality can be checked
 * without keeping the text, and the text cannot be recovered by guessing cheaply.
 */
export function textFingerprint(domain: string, text: string): string {
  return derive(text, `pulumi-databend/text/v2/${domain}`);
}
