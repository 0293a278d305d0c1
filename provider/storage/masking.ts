/**
 * Databend masks every value in DESC/SHOW CONNECTION output. These helpers compare a known plaintext
 * value with a masked one, so that masking itself never shows as drift, while a value that was
 * changed outside Pulumi usually does.
 */

/** Databend's current mask: `***` for 4 characters or fewer, else first 2 + `***` + last 2. */
export function maskLikeDatabend(value: string): string {
  const chars = [...value];
  if (chars.length <= 4) return "***";
  return `${chars.slice(0, 2).join("")}***${chars.slice(-2).join("")}`;
}

/**
 * True when `masked` (from the server) is consistent with `plain`. Accepts the current format, the
 * pre-1.2.919 format (`******` + last 3 characters), and an unmasked value.
 */
export function maskedMatches(plain: string, masked: string): boolean {
  if (masked === plain || masked === maskLikeDatabend(plain)) return true;
  // Before 1.2.919: six stars and the last three characters.
  const old = /^\*{6}(.*)$/.exec(masked);
  if (old) return plain.endsWith(old[1] ?? "");
  return false;
}
