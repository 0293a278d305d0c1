/**
 * Reads the `format_options` text of `SHOW FILE FORMATS` (`TYPE = CSV COMPRESSION = None
 * FIELD_DELIMITER = '|' SKIP_HEADER= 1 ...`), the only place Databend shows a named file format.
 * Servers print it with small variations, all seen on 1.2.453, 1.2.810 and 1.2.895: `KEY= v` and
 * `KEY = v`, a comma after some values (`TYPE = NDJSON, COMPRESSION = None`), quoted text with
 * Rust-style escapes (`'\\N'`, `'\"'`, `'\r\n'`), `TEXT` for TSV, and `NULL_FIELDS_AS` (or, on
 * 1.2.453, `NULL_FIELDS_AA`) for `NULL_FIELD_AS`. Options a server does not print are absent.
 */

import { FILE_FORMATS, fileFormatTypeFromServer, FileFormatType } from "./fileFormats";

/** SQL keys the servers print under another name. */
const PRINTED_AS: Readonly<Record<string, string>> = {
  NULL_FIELDS_AS: "NULL_FIELD_AS",
  NULL_FIELDS_AA: "NULL_FIELD_AS",
};

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", "0": "\0" };

/** The options printed in `text`, by upper-case SQL key; values unquoted and unescaped. */
export function parseFormatOptionsText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  const skip = (re: RegExp) => {
    while (i < n && re.test(text.charAt(i))) i++;
  };
  while (i < n) {
    skip(/[\s,]/);
    const start = i;
    skip(/[A-Za-z0-9_]/);
    const key = text.slice(start, i).toUpperCase();
    skip(/\s/);
    if (!key || text.charAt(i) !== "=") break; // not the layout this reads: stop, keep what was read
    i++;
    skip(/\s/);
    let value = "";
    if (text.charAt(i) === "'") {
      i++;
      while (i < n && text.charAt(i) !== "'") {
        const c = text.charAt(i);
        if (c === "\\" && i + 1 < n) {
          const e = text.charAt(i + 1);
          value += ESCAPES[e] ?? e;
          i += 2;
        } else {
          value += c;
          i++;
        }
      }
      i++; // the closing quote
    } else if (text.charAt(i) === "(") {
      const close = text.indexOf(")", i);
      value = text.slice(i, close < 0 ? n : close + 1);
      i = close < 0 ? n : close + 1;
    } else {
      const s = i;
      skip(/[^\s,]/);
      value = text.slice(s, i);
    }
    out[PRINTED_AS[key] ?? key] = value;
  }
  return out;
}

/**
 * The options printed in `text` in the shape of DESC STAGE's `file_format_options` (keys as
 * `FormatOptionSpec.serverKey`, or the SQL key in lower case; `type` as the server names it), so
 * one comparison serves a stage's inline format and a named one. Undefined for an unknown type.
 */
export function formatOptionsFromText(
  text: string,
): { type: FileFormatType; options: Record<string, unknown> } | undefined {
  const printed = parseFormatOptionsText(text);
  const type = fileFormatTypeFromServer(printed.TYPE);
  if (!type) return undefined;
  const options: Record<string, unknown> = { type: printed.TYPE };
  for (const spec of Object.values(FILE_FORMATS[type])) {
    const v = printed[spec.sql];
    if (v !== undefined) options[spec.serverKey ?? spec.sql.toLowerCase()] = v;
  }
  return { type, options };
}
