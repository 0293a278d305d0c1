/**
 * Stage file formats and their options: the one table of rules that drives the TypeScript types'
 * check (a unit test compares sdk/stage.ts with it), the ajv schemas, the plugin schema, the SQL,
 * the refresh comparison, the version gates checked at preview and docs/coverage.md.
 *
 * Every type, option and value here was sent to the engines the project tests (Databend 1.2.453,
 * 1.2.810 and 1.2.895; tests/e2e/fileFormatMatrix.e2e.test.ts) and is accepted by at least one of
 * them; `since` is the first Databend version whose grammar and binder take it (read from
 * databendlabs/databend's history), so preview can refuse it on an older server.
 */

import { isUnknown } from "../validation/unknowns";

/** The first Databend version that accepts something, and what that something is called in messages. */
export interface VersionGate {
  /** `x.y.z`: the first version that accepts it. */
  readonly since: string;
  /** What needs the version, as a message names it: `TYPE = AVRO`, `TRIM_SPACE`, `COMPRESSION = 'ZIP'`. */
  readonly what: string;
}

/**
 * A rule on an option's value beyond its JSON type: `problem` says why a value is refused on every
 * server (undefined when it is fine), `gate` which version a value needs when only newer servers take it.
 */
export interface ValueRule {
  /** What the rule allows, in words (docs and messages). */
  readonly text: string;
  /** Why `value` is refused on every supported server, or undefined. */
  problem(value: string): string | undefined;
  /** The version `value` needs, when it is accepted only from some version on. */
  gate?(value: string): VersionGate | undefined;
}

/** How one file-format option is typed, checked and sent. */
export interface FormatOptionSpec {
  /** The option key in SQL. */
  readonly sql: string;
  /** The key in DESC STAGE's `file_format_options`, when it is not `sql` in lower case. */
  readonly serverKey?: string;
  /**
   * `string`: a quoted literal; `integer`/`boolean`: a validated number or TRUE/FALSE; `enum`: a
   * keyword from the closed set `values` (Databend's grammar takes some of these only unquoted);
   * `stringList`: `('a', 'b')`.
   */
  readonly type: "string" | "integer" | "boolean" | "enum" | "stringList";
  /** Allowed values for `enum` options. */
  readonly values?: readonly string[];
  /** `enum` values sent as quoted literals (they are not keywords in every supported grammar). */
  readonly quoted?: readonly string[];
  /**
   * `enum` values accepted only from some version on (older servers refuse them, or accept them and
   * keep something else: preview refuses both).
   */
  readonly valueSince?: Readonly<Record<string, string>>;
  /**
   * Values some servers store as another value of the same effect (read back as such, never drift):
   * Parquet `COMPRESSION = AUTO` is kept as `ZSTD`, Parquet's own default, by 1.2.810.
   */
  readonly storedAs?: Readonly<Record<string, readonly string[]>>;
  /** Value domain of a `string` option, beyond being a string. */
  readonly rule?: ValueRule;
  /** The first version that accepts the option for this type (absent: every supported version). */
  readonly since?: string;
  /** What the option does (SDK docs, plugin schema, docs/coverage.md). */
  readonly doc: string;
}

/** A file format type: how it is written in SQL, since when, and its options. */
export interface FileFormatTypeSpec {
  /** `TYPE = <sql>`: a keyword, or a quoted literal where no supported grammar has the keyword. */
  readonly sql: string;
  /** The first version that accepts the type (absent: every supported version). */
  readonly since?: string;
  /** What it is, in words. */
  readonly doc: string;
  /** Options by input name (camelCase). */
  readonly options: Readonly<Record<string, FormatOptionSpec>>;
}

const ALNUM = /^[A-Za-z0-9]$/;
const bytes = (s: string): number => Buffer.byteLength(s, "utf8");
/** One byte that is not a letter or digit (an ASCII character). */
const oneNonAlnumByte = (s: string): boolean => bytes(s) === 1 && !ALNUM.test(s);
const choices = (vs: readonly string[]) => vs.map((v) => JSON.stringify(v)).join(", ");

function oneOf(allowed: readonly string[]): ValueRule {
  return {
    text: `one of ${choices(allowed)}`,
    problem: (v) => (allowed.includes(v) ? undefined : `must be one of ${choices(allowed)}`),
  };
}

/** Before 1.2.866 an empty CSV NULL_DISPLAY is stored as the default `\N`. */
const csvNullDisplayRule: ValueRule = {
  text: "any text (empty: Databend 1.2.866 or later)",
  problem: () => undefined,
  gate: (v) =>
    v === "" ? { since: "1.2.866", what: "an empty NULL_DISPLAY (older servers keep \\N)" } : undefined,
};

