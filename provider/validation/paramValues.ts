import type { CheckFailure } from "../errors/ValidationError";
import { STORAGE_SPECS, StorageType } from "../storage/storageSpecs";

/**
 * Value rules that JSON schemas cannot say well, for storage parameters (a Connection's, or a Stage's
 * inline `credentials`). Each one prevents a failure or a false drift that only shows after `up`.
 */

/** True when byte `i` of `bytes` is inside a multi-byte UTF-8 character (not at its start). */
function splitsCharacter(bytes: Buffer, i: number): boolean {
  return i > 0 && i < bytes.length && ((bytes[i] ?? 0) & 0xc0) === 0x80;
}

/**
 * Why `value` of parameter `property` cannot be stored as given, or undefined. Never quotes the value.
 * - Leading or trailing whitespace (a key read from a file with its newline): Databend keeps it, shows
 *   it masked with the whitespace, and every refresh would report drift.
 * - A secret whose first 2 or last 3 bytes cut a multi-byte character: Databend (1.2.x) masks secrets
 *   by bytes, and DESC/SHOW CONNECTIONS then fail for every user until the connection is dropped.
 */
export function valueProblem(value: string, secret: boolean): string | undefined {
  if (value !== value.trim()) {
    return "must not start or end with whitespace or a line break (Databend would keep it and every refresh would report drift)";
  }
  if (secret) {
    const bytes = Buffer.from(value, "utf8");
    const n = bytes.length;
    if ([2, n - 3, n - 2].some((i) => splitsCharacter(bytes, i))) {
      return (
        "must not have a multi-byte (non-ASCII) character among its first 2 or last 3 bytes: Databend masks " +
        "secrets by bytes, and such a value makes DESC CONNECTION and SHOW CONNECTIONS fail for every user"
      );
    }
  }
  return undefined;
}

/** Failures of the string values of `params` for storage type `type`, properties prefixed by `prefix`. */
export function paramValueFailures(
  type: StorageType,
  params: Readonly<Record<string, unknown>>,
  prefix = "",
): CheckFailure[] {
  const out: CheckFailure[] = [];
  for (const [key, spec] of Object.entries(STORAGE_SPECS[type].params)) {
    const v = params[key];
    if (typeof v !== "string") continue;
    const reason = valueProblem(v, spec.secret);
    if (reason) out.push({ property: prefix + key, reason });
  }
  return out;
}
