import { createHash, randomBytes, scryptSync } from "crypto";
import { STORAGE_SPECS, StorageParams, StorageType } from "./storageSpecs";

/**
 * A connection's fingerprint: a short digest of its effective parameters (storage type and every
 * value). It changes when, and only when, they change, and it is known at preview time, so a stage can
 * tell that the copy it holds is older than its connection.
 *
 * It sits in plaintext in state and previews, so it must not let anyone who reads them recover a weak
 * secret by guessing, nor tell that two objects share a secret: it is derived with scrypt
 * (memory-hard, ~14 ms per guess on a 2-core machine) with a random salt drawn when the object is
 * first fingerprinted and kept inside the fingerprint. Equal parameters under the same name in two
 * stacks therefore give unrelated fingerprints, no table of precomputed guesses helps, and every
 * guess costs the full derivation. Format: `v3:`, the salt (16 hex characters), `:` and the digest
 * (24 hex characters). State written before 0.3 holds `v2:` fingerprints, salted with the storage
 * type and Databend name only; they are still compared, and replaced on the next change.
 */

/** Prefix of the current fingerprint format. */
export const FINGERPRINT_PREFIX = "v3:";

/** A fingerprint in the current format: `v3:<salt>:<digest>`. */
const V3 = /^v3:([0-9a-f]{16}):[0-9a-f]{24}$/;
/** A fingerprint written by packages 0.2 (salted with the storage type and name). */
const V2 = /^v2:[0-9a-f]{24}$/;

/** scrypt cost: N = 2^13, r = 8 (8 MiB per derivation), p = 1. */
const SCRYPT = { N: 1 << 13, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;

function canonicalParams(storageType: StorageType, params: StorageParams): string {
  const known = Object.keys(STORAGE_SPECS[storageType].params).filter((k) => params[k] !== undefined);
  return JSON.stringify([storageType, known.sort().map((k) => [k, String(params[k])])]);
}

const memo = new Map<string, string>();

/** scrypt of `text` salted with `salt`, as 24 hex characters, cached per process (in memory only). */
function derive(text: string, salt: string): string {
  const cacheKey = createHash("sha256").update(salt).update("\u0000").update(text).digest("hex");
  let digest = memo.get(cacheKey);
  if (!digest) {
    digest = scryptSync(text, salt, 12, SCRYPT).toString("hex");
    memo.set(cacheKey, digest);
  }
  return digest;
}

/** A new random salt for an object's fingerprints (16 hex characters). */
export function newSalt(): string {
  return randomBytes(8).toString("hex");
}

/** The salt kept in a current fingerprint, or undefined for any other value. */
export function saltOf(fp: unknown): string | undefined {
  return typeof fp === "string" ? V3.exec(fp)?.[1] : undefined;
}

/**
 * The fingerprint of connection `name` with these parameters, with `salt` (the object's own, from
 * `saltOf`) or a new random one. Cached per process.
 */
export function connectionFingerprint(
  storageType: StorageType,
  params: StorageParams,
  name: string,
  salt: string = newSalt(),
): string {
  const digest = derive(
    canonicalParams(storageType, params),
    `pulumi-databend/connection/v3/${salt}/${storageType}/${name}`,
  );
  return `${FINGERPRINT_PREFIX}${salt}:${digest}`;
}

/** The 0.2 format (`v2:`), salted with the storage type and name only; used to compare old state. */
function v2ConnectionFingerprint(storageType: StorageType, params: StorageParams, name: string): string {
  return `v2:${derive(canonicalParams(storageType, params), `pulumi-databend/connection/v2/${storageType}/${name}`)}`;
}

/**
 * Whether `fp` (a fingerprint recorded in state, of any format this package ever wrote) says exactly
 * these parameters under this name.
 */
export function fingerprintMatches(
  fp: unknown,
  storageType: StorageType,
  params: StorageParams,
  name: string,
): boolean {
  const salt = saltOf(fp);
  if (salt !== undefined) return connectionFingerprint(storageType, params, name, salt) === fp;
  if (typeof fp === "string" && V2.test(fp)) return v2ConnectionFingerprint(storageType, params, name) === fp;
  if (isLegacyFingerprint(fp)) return legacyConnectionFingerprint(storageType, params) === fp;
  return false;
}

/**
 * The fingerprint to record for these parameters: `previous` when it already says them (nothing is
 * derived again), else a new derivation with the object's salt (a new one when it had none).
 */
export function keepOrDeriveFingerprint(
  previous: unknown,
  storageType: StorageType,
  params: StorageParams,
  name: string,
): string {
  if (typeof previous === "string" && fingerprintMatches(previous, storageType, params, name))
    return previous;
  return connectionFingerprint(storageType, params, name, saltOf(previous));
}

/** True when `fp` has the form of a fingerprint this package compares (`v3:`, or `v2:` from 0.2). */
export function isFingerprint(fp: unknown): fp is string {
  return typeof fp === "string" && (V3.test(fp) || V2.test(fp));
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
 * without keeping the text, and the text cannot be recovered by guessing cheaply. The salt is the
 * domain only: the same text under the same domain gives the same fingerprint everywhere (a trust
 * policy differs per role anyway, through its generated external ID).
 */
export function textFingerprint(domain: string, text: string): string {
  return `v2:${derive(text, `pulumi-databend/text/v2/${domain}`)}`;
}