const recordDelimiterRule: ValueRule = {
  text: 'one byte that is not a letter or digit, or "\\r\\n"',
  problem: (v) =>
    oneNonAlnumByte(v) || v === "\r\n"
      ? undefined
      : 'must be one byte that is not a letter or digit, or "\\r\\n"',
};

/** CSV: 1 to 20 bytes, not one letter or digit; more than one byte from 1.2.874. */
const csvFieldDelimiterRule: ValueRule = {
  text: "1 to 20 bytes, not one letter or digit (more than one byte: Databend 1.2.874 or later)",
  problem: (v) =>
    v === ""
      ? "must not be empty"
      : bytes(v) > 20
        ? "must be at most 20 bytes"
        : ALNUM.test(v)
          ? "must not be a letter or digit"
          : undefined,
  gate: (v) =>
    bytes(v) > 1 ? { since: "1.2.874", what: "a FIELD_DELIMITER of more than one byte" } : undefined,
};

/** TSV/TEXT: one byte, not a letter or digit; empty from 1.2.886. */
const tsvFieldDelimiterRule: ValueRule = {
  text: "one byte that is not a letter or digit, or empty (empty: Databend 1.2.886 or later)",
  problem: (v) =>
    v === "" || oneNonAlnumByte(v) ? undefined : "must be one byte that is not a letter or digit, or empty",
  gate: (v) => (v === "" ? { since: "1.2.886", what: "an empty FIELD_DELIMITER" } : undefined),
};

/** 1.2.453-1.2.469 check 1 to 1024 bytes; 1.2.470 (which stopped reading XML) checks nothing. */
const rowTagRule: ValueRule = {
  text: "1 to 1024 bytes (any text on Databend 1.2.470 or later)",
  problem: () => undefined,
  gate: (v) =>
    v === ""
      ? { since: "1.2.470", what: "an empty ROW_TAG" }
      : bytes(v) > 1024
        ? { since: "1.2.470", what: "a ROW_TAG longer than 1024 bytes" }
        : undefined,
};

/**
 * Whether Node knows the WHATWG encoding labels beyond UTF-8 (full ICU, Node's default build); with a
 * small ICU only emptiness is checked and the server judges the label.
 */
const FULL_LABELS = ((): boolean => {
  try {
    return new TextDecoder("gbk").encoding === "gbk";
  } catch {
    return false;
  }
})();

/**
 * A WHATWG encoding label, as Databend reads it (encoding_rs `for_label_no_replacement`): Node's
 * TextDecoder knows the same labels, except `x-user-defined`, and refuses the `replacement` ones too.
 */
function knownEncodingLabel(label: string): boolean {
  const l = label.trim().toLowerCase();
  if (!FULL_LABELS || l === "x-user-defined") return true;
  try {
    return new TextDecoder(l).encoding !== "replacement";
  } catch {
    return false;
  }
}

const encodingRule: ValueRule = {
  text: 'a WHATWG encoding label, e.g. "UTF-8", "GBK", "latin1"',
  problem: (v) =>
    v.trim() === ""
      ? "must not be empty"
      : knownEncodingLabel(v)
        ? undefined
        : 'must be a WHATWG encoding label, e.g. "UTF-8", "GBK", "latin1"',
};

const COMPRESSIONS = [
  "AUTO",
  "NONE",
  "GZIP",
  "BZ2",
  "BROTLI",
  "ZSTD",
  "DEFLATE",
  "RAWDEFLATE",
  "XZ",
  "SNAPPY",
  "ZIP",
  "LZO",
] as const;

