/**
 * A small reader for the SQL the provider renders, following Databend's string-literal rules: a
 * literal is `'...'`, inside it `\` escapes the next character (`\n` is a newline, `\\` a backslash,
 * `\'` a quote) and `''` is a quote. Tests use it to prove that a value comes back exactly and that
 * nothing escapes its literal.
 */

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  t: "\t",
  r: "\r",
  b: "\b",
  f: "\f",
  "0": "\0",
};

/** A statement split into its skeleton (every literal replaced by `?`) and the decoded literals. */
export interface SqlShape {
  skeleton: string;
  literals: string[];
}

/** Splits `sql` into skeleton and literals; throws on an unterminated literal. */
export function shapeOf(sql: string): SqlShape {
  let skeleton = "";
  const literals: string[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch !== "'") {
      skeleton += ch;
      i++;
      continue;
    }
    let value = "";
    i++;
    for (;;) {
      if (i >= sql.length) throw new Error(`unterminated literal in: ${sql}`);
      const c = sql[i] as string;
      if (c === "\\") {
        const next = sql[i + 1];
        if (next === undefined) throw new Error(`dangling backslash in: ${sql}`);
        value += ESCAPES[next] ?? next;
        i += 2;
      } else if (c === "'" && sql[i + 1] === "'") {
        value += "'";
        i += 2;
      } else if (c === "'") {
        i++;
        break;
      } else {
        value += c;
        i++;
      }
    }
    literals.push(value);
    skeleton += "?";
  }
  return { skeleton, literals };
}

/** Decodes one complete literal such as `'it\'s'`; throws when `text` is not exactly one literal. */
export function decodeLiteral(text: string): string {
  const { skeleton, literals } = shapeOf(text);
  if (skeleton !== "?" || literals.length !== 1) throw new Error(`not a single literal: ${text}`);
  return literals[0] as string;
}

/** Strings that have broken naive quoting somewhere. */
export const TRICKY_STRINGS: readonly string[] = [
  "",
  "plain",
  "it's",
  "''",
  "\\",
  "\\'",
  "ends with backslash\\",
  "C:\\new\\table",
  "\\n is not a newline",
  "line one\nline two\r\n",
  "tab\there",
  "'; DROP CONNECTION toronto; --",
  "x' STORAGE_TYPE = 'fs",
  "\\'; DROP STAGE raw; --",
  "日本語のテキスト",
  "emoji 🔑🗝️ key",
  "NUL\u0000byte",
  '"double" `back`',
];
