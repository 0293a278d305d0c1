import { looksMasked } from "./masking";

/**
 * Reads the `storage_params` column of DESC CONNECTION / SHOW CONNECTIONS. Databend writes the pairs
 * as `key=value`, sorted by key and joined by one space (`UserDefinedConnection::storage_params_display`),
 * with each value masked but otherwise verbatim: no quoting, no escaping, so a value may hold spaces,
 * `=`, quotes, backslashes, tabs and line breaks, or be empty.
 */

/** One way of cutting the text into pairs. */
interface SplitRule {
  /** Whether a key may start at `pos` (0, or just after a space), and which key it is. */
  readonly keyAt: (text: string, pos: number) => string | undefined;
  /** Whether every value must have the shape of a masked value. */
  readonly masked: boolean;
}

const GENERIC_KEY = /[a-z][a-z0-9_]*(?==)/iy;

/**
 * Splits `text` into `[key, value]` pairs with `rule`, each pair's value running up to the space
 * before the next key. Depth-first, nearest cut first; undefined when no cut satisfies the rule. (Keys
 * come sorted from Databend, but the order is not relied on.)
 */
function splitWith(text: string, rule: SplitRule): [string, string][] | undefined {
  const starts: { pos: number; key: string }[] = [];
  for (let pos = 0; pos < text.length; pos++) {
    if (pos > 0 && text[pos - 1] !== " ") continue;
    const key = rule.keyAt(text, pos);
    if (key !== undefined) starts.push({ pos, key });
  }
  if (starts[0]?.pos !== 0) return undefined;
  const failed = new Set<number>();
  const from = (i: number): [string, string][] | undefined => {
    if (failed.has(i)) return undefined;
    const { pos, key } = starts[i] as { pos: number; key: string };
    const valueStart = pos + key.length + 1;
    const ends: { end: number; next?: number }[] = [];
    for (let j = i + 1; j < starts.length; j++) {
      const s = starts[j] as { pos: number; key: string };
      if (s.pos - 1 >= valueStart) ends.push({ end: s.pos - 1, next: j });
    }
    ends.push({ end: text.length });
    for (const { end, next } of ends) {
      const value = text.slice(valueStart, end);
      if (rule.masked && !looksMasked(value)) continue;
      const pair: [string, string] = [key.toLowerCase(), value];
      if (next === undefined) return [pair];
      const rest = from(next);
      if (rest) return [pair, ...rest];
    }
    failed.add(i);
    return undefined;
  };
  return from(0);
}

/** The pre-keys reading: whitespace-separated `key=value` tokens (a value with a space is cut). */
function splitOnWhitespace(text: string): [string, string][] {
  const out: [string, string][] = [];
  for (const tok of text.split(/\s+/).filter(Boolean)) {
    const eq = tok.indexOf("=");
    if (eq > 0) out.push([tok.slice(0, eq).toLowerCase(), tok.slice(eq + 1)]);
  }
  return out;
}

/**
 * Parses DESC CONNECTION's `storage_params` column into lower-cased keys and masked values.
 *
 * With `keys` (every key, aliases included, the server may hold for the connection's storage type),
 * the text is cut only before ` key=`, trying in turn: known keys with every value
 * shaped like a mask (what every Databend generation prints), any `word=` key with mask-shaped values
 * (a key this package does not know), known keys with any values (a server that does not mask).
 * Without `keys`, or when nothing fits, it falls back to whitespace-separated tokens.
 */
export function parseStorageParamsDisplay(text: string, keys?: Iterable<string>): Record<string, string> {
  let pairs: [string, string][] | undefined;
  if (keys) {
    const known = [...new Set([...keys].map((k) => k.toLowerCase()))].sort((a, b) => b.length - a.length);
    const knownKeyAt = (t: string, pos: number): string | undefined =>
      known.find((k) => t[pos + k.length] === "=" && t.slice(pos, pos + k.length).toLowerCase() === k);
    const genericKeyAt = (t: string, pos: number): string | undefined => {
      GENERIC_KEY.lastIndex = pos;
      return GENERIC_KEY.exec(t)?.[0];
    };
    pairs =
      splitWith(text, { keyAt: knownKeyAt, masked: true }) ??
      splitWith(text, { keyAt: genericKeyAt, masked: true }) ??
      splitWith(text, { keyAt: knownKeyAt, masked: false });
  }
  return Object.fromEntries(pairs ?? splitOnWhitespace(text));
}
