/**
 * How Databend masks a storage parameter value, generation by generation, and how a masked value is
 * compared with a known plaintext one, so that masking itself never shows as drift, while a value that
 * was changed outside Pulumi usually does.
 *
 * Databend masks every value in DESC CONNECTION / SHOW CONNECTIONS, every value of the inline
 * `CONNECTION = (...)` of the statement text it keeps for CREATE STAGE, and a stage's secrets and access
 * key IDs in DESC STAGE / SHOW STAGES / `system.stages`. Two generations (read in the
 * source at tags v1.2.453, v1.2.810-nightly, v1.2.895-nightly, v1.2.919-nightly and at HEAD, and
 * checked on the 1.2.453, 1.2.810 and 1.2.895 engines by `tests/e2e/maskedValues.e2e.test.ts`):
 * - before 1.2.919, by bytes: a value of at most 3 bytes is shown in clear, a longer one as `******`
 *   plus its last 3 bytes. When those 3 bytes start inside a multi-byte character the server panics
 *   (code 1001), and every DESC/SHOW that lists the value fails, for every user;
 * - from 1.2.919 (commit db6b04ef95), by characters: `***` for 4 characters or fewer, else the first 2
 *   characters + `***` + the last 2. Never cuts a character.
 */

/** Databend's mask from 1.2.919: `***` for 4 characters or fewer, else first 2 + `***` + last 2. */
export function maskLikeDatabend(value: string): string {
  const chars = [...value];
  if (chars.length <= 4) return "***";
  return `${chars.slice(0, 2).join("")}***${chars.slice(-2).join("")}`;
}

/** How many trailing bytes the mask before 1.2.919 keeps. */
const OLD_MASK_TAIL_BYTES = 3;

/** True when byte `i` of `bytes` continues a multi-byte UTF-8 character (is not the start of one). */
function continuesCharacter(bytes: Buffer, i: number): boolean {
  return ((bytes[i] ?? 0) & 0xc0) === 0x80;
}

/**
 * Databend's mask before 1.2.919: the value itself when it has at most 3 bytes, else `******` + its
 * last 3 bytes; undefined when those bytes start inside a multi-byte character (the server then fails
 * with code 1001 instead of showing anything).
 */
export function maskBefore1_2_919(value: string): string | undefined {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length <= OLD_MASK_TAIL_BYTES) return value;
  const start = bytes.length - OLD_MASK_TAIL_BYTES;
  if (continuesCharacter(bytes, start)) return undefined;
  return `******${bytes.subarray(start).toString("utf8")}`;
}

/**
 * True when some Databend generation cannot mask `value` without cutting a multi-byte character in
 * two (see the module comment): such a value breaks DESC/SHOW for every user of that server.
 */
export function maskSplitsCharacter(value: string): boolean {
  return maskBefore1_2_919(value) === undefined;
}

/**
 * True when `masked` (from the server) is consistent with `plain`: the mask of either generation, or
 * the value unmasked. Every character counts, spaces, quotes, tabs and line breaks included.
 */
export function maskedMatches(plain: string, masked: string): boolean {
  return masked === plain || masked === maskLikeDatabend(plain) || masked === maskBefore1_2_919(plain);
}

/**
 * True when `value` has the shape of a value masked by some generation: `***`, two characters +
 * `***` + two characters, `******` + 1 to 3 whole characters of 3 bytes in all, or a value short
 * enough (at most 3 bytes) to be shown in clear. Used to split DESC CONNECTION's output where a value
 * holds spaces.
 */
export function looksMasked(value: string): boolean {
  if (Buffer.byteLength(value, "utf8") <= OLD_MASK_TAIL_BYTES || value === "***") return true;
  const chars = [...value];
  if (chars.length === 7 && chars.slice(2, 5).join("") === "***") return true;
  return value.startsWith("******") && Buffer.byteLength(value.slice(6), "utf8") === OLD_MASK_TAIL_BYTES;
}
