/** The text every secret is replaced with. */
export const MASK = "***";

/**
 * Replaces every occurrence of each secret (and of its SQL-escaped and URL-encoded forms) in `text`.
 * Values shorter than 3 characters are left alone, since masking them would garble ordinary text and
 * they carry no secret worth hiding.
 */
export function maskSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (typeof s !== "string" || s.length < 3) continue;
    forms.add(s);
    forms.add(s.replace(/\\/g, "\\\\").replace(/'/g, "''"));
    forms.add(encodeURIComponent(s));
  }
  // Longest first, so that a secret containing another is masked whole.
  let out = text;
  for (const f of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(f).join(MASK);
  }
  return out;
}

/** Masks the password of a `databend://user:password@host/...` DSN, keeping the rest readable. */
export function maskDsn(dsn: string): string {
  return dsn.replace(/^([a-z+]+:\/\/[^:/@]*:)([^@]*)@/i, (_m, head: string) => `${head}${MASK}@`);
}

/** Extracts the (decoded) password of a DSN, so it can be masked wherever it might appear. */
export function dsnPassword(dsn: string): string | undefined {
  const m = /^[a-z+]+:\/\/[^:/@]*:([^@]*)@/i.exec(dsn);
  if (!m || !m[1]) return undefined;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}
