import { createHash, randomBytes, scryptSync } from "crypto";
import { maskBefore1_2_919, maskLikeDatabend } from "../storage/masking";

/**
 * A mask digest: what the provider records when it writes a secret, so that a later refresh can tell
 * whether the masked value Databend shows (DESC/SHOW CONNECTION, DESC/SHOW STAGE) still belongs to
 * that secret, without the secret or its mask ever being stored in clear.
 *
 * Databend shows a secret in one of two mask generations (see `../storage/masking.ts`): before
 * 1.2.919 `******` + the last 3 bytes, from 1.2.919 the first 2 characters + `***` + the last 2. A
 * digest holds one salted scrypt of each generation's mask, so it keeps working when the server is
 * upgraded between the write and the refresh (recording only the generation of the server version
 * read at write time would turn every secret into false drift, or into blindness, after an upgrade).
 *
 * Format: `m1:<salt>:<before-1.2.919>:<from-1.2.919>`, the salt 16 random hex characters drawn per
 * digest, each part 24 hex characters of scrypt, or `-` where that generation cannot show the value
 * (the older one panics when its last 3 bytes cut a character). Values of 4 characters or fewer get
 * no digest: the newer generation shows them as `***` whatever they are, and the older one would
 * show 3 of their 4 characters.
 *
 * What the digest tells someone who reads the state: only the visible mask characters (what DESC
 * shows to anyone allowed to describe the object), and only by guessing them one scrypt at a time,
 * a separate search per digest (the salt is random, so no two digests can be compared and no table
 * helps). The cost is an eighth of a fingerprint's (N = 2^10, r = 8, 1 MiB; a fingerprint takes
 * about 14 ms on a quiet 2-core machine): a mask has 3 or 4 visible characters, so no cost makes
 * guessing them impossible (62^3 guesses take minutes of CPU at this cost, about an hour at a
 * fingerprint's), while refresh
 * checks one digest per secret of every resource (500 connections and their 500 stages: about 500
 * derivations, the stages' copies hitting the connections' cache in the same process) and `up`
 * derives two per secret written. Recognition is probabilistic: a new secret with the same visible
 * characters is not seen, see {@link MASK_COLLISION}.
 */

/** Prefix of the current mask digest format. */
export const MASK_DIGEST_PREFIX = "m1:";

const FORMAT = /^m1:([0-9a-f]{16}):([0-9a-f]{24}|-):([0-9a-f]{24}|-)$/;

/** scrypt cost: N = 2^10, r = 8 (1 MiB), p = 1 (see the module comment for why not a fingerprint's). */
const SCRYPT = { N: 1 << 10, r: 8, p: 1, maxmem: 16 * 1024 * 1024 } as const;

/** The two mask generations, by the Databend version that introduced them. */
export type MaskGeneration = "before-1.2.919" | "from-1.2.919";

/** Values of this many characters or fewer get no digest (`***` on the newer generation). */
export const SHORT_SECRET_CHARS = 4;

/**
 * The chance that a new random secret shows the same mask as the old one, per generation, for
 * secrets drawn from 62 characters (letters and digits, as most keys are): 1 in 62^3 = 238,328
 * before 1.2.919 (3 visible characters), 1 in 62^4 = 14,776,336 from 1.2.919 (4). For the
 * 64-character base64 alphabet of AWS secret keys: 1 in 262,144 and 1 in 16,777,216.
 */
export const MASK_COLLISION = {
  "before-1.2.919": { alphanumeric: 62 ** 3, base64: 64 ** 3 },
  "from-1.2.919": { alphanumeric: 62 ** 4, base64: 64 ** 4 },
} as const;

const memo = new Map<string, string>();
let derivations = 0;

/** How many scrypt derivations this process ran (for cost tests and benchmarks). */
export function maskDerivations(): number {
  return derivations;
}

/** Empties the per-process cache of derivations (for cost tests and benchmarks). */
export function clearMaskDigestCache(): void {
  memo.clear();
}

function derive(mask: string, salt: string, generation: MaskGeneration): string {
  const domain = `pulumi-databend/mask/v1/${salt}/${generation}`;
  const key = createHash("sha256").update(domain).update("\u0000").update(mask).digest("hex");
  let digest = memo.get(key);
  if (digest === undefined) {
    derivations++;
    digest = scryptSync(mask, domain, 12, SCRYPT).toString("hex");
    memo.set(key, digest);
  }
  return digest;
}

/** True when `value` is too short for a digest to tell anything (see {@link SHORT_SECRET_CHARS}). */
export function isShortSecret(value: string): boolean {
  return [...value].length <= SHORT_SECRET_CHARS;
}