const compression: FormatOptionSpec = {
  sql: "COMPRESSION",
  type: "enum",
  values: COMPRESSIONS,
  // Not keywords in 1.2.453's grammar (LZO in none): sent as literals, which every version reads.
  quoted: ["SNAPPY", "ZIP", "LZO"],
  valueSince: { ZIP: "1.2.764" },
  doc: "Compression of staged files. Defaults to `AUTO` (`ZSTD` for Parquet, which applies it when unloading).",
};
const missingFieldAs: FormatOptionSpec = {
  sql: "MISSING_FIELD_AS",
  type: "enum",
  values: ["ERROR", "NULL", "FIELD_DEFAULT"],
  doc: "What a field missing from a file becomes. Defaults to `ERROR`.",
};
const nullIf: FormatOptionSpec = {
  sql: "NULL_IF",
  type: "stringList",
  doc: "Strings read as NULL.",
};
const useLogicType: FormatOptionSpec = {
  sql: "USE_LOGIC_TYPE",
  type: "boolean",
  since: "1.2.764",
  doc: "Read logical types (dates, decimals) instead of their physical representation. Defaults to `true`.",
};
const str = (sql: string, doc: string, rule?: ValueRule, since?: string): FormatOptionSpec => ({
  sql,
  type: "string",
  doc,
  ...(rule ? { rule } : {}),
  ...(since ? { since } : {}),
});
const bool = (sql: string, doc: string, since?: string): FormatOptionSpec => ({
  sql,
  type: "boolean",
  doc,
  ...(since ? { since } : {}),
});
const skipHeader: FormatOptionSpec = {
  sql: "SKIP_HEADER",
  serverKey: "headers",
  type: "integer",
  doc: "Number of header lines to skip. Defaults to `0`.",
};
const recordDelimiter = str("RECORD_DELIMITER", "Record delimiter. Defaults to `\\n`.", recordDelimiterRule);
const quote = (dflt: string) =>
  str(
    "QUOTE",
    `Quote character: a single quote, a double quote or a backtick. Defaults to ${dflt}.`,
    oneOf(["'", '"', "`"]),
  );
const escape = (dflt: string) =>
  str("ESCAPE", `Escape character: a backslash or empty. Defaults to ${dflt}.`, oneOf(["\\", ""]));
const nanDisplay = str(
  "NAN_DISPLAY",
  "Text for NaN: `nan`, `NaN`, `null` or `NULL`.",
  oneOf(["nan", "NaN", "null", "NULL"]),
);
const EMPTY_FIELD_VALUES = ["NULL", "STRING", "FIELD_DEFAULT"];
const encoding = str(
  "ENCODING",
  "Character encoding of the files. Defaults to `UTF-8`.",
  encodingRule,
  "1.2.895",
);
const encodingErrorMode = str(
  "ENCODING_ERROR_MODE",
  "What an invalid byte sequence does: `strict` (fail) or `replace`. Defaults to `strict`.",
  oneOf(["strict", "replace"]),
  "1.2.895",
);

/** TSV and TEXT (one format under two names; Databend reports both as `Text`). */
const textOptions = {
  compression,
  recordDelimiter,
  fieldDelimiter: str("FIELD_DELIMITER", "Field delimiter. Defaults to a tab.", tsvFieldDelimiterRule),
  quote: quote("a double quote (a single quote on 1.2.810 and older)"),
  escape: escape("a backslash"),
  skipHeader,
  nanDisplay,
  nullDisplay: str("NULL_DISPLAY", "Text for NULL. Defaults to `\\N`.", undefined, "1.2.891"),
  emptyFieldAs: {
    sql: "EMPTY_FIELD_AS",
    type: "enum",
    values: EMPTY_FIELD_VALUES,
    since: "1.2.891",
    doc: "What an empty field becomes. Defaults to `FIELD_DEFAULT`.",
  },
  errorOnColumnCountMismatch: bool(
    "ERROR_ON_COLUMN_COUNT_MISMATCH",
    "Fail when a row has the wrong number of columns. Defaults to `true`.",
    "1.2.891",
  ),
  outputHeader: bool("OUTPUT_HEADER", "Write a header line when unloading. Defaults to `false`.", "1.2.891"),
  trimSpace: bool("TRIM_SPACE", "Trim spaces around fields. Defaults to `false`.", "1.2.895"),
  encoding,
  encodingErrorMode,
} as const satisfies Record<string, FormatOptionSpec>;

