/** The text every secret is replaced with. */
export const MASK = "***";

/**
 * Replaces every occurrence of each secret, of each of its lines, and of their SQL-escaped, JSON-escaped
 * and URL-encoded forms in `text`.
 * Values shorter than 3 characters are left alone, since masking them would garble ordinary text and
 * they carry no secret worth hiding.
 */
export function maskSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const forms = new Set<string>();
  for (const whole of secrets) {
    if (typeof whole !== "string") continue;
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
  return out;
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