/**
 * The mask digest of `secret` (two scrypt derivations, about 5 ms), with a new random salt unless
 * `salt` is given; undefined for a value of 4 characters or fewer.
 */
export function maskDigest(
  secret: string,
  salt: string = randomBytes(8).toString("hex"),
): string | undefined {
  if (isShortSecret(secret)) return undefined;
  const old = maskBefore1_2_919(secret);
  const before = old === undefined ? "-" : derive(old, salt, "before-1.2.919");
  const from = derive(maskLikeDatabend(secret), salt, "from-1.2.919");
  return `${MASK_DIGEST_PREFIX}${salt}:${before}:${from}`;
}

/** True when `value` has the form of a mask digest. */
export function isMaskDigest(value: unknown): value is string {
  return typeof value === "string" && FORMAT.test(value);
}

/**
 * Whether `digest` (recorded for some secret) says `secret`, so that a digest can be kept instead of
 * derived again (one derivation, not two).
 */
export function maskDigestSays(digest: unknown, secret: string): boolean {
  const m = typeof digest === "string" ? FORMAT.exec(digest) : null;
  if (!m || isShortSecret(secret)) return false;
  return (
    derive(maskLikeDatabend(secret), m[1], "from-1.2.919") === m[3] && maskDigest(secret, m[1]) === digest
  );
}

/**
 * The mask generations whose shape `masked` has (both for `******` + one 3-byte character, which
 * the newer generation also gives for a value starting with `**` and ending with `*` and that
 * character); empty when it is neither's.
 */
export function maskGenerationsOf(masked: string): MaskGeneration[] {
  const out: MaskGeneration[] = [];
  // Before 1.2.919 a value of at most 3 bytes is shown in clear.
  if (
    Buffer.byteLength(masked, "utf8") <= 3 ||
    (masked.startsWith("******") && Buffer.byteLength(masked.slice(6), "utf8") === 3)
  )
    out.push("before-1.2.919");
  const chars = [...masked];
  if (masked === "***" || (chars.length === 7 && chars.slice(2, 5).join("") === "***"))
    out.push("from-1.2.919");
  return out;
}

/** What one generation's reading of `masked` says of the recorded parts (see {@link maskRecognised}). */
function recognisedAs(generation: MaskGeneration, masked: string, salt: string, part: string): boolean {
  if (generation === "from-1.2.919") {
    // A digest exists only for a value longer than 4 characters, which is never shown as `***`.
    return masked !== "***" && derive(masked, salt, generation) === part;
  }
  // Shown in clear (at most 3 bytes): not the recorded value, which is longer than 4 characters. `-`:
  // the recorded value cannot be shown by this generation (the server fails instead), so this is another.
  return masked.startsWith("******") && part !== "-" && derive(masked, salt, generation) === part;
}

/**
 * Whether the masked value Databend shows now (`masked`) belongs to the secret `digest` was recorded
 * for: `true` (same visible characters), `false` (the secret was changed), or `undefined` (nothing to
 * tell: no digest, or a shape of mask this package does not know). One scrypt derivation (two for
 * the one shape both generations can give), cached per process.
 */
export function maskRecognised(digest: unknown, masked: string): boolean | undefined {
  const m = typeof digest === "string" ? FORMAT.exec(digest) : null;
  if (!m) return undefined;
  const [, salt, before, from] = m;
  const generations = maskGenerationsOf(masked);
  if (generations.length === 0) return undefined;
  return generations.some((g) => recognisedAs(g, masked, salt, g === "from-1.2.919" ? from : before));
}

/**
 * The digests to record for `secrets` (parameter name → value): each one kept from `previous` when
 * it still says the same value, else derived afresh. Short values get none. Undefined when empty.
 */
export function maskDigests(
  secrets: Readonly<Record<string, string>>,
  previous?: unknown,
): Record<string, string> | undefined {
  const prev = previous && typeof previous === "object" ? (previous as Record<string, unknown>) : {};
  const out: Record<string, string> = {};
  for (const key of Object.keys(secrets).sort()) {
    const value = secrets[key];
    const kept = prev[key];
    const digest = isMaskDigest(kept) && maskDigestSays(kept, value) ? kept : maskDigest(value);
    if (digest !== undefined) out[key] = digest;
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * The parameters whose shown mask (`shown`: parameter name → masked value as the server shows it)
 * is recognised as another secret than the one recorded in `digests`, sorted. Parameters without a
 * digest, or with a mask of unknown shape, are never reported.
 */
export function secretsChanged(digests: unknown, shown: Readonly<Record<string, string>>): string[] {
  const recorded = digests && typeof digests === "object" ? (digests as Record<string, unknown>) : {};
  return Object.keys(shown)
    .filter((key) => maskRecognised(recorded[key], shown[key]) === false)
    .sort();
}
