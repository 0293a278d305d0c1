import type { CheckFailure } from "../errors/ValidationError";
import { maskSplitsCharacter } from "../storage/masking";
import { STORAGE_SPECS, StorageType } from "../storage/storageSpecs";

/**
 * Value rules that JSON schemas cannot say well, for storage parameters (a Connection's, or a Stage's
 * inline `credentials`). Each one prevents a failure or a false drift that only shows after `up`.
 */

/** Why a value that some Databend cannot mask is refused, what is allowed, and how to fix it. */
export const SPLIT_BY_MASK_REASON =
  "must not have a multi-byte (non-ASCII) character cut by its last 3 bytes: Databend before 1.2.919 masks " +
  "this value as ****** plus its last 3 bytes, and when they start inside a character it fails with code " +
  "1001: a connection is created, but then DESC CONNECTION and SHOW CONNECTIONS fail for every user until it " +
  "is dropped; a stage fails to create. 1.2.919 and later mask by characters, but preview cannot know the " +
  "server's version. Allowed: a value whose 3rd byte from the end starts a character, that is one ending in " +
  "3 ASCII characters, in an ASCII character and a 2-byte character (such as e-acute), or in a 3-byte " +
  "character (such as the euro sign); not one ending in a 4-byte character (an emoji) or with another " +
  "non-ASCII character in its last 3 bytes. Fix: add or remove a character at the end, or choose another value";

/**
 * Why `value` of a storage parameter cannot be stored as given, or undefined. Never quotes the value.
 * `masked`: whether Databend masks the value somewhere (see {@link paramValueFailures}).
 * - Leading or trailing whitespace (a key read from a file with its newline): Databend keeps it, shows
 *   it masked with the whitespace, and every refresh would report drift.
 * - A masked value whose last 3 bytes start inside a multi-byte character: Databend before 1.2.919
 *   masks by bytes and then fails DESC/SHOW for every user (see {@link maskSplitsCharacter}).
 */
export function valueProblem(value: string, masked: boolean): string | undefined {
  if (value !== value.trim()) {
    return "must not start or end with whitespace or a line break (Databend would keep it and every refresh would report drift)";
  }
  if (masked && maskSplitsCharacter(value)) return SPLIT_BY_MASK_REASON;
  return undefined;
}

/**
 * Failures of the string values of `params` for storage type `type`, properties prefixed by `prefix`.
 * Databend masks every one of them: every value in DESC CONNECTION / SHOW CONNECTIONS, and every value
 * of a stage's inline `CONNECTION = (...)` when CREATE STAGE masks its own statement (tested on 1.2.453,
 * 1.2.810 and 1.2.895: a value the mask cuts fails that CREATE STAGE with a panic).
 */
export function paramValueFailures(
  type: StorageType,
  params: Readonly<Record<string, unknown>>,
  prefix = "",
): CheckFailure[] {
  const out: CheckFailure[] = [];
  for (const [key, spec] of Object.entries(STORAGE_SPECS[type].params)) {
    const v = params[key];
    if (typeof v !== "string") continue;
    const reason = valueProblem(v, true) ?? spec.shape?.(v);
    if (reason) out.push({ property: prefix + key, reason });
  }
  return out;
}