const formats = {
  CSV: {
    sql: "CSV",
    doc: "Comma-separated values.",
    options: {
      compression,
      recordDelimiter,
      fieldDelimiter: str("FIELD_DELIMITER", "Field delimiter. Defaults to `,`.", csvFieldDelimiterRule),
      quote: quote("a double quote"),
      escape: escape("empty"),
      skipHeader,
      nanDisplay,
      nullDisplay: str("NULL_DISPLAY", "Text for NULL. Defaults to `\\N`.", csvNullDisplayRule),
      errorOnColumnCountMismatch: bool(
        "ERROR_ON_COLUMN_COUNT_MISMATCH",
        "Fail when a row has the wrong number of columns. Defaults to `true`.",
      ),
      emptyFieldAs: {
        sql: "EMPTY_FIELD_AS",
        type: "enum",
        values: EMPTY_FIELD_VALUES,
        // 1.2.453-1.2.546 store FIELD_DEFAULT under a misspelt name that they cannot read back: every
        // later statement on any stage then fails with error 2001.
        valueSince: { FIELD_DEFAULT: "1.2.547" },
        doc: "What an empty field becomes. Defaults to `NULL`.",
      },
      outputHeader: bool("OUTPUT_HEADER", "Write a header line when unloading. Defaults to `false`."),
      binaryFormat: {
        sql: "BINARY_FORMAT",
        type: "enum",
        values: ["HEX", "BASE64"],
        doc: "Encoding of binary values. Defaults to `HEX`.",
      },
      trimSpace: bool("TRIM_SPACE", "Trim spaces around fields. Defaults to `false`.", "1.2.895"),
      allowQuotedNulls: bool(
        "ALLOW_QUOTED_NULLS",
        "Read a quoted NULL_DISPLAY text as NULL. Defaults to `false`.",
        "1.2.866",
      ),
      quotedEmptyFieldAs: {
        sql: "QUOTED_EMPTY_FIELD_AS",
        type: "enum",
        values: EMPTY_FIELD_VALUES,
        since: "1.2.866",
        doc: 'What a quoted empty field (`""`) becomes. Defaults to `STRING`.',
      },
      encoding,
      encodingErrorMode,
    },
  },
  TSV: { sql: "TSV", doc: "Tab-separated values (Databend reports them as `Text`).", options: textOptions },
  TEXT: {
    sql: "TEXT",
    since: "1.2.890",
    doc: "Databend's newer name for TSV, with the same options.",
    options: textOptions,
  },
  NDJSON: {
    sql: "NDJSON",
    doc: "Newline-delimited JSON.",
    options: {
      compression,
      missingFieldAs,
      nullFieldAs: {
        sql: "NULL_FIELD_AS",
        type: "enum",
        values: ["NULL", "FIELD_DEFAULT"],
        doc: "What a null field becomes. Defaults to `NULL`.",
      },
      nullIf,
    },
  },
  PARQUET: {
    sql: "PARQUET",
    doc: "Parquet (Databend's default format).",
    options: {
      compression: { ...compression, since: "1.2.713", storedAs: { AUTO: ["ZSTD"] } },
      // Parsed by 1.2.453-1.2.557, but not stored: they keep ERROR.
      missingFieldAs: { ...missingFieldAs, valueSince: { NULL: "1.2.558", FIELD_DEFAULT: "1.2.558" } },
      useLogicType,
      nullIf: { ...nullIf, since: "1.2.528" },
    },
  },
  ORC: {
    sql: "ORC",
    since: "1.2.513",
    doc: "ORC (read only).",
    // Parsed by 1.2.513-1.2.553, but not stored: they keep ERROR.
    options: {
      missingFieldAs: { ...missingFieldAs, valueSince: { NULL: "1.2.554", FIELD_DEFAULT: "1.2.554" } },
    },
  },
  AVRO: {
    sql: "AVRO",
    since: "1.2.704",
    doc: "Avro.",
    options: {
      compression,
      missingFieldAs: {
        ...missingFieldAs,
        values: ["ERROR", "FIELD_DEFAULT"],
        doc: "What a field missing from a file becomes: `ERROR` or `FIELD_DEFAULT` (Avro has no `NULL` here). Defaults to `ERROR`.",
      },
      useLogicType,
      nullIf,
    },
  },
  JSON: { sql: "JSON", doc: "JSON documents.", options: { compression } },
  XML: {
    // The keyword exists in 1.2.453's grammar only; the literal is read by every version.
    sql: "'XML'",
    doc: "XML. Databend 1.2.470 and later keep the format on a stage but no longer read XML files.",
    options: {
      compression,
      rowTag: str("ROW_TAG", "The element that holds one row. Defaults to `row`.", rowTagRule),
    },
  },
} as const satisfies Record<string, FileFormatTypeSpec>;

/** File format types a stage accepts. */
export type FileFormatType = keyof typeof formats;

/** Every file format type: its SQL, version gate, description and options. */
export const FILE_FORMAT_TYPE_SPECS: Readonly<Record<FileFormatType, FileFormatTypeSpec>> = formats;

