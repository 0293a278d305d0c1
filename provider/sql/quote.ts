/**
 * The only place user-given text becomes SQL. Values are always single-quoted literals; names are
 * validated plain identifiers and never quoted or interpolated raw.
 */

import { RESERVED_WORDS } from "./reservedWords";

/**
 * A plain, unquoted Databend identifier: lowercase letters, digits and `_`, not starting with a digit,
 * and not a reserved word (see `reservedWords.ts`).
 */
export const IDENTIFIER_PATTERN = `^(?!(?:${RESERVED_WORDS.join("|")})$)[a-z_][a-z0-9_]{0,254}$`;

const IDENTIFIER_RE = new RegExp(IDENTIFIER_PATTERN);

/** Why identifiers are restricted, for error messages. */
export const IDENTIFIER_RULE =
  "a plain identifier: 1-255 lowercase letters, digits or underscores, not starting with a digit, and not a " +
  "word Databend reserves (such as select, from, stage, connection)";

/** True when `name` is a plain identifier as defined by {@link IDENTIFIER_PATTERN}. */
export function isPlainIdentifier(name: unknown): name is string {
  return typeof name === "string" && IDENTIFIER_RE.test(name);
}

/** Returns `name` for use as an identifier, or throws when it is not a plain identifier. */
export function ident(name: string): string {
  if (!isPlainIdentifier(name)) {
    throw new TypeError(`invalid identifier ${JSON.stringify(name)}: must be ${IDENTIFIER_RULE}`);
  }
  return name;
}

/**
 * Renders `value` as a single-quoted SQL string literal. Backslashes and single quotes are escaped
 * (Databend string literals treat `\` as an escape character), so any text round-trips.
 */
export function literal(value: string): string {
  if (typeof value !== "string") throw new TypeError("literal() takes a string");
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

/** Renders `key = 'value'` pairs separated by spaces; keys come from fixed tables, never from users. */
export function options(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([k, v]) => `${optionKey(k)} = ${literal(v)}`).join(" ");
}

/** Validates an option key (they come from this package's own tables). */
export function optionKey(key: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/i.test(key)) throw new TypeError(`invalid option key ${JSON.stringify(key)}`);
  return key.toUpperCase();
}
