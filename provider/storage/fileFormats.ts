/**
 * Stage file formats and their options, as Databend's FILE_FORMAT grammar reads them. One table
 * drives the JSON schemas, the SQL and the refresh comparison.
 */

/** How one file-format option is typed and sent. */
export interface FormatOptionSpec {
  /** The option key in SQL. */
  readonly sql: string;
  /** The key in DESC STAGE's `file_format_options` JSON, when it is not `sql` in lower case. */
  readonly serverKey?: string;
  /**
   * `string`: a quoted literal; `integer`/`boolean`: a validated number or TRUE/FALSE; `enum`: a
   * keyword from the closed set `values` (Databend's grammar takes some of these only unquoted).
   */
  readonly type: "string" | "integer" | "boolean" | "enum";
  /** Allowed values for `enum` options. */
  readonly values?: readonly string[];
}

const compression: FormatOptionSpec = {
  sql: "COMPRESSION",
  type: "enum",
  values: ["AUTO", "NONE", "GZIP", "BZ2", "BROTLI", "ZSTD", "DEFLATE", "RAWDEFLATE", "XZ", "SNAPPY", "ZIP"],
};
const missingFieldAs: FormatOptionSpec = {
  sql: "MISSING_FIELD_AS",
  type: "enum",
  values: ["ERROR", "NULL", "FIELD_DEFAULT"],
};
const str = (sql: string): FormatOptionSpec => ({ sql, type: "string" });
const bool = (sql: string): FormatOptionSpec => ({ sql, type: "boolean" });

const formats = {
  CSV: {
    compression,
    recordDelimiter: str("RECORD_DELIMITER"),
    fieldDelimiter: str("FIELD_DELIMITER"),
    quote: str("QUOTE"),
    escape: str("ESCAPE"),
    skipHeader: { sql: "SKIP_HEADER", serverKey: "headers", type: "integer" },
    nanDisplay: str("NAN_DISPLAY"),
    nullDisplay: str("NULL_DISPLAY"),
    errorOnColumnCountMismatch: bool("ERROR_ON_COLUMN_COUNT_MISMATCH"),
    emptyFieldAs: { sql: "EMPTY_FIELD_AS", type: "enum", values: ["NULL", "STRING", "FIELD_DEFAULT"] },
    outputHeader: bool("OUTPUT_HEADER"),
    binaryFormat: { sql: "BINARY_FORMAT", type: "enum", values: ["HEX", "BASE64"] },
    trimSpace: bool("TRIM_SPACE"),
    allowQuotedNulls: bool("ALLOW_QUOTED_NULLS"),
  },
  TSV: {
    compression,
    recordDelimiter: str("RECORD_DELIMITER"),
    fieldDelimiter: str("FIELD_DELIMITER"),
    nanDisplay: str("NAN_DISPLAY"),
    nullDisplay: str("NULL_DISPLAY"),
  },
  NDJSON: {
    compression,
    missingFieldAs,
    nullFieldAs: { sql: "NULL_FIELD_AS", type: "enum", values: ["NULL", "FIELD_DEFAULT"] },
  },
  PARQUET: { missingFieldAs },
  ORC: { missingFieldAs },
  AVRO: { compression, missingFieldAs },
} as const satisfies Record<string, Record<string, FormatOptionSpec>>;

/** File format types a stage accepts. */
export type FileFormatType = keyof typeof formats;

/** Options per file format type. */
export const FILE_FORMATS: Readonly<Record<FileFormatType, Readonly<Record<string, FormatOptionSpec>>>> =
  formats;

/** File format types in a stable order. */
export const FILE_FORMAT_TYPES = Object.keys(formats) as FileFormatType[];

/** How DESC STAGE names each type in `file_format_options.type`. */
const SERVER_TYPE_NAMES: Readonly<Record<string, FileFormatType>> = {
  csv: "CSV",
  tsv: "TSV",
  text: "TSV",
  ndjson: "NDJSON",
  parquet: "PARQUET",
  orc: "ORC",
  avro: "AVRO",
};

/** The file format type for a name DESC STAGE reports (`Csv`, `Text`, `NdJson`, ...). */
export function fileFormatTypeFromServer(name: unknown): FileFormatType | undefined {
  return SERVER_TYPE_NAMES[String(name).toLowerCase()];
}

/** True when `t` is a known file format type. */
export function isFileFormatType(t: unknown): t is FileFormatType {
  return typeof t === "string" && Object.prototype.hasOwnProperty.call(formats, t);
}
