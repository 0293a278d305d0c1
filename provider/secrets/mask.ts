/** The text every secret is replaced with. */
export const MASK = "***";

/**
 * Replaces every occurrence of each secret, of each of its lines, and of their SQL-escaped, JSON-escaped
 * and URL-encoded forms in `text`; then every stretch of `text` that holds a long enough piece of a
 * secret once whitespace, control characters, escapes and quote doubling are ignored on both sides
 * (see {@link maskFragments}), so a secret survives no rendering the server applies when it echoes a
 * statement: a tab shown as spaces, a statement cut short, a caret diagram.
 * Values shorter than 3 characters are left alone, since masking them would garble ordinary text and
 * they carry no secret worth hiding.
 */
export function maskSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const forms = new Set<string>();
  const wholes: string[] = [];
  for (const whole of secrets) {
    if (typeof whole !== "string") continue;
    wholes.push(whole);
    // A multi-line secret (a wrapped base64 key) can surface one line at a time, e.g. in the caret
    // diagram of a syntax error: mask every line on its own too.
    const lines = whole.split(/\r?\n/).map((l) => l.trim());
    for (const s of [whole, whole.trim(), ...lines]) {
      if (s.length < 3) continue;
      forms.add(s);
      const backslashed = s.replace(/\\/g, "\\\\");
      forms.add(backslashed.replace(/'/g, "''"));
      forms.add(backslashed.replace(/'/g, "\\'")); // as literal() renders it
      forms.add(encodeURIComponent(s));
      forms.add(JSON.stringify(s).slice(1, -1)); // as it appears inside JSON or escaped text
    }
  }
  // Longest first, so that a secret containing another is masked whole.
  let out = text;
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(f).join(MASK);
  }
  return maskFragments(out, wholes);
}

/** The shortest piece of a secret (in significant characters) that {@link maskFragments} masks. */
export const MIN_FRAGMENT = 4;
/** Pieces this long (in significant characters) are masked whatever the secret's length. */
export const MAX_FRAGMENT = 8;

/**
 * The significant characters of `s`, each with its index in `s`: whitespace and control characters,
 * their escaped renderings (`\t`, `\n`, `\x09`, `\u0009`), backslashes and the second quote of a
 * doubled `''` are skipped, so that the same secret reads the same however a server re-renders it.
 */
function significant(s: string): { chars: string; at: number[] } {
  let chars = "";
  const at: number[] = [];
  for (let i = 0; i < s.length;) {
    const escape = /^\\(?:[tnrvfb0]|x[01][0-9a-fA-F]|u00[01][0-9a-fA-F]|u\{[01]?[0-9a-fA-F]\})/.exec(
      s.slice(i, i + 8),
    );
    if (escape) {
      i += escape[0].length;
      continue;
    }
    const c = s.charAt(i);
    const code = c.charCodeAt(0);
    const skip =
      /\s/.test(c) ||
      code < 0x20 ||
      (code >= 0x7f && code <= 0x9f) ||
      c === "\\" ||
      (c === "'" && chars.endsWith("'"));
    if (!skip) {
      chars += c;
      at.push(i);
    }
    i += 1;
  }
  return { chars, at };
}

/**
 * Masks every stretch of `text` whose significant characters (see {@link significant}) are made of
 * pieces of a secret at least `k` characters long, where `k` is a third of the secret's length kept
 * between {@link MIN_FRAGMENT} and {@link MAX_FRAGMENT} (and at most the secret's own length). This
 * catches a secret echoed with its whitespace rendered otherwise, cut off at a line's end or start,
 * or split over the lines of a caret diagram; what it may mask too much is statement text that shares
 * `k` characters with a secret.
 */
export function maskFragments(text: string, secrets: Iterable<string | undefined>): string {
  const spans: [number, number][] = [];
  let view: { chars: string; at: number[] } | undefined;
  for (const secret of secrets) {
    if (typeof secret !== "string") continue;
    const sig = significant(secret).chars;
    if (sig.length < 3) continue;
    const k = Math.min(sig.length, Math.max(MIN_FRAGMENT, Math.min(MAX_FRAGMENT, Math.ceil(sig.length / 3))));
    const grams = new Set<string>();
    for (let i = 0; i + k <= sig.length; i++) grams.add(sig.slice(i, i + k));
    view ??= significant(text);
    const { chars, at } = view;
    let start = -1;
    let end = -1;
    for (let i = 0; i + k <= chars.length; i++) {
      if (!grams.has(chars.slice(i, i + k))) continue;
      if (start >= 0 && i <= end) end = i + k;
      else {
        if (start >= 0) spans.push([at[start] as number, (at[end - 1] as number) + 1]);
        start = i;
        end = i + k;
      }
    }
    if (start >= 0) spans.push([at[start] as number, (at[end - 1] as number) + 1]);
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let pos = 0;
  for (const [from, to] of spans) {
    if (to <= pos) continue;
    out += text.slice(pos, Math.max(pos, from)) + (from >= pos ? MASK : "");
    pos = to;
  }
  return out + text.slice(pos);
}

/**
 * Where the user info of `rest` (a DSN without its scheme) ends: the last `@` before the query string,
 * or, when there is none there (a raw `?` in the password), the last `@` of all. A raw `/` or `#` in the
 * password is thus kept in the user info, never read as the host.
 */
export function userInfoEnd(rest: string): number {
  const query = rest.indexOf("?");
  const beforeQuery = query < 0 ? -1 : rest.slice(0, query).lastIndexOf("@");
  return beforeQuery >= 0 ? beforeQuery : rest.lastIndexOf("@");
}

/**
 * Splits a `scheme://user:password@host/...` DSN around its password. The user info ends at the last
 * `@` before the query string, as URL parsers read it, so a raw `@` inside a password is kept.
 */
function splitDsn(dsn: string): { head: string; password: string; tail: string } | undefined {
  const scheme = /^[a-z+]+:\/\//i.exec(dsn);
  if (!scheme) return undefined;
  const rest = dsn.slice(scheme[0].length);
  const at = userInfoEnd(rest);
  if (at < 0) return undefined;
  const colon = rest.indexOf(":");
  if (colon < 0 || colon > at) return undefined;
  return {
    head: scheme[0] + rest.slice(0, colon + 1),
    password: rest.slice(colon + 1, at),
    tail: rest.slice(at),
  };
}

/** Masks the password of a `databend://user:password@host/...` DSN, keeping the rest readable. */
export function maskDsn(dsn: string): string {
  const parts = splitDsn(dsn);
  return parts && parts.password ? `${parts.head}${MASK}${parts.tail}` : dsn;
}

/** The password of a DSN as written (percent-encoded or not), so that form can be masked too. */
export function dsnPasswordAsWritten(dsn: string): string | undefined {
  return splitDsn(dsn)?.password || undefined;
}

/** Extracts the (decoded) password of a DSN, so it can be masked wherever it might appear. */
export function dsnPassword(dsn: string): string | undefined {
  const password = splitDsn(dsn)?.password;
  if (!password) return undefined;
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}