/** Options per file format type (input name to spec): the same table as {@link FILE_FORMAT_TYPE_SPECS}. */
export const FILE_FORMATS: Readonly<Record<FileFormatType, Readonly<Record<string, FormatOptionSpec>>>> =
  Object.fromEntries(
    Object.entries(FILE_FORMAT_TYPE_SPECS).map(([t, spec]: [string, FileFormatTypeSpec]) => [
      t,
      spec.options,
    ]),
  ) as Record<FileFormatType, Readonly<Record<string, FormatOptionSpec>>>;

/** File format types in a stable order. */
export const FILE_FORMAT_TYPES = Object.keys(formats) as FileFormatType[];

/**
 * Types and options Databend has that are not offered, with the reason: no engine the project tests
 * accepts them on a stage, so no test could prove them (docs/coverage.md lists them).
 */
export const NOT_OFFERED: readonly { readonly what: string; readonly why: string }[] = [
  { what: "TYPE = ARROW, TYPE = ARROW_STREAM", why: "first in Databend 1.2.919" },
  { what: "TYPE = LANCE", why: "Databend refuses it on stages (COPY INTO <location> only)" },
  { what: "CSV QUOTE_STYLE", why: "first in Databend 1.2.897" },
  { what: "GEOMETRY_FORMAT", why: "documented by Databend but not in its FILE_FORMAT grammar" },
];

/** How DESC STAGE names each type in `file_format_options.type` (TSV and TEXT are both `Text`). */
const SERVER_TYPE_NAMES: Readonly<Record<string, FileFormatType>> = {
  csv: "CSV",
  tsv: "TSV",
  text: "TSV",
  ndjson: "NDJSON",
  parquet: "PARQUET",
  orc: "ORC",
  avro: "AVRO",
  json: "JSON",
  xml: "XML",
};

/** The file format type for a name DESC STAGE reports (`Csv`, `Text`, `NdJson`, ...). */
export function fileFormatTypeFromServer(name: unknown): FileFormatType | undefined {
  return SERVER_TYPE_NAMES[String(name).toLowerCase()];
}

/** True when `a` and `b` are the same format under two names (TSV and TEXT). */
export function sameFormatType(a: FileFormatType, b: FileFormatType): boolean {
  const norm = (t: FileFormatType) => (t === "TEXT" ? "TSV" : t);
  return norm(a) === norm(b);
}

/** True when `t` is a known file format type. */
export function isFileFormatType(t: unknown): t is FileFormatType {
  return typeof t === "string" && Object.prototype.hasOwnProperty.call(formats, t);
}

/** The key DESC STAGE uses for an option. */
export function serverKeyOf(spec: FormatOptionSpec): string {
  return spec.serverKey ?? spec.sql.toLowerCase();
}

/** A version gate that one input of a file format hits, with the input's path inside the format. */
export interface FormatGate extends VersionGate {
  /** `type`, or the option's input name. */
  readonly property: string;
}

/**
 * Every version gate the file format `ff` uses (its type, its options, their values), whatever the
 * server: preview reads the server version only when this is not empty. Unknown types and options
 * (refused by the schema) and values not known yet (preview) are skipped.
 */
export function fileFormatGates(ff: Readonly<Record<string, unknown>>): FormatGate[] {
  const type = ff.type;
  if (!isFileFormatType(type)) return [];
  const spec: FileFormatTypeSpec = FILE_FORMAT_TYPE_SPECS[type];
  const gates: FormatGate[] = [];
  if (spec.since) gates.push({ property: "type", since: spec.since, what: `TYPE = ${type}` });
  for (const [key, o] of Object.entries(FILE_FORMATS[type])) {
    const v = ff[key];
    if (v === undefined || v === null) continue;
    if (o.since) gates.push({ property: key, since: o.since, what: o.sql });
    if (typeof v === "string" && !isUnknown(v)) {
      const valueSince = o.valueSince?.[v];
      if (valueSince) gates.push({ property: key, since: valueSince, what: `${o.sql} = ${v}` });
      const g = o.rule?.gate?.(v);
      if (g) gates.push({ property: key, ...g });
    }
  }
  return gates;
}

/** Problems with the values of `ff`'s string options that no supported server accepts. */
export function fileFormatValueProblems(
  ff: Readonly<Record<string, unknown>>,
): { property: string; reason: string }[] {
  const type = ff.type;
  if (!isFileFormatType(type)) return [];
  const out: { property: string; reason: string }[] = [];
  for (const [key, o] of Object.entries(FILE_FORMATS[type])) {
    const v = ff[key];
    if (typeof v !== "string" || !o.rule) continue;
    const reason = o.rule.problem(v);
    if (reason) out.push({ property: key, reason: `${reason} (${o.sql})` });
  }
  return out;
}
