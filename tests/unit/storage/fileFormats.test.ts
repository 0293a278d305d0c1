import { UNKNOWN } from "../../../provider/validation/unknowns";
import {
  FILE_FORMATS,
  FILE_FORMAT_TYPES,
  FILE_FORMAT_TYPE_SPECS,
  fileFormatGates,
  fileFormatTypeFromServer,
  sameFormatType,
} from "../../../provider/storage/fileFormats";
import { renderFileFormatOptions } from "../../../provider/sql/stage";
import { validateFileFormat } from "../../../provider/validation/fileFormatSchema";
import { reconcileFileFormat } from "../../../provider/resources/stage";

type Format = { type: string } & Record<string, unknown>;

describe("validateFileFormat: value domains, on every server", () => {
  it.each<[string, Format, string]>([
    ["QUOTE outside ' \" `", { type: "CSV", quote: "#" }, `must be one of "'", "\\"", "\`" (QUOTE)`],
    ["ESCAPE other than \\ or empty", { type: "TSV", escape: "#" }, 'must be one of "\\\\", "" (ESCAPE)'],
    ["NAN_DISPLAY outside its domain", { type: "CSV", nanDisplay: "nope" }, "NAN_DISPLAY"],
    ["a two-letter RECORD_DELIMITER", { type: "CSV", recordDelimiter: "ab" }, "RECORD_DELIMITER"],
    ["a letter as RECORD_DELIMITER", { type: "TSV", recordDelimiter: "x" }, "RECORD_DELIMITER"],
    [
      "a letter as CSV FIELD_DELIMITER",
      { type: "CSV", fieldDelimiter: "a" },
      "must not be a letter or digit",
    ],
    ["an empty CSV FIELD_DELIMITER", { type: "CSV", fieldDelimiter: "" }, "must not be empty"],
    ["a 21-byte CSV FIELD_DELIMITER", { type: "CSV", fieldDelimiter: "|".repeat(21) }, "at most 20 bytes"],
    ["a two-byte TSV FIELD_DELIMITER", { type: "TSV", fieldDelimiter: "||" }, "one byte"],
    ["a multi-byte character as TSV FIELD_DELIMITER", { type: "TEXT", fieldDelimiter: "é" }, "one byte"],
    ["an empty ENCODING", { type: "CSV", encoding: " " }, "must not be empty (ENCODING)"],
    ["an ENCODING_ERROR_MODE other than strict/replace", { type: "CSV", encodingErrorMode: "x" }, "strict"],
  ])("refuses %s", (_what, ff, reason) => {
    const failures = validateFileFormat(ff);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toContain(reason);
  });

  it.each<[string, Format]>([
    ["AVRO missingFieldAs NULL", { type: "AVRO", missingFieldAs: "NULL" }],
    ["NDJSON nullFieldAs ERROR", { type: "NDJSON", nullFieldAs: "ERROR" }],
    ["ORC compression", { type: "ORC", compression: "GZIP" }],
    ["CSV nullIf", { type: "CSV", nullIf: ["a"] }],
    ["JSON nullIf", { type: "JSON", nullIf: ["a"] }],
    ["TSV binaryFormat", { type: "TSV", binaryFormat: "BASE64" }],
    ["TSV allowQuotedNulls", { type: "TSV", allowQuotedNulls: true }],
    ["NDJSON useLogicType", { type: "NDJSON", useLogicType: false }],
    ["nullIf that is not a list of strings", { type: "NDJSON", nullIf: ["a", 1] }],
  ])("refuses %s", (_what, ff) => {
    expect(validateFileFormat(ff)).not.toEqual([]);
  });

  it.each<[string, Format]>([
    [
      "CSV with every domain's edge",
      { type: "CSV", quote: "`", escape: "", recordDelimiter: "\r\n", fieldDelimiter: "|" },
    ],
    ["a 20-byte CSV FIELD_DELIMITER", { type: "CSV", fieldDelimiter: "|".repeat(20) }],
    ["a TSV on a tab and \\r\\n", { type: "TSV", fieldDelimiter: "\t", recordDelimiter: "\r\n", quote: "'" }],
    ["an empty TSV FIELD_DELIMITER", { type: "TSV", fieldDelimiter: "" }],
    ["NULL_IF lists", { type: "NDJSON", nullIf: ["", "NA"] }],
    ["an empty NULL_IF", { type: "PARQUET", nullIf: [] }],
    ["LZO", { type: "CSV", compression: "LZO" }],
    ["AVRO FIELD_DEFAULT", { type: "AVRO", missingFieldAs: "FIELD_DEFAULT", useLogicType: false }],
    ["XML", { type: "XML", rowTag: "item", compression: "GZIP" }],
  ])("accepts %s", (_what, ff) => {
    expect(validateFileFormat(ff)).toEqual([]);
  });
});

describe("validateFileFormat: version gates, given the server version", () => {
  it.each<[Format, string, string]>([
    [{ type: "AVRO" }, "1.2.453", "TYPE = AVRO needs Databend 1.2.704 or later; this server is 1.2.453"],
    [{ type: "ORC" }, "1.2.453", "TYPE = ORC needs Databend 1.2.513 or later; this server is 1.2.453"],
    [{ type: "TEXT" }, "1.2.810", "TYPE = TEXT needs Databend 1.2.890 or later; this server is 1.2.810"],
    [
      { type: "CSV", allowQuotedNulls: true },
      "1.2.810",
      "ALLOW_QUOTED_NULLS needs Databend 1.2.866 or later",
    ],
    [
      { type: "CSV", trimSpace: true },
      "1.2.891",
      "TRIM_SPACE needs Databend 1.2.895 or later; this server is 1.2.891",
    ],
    [{ type: "TSV", nullDisplay: "NULL" }, "1.2.810", "NULL_DISPLAY needs Databend 1.2.891 or later"],
    [
      { type: "CSV", fieldDelimiter: "||" },
      "1.2.810",
      "a FIELD_DELIMITER of more than one byte needs Databend 1.2.874",
    ],
    [{ type: "TSV", fieldDelimiter: "" }, "1.2.810", "an empty FIELD_DELIMITER needs Databend 1.2.886"],
    [{ type: "CSV", compression: "ZIP" }, "1.2.453", "COMPRESSION = ZIP needs Databend 1.2.764"],
    [
      { type: "CSV", emptyFieldAs: "FIELD_DEFAULT" },
      "1.2.453",
      "EMPTY_FIELD_AS = FIELD_DEFAULT needs Databend 1.2.547",
    ],
    [{ type: "PARQUET", nullIf: ["a"] }, "1.2.453", "NULL_IF needs Databend 1.2.528"],
    [{ type: "PARQUET", compression: "SNAPPY" }, "1.2.453", "COMPRESSION needs Databend 1.2.713"],
    [{ type: "PARQUET", useLogicType: true }, "1.2.453", "USE_LOGIC_TYPE needs Databend 1.2.764"],
    [{ type: "XML", rowTag: "" }, "1.2.453", "an empty ROW_TAG needs Databend 1.2.470"],
    [
      { type: "PARQUET", missingFieldAs: "NULL" },
      "1.2.453",
      "MISSING_FIELD_AS = NULL needs Databend 1.2.558",
    ],
    [
      { type: "CSV", nullDisplay: "" },
      "1.2.810",
      "an empty NULL_DISPLAY (older servers keep \\N) needs Databend 1.2.866",
    ],
    [
      { type: "XML", rowTag: "r".repeat(1025) },
      "1.2.453",
      "a ROW_TAG longer than 1024 bytes needs Databend 1.2.470",
    ],
  ])("refuses %j on %s", (ff, version, reason) => {
    const failures = validateFileFormat(ff, version);
    expect(failures.map((f) => f.reason)).toEqual([expect.stringContaining(reason)]);
  });

  it("accepts each gated input from its first version on", () => {
    for (const t of FILE_FORMAT_TYPES) {
      const since = FILE_FORMAT_TYPE_SPECS[t].since;
      if (since) expect(validateFileFormat({ type: t }, since)).toEqual([]);
    }
    expect(validateFileFormat({ type: "CSV", trimSpace: true, encoding: "GBK" }, "1.2.895")).toEqual([]);
    expect(validateFileFormat({ type: "CSV", fieldDelimiter: "||" }, "1.2.874")).toEqual([]);
  });

  it("names the property of each gate", () => {
    expect(fileFormatGates({ type: "AVRO", useLogicType: true, compression: "ZIP" })).toEqual([
      { property: "type", since: "1.2.704", what: "TYPE = AVRO" },
      { property: "compression", since: "1.2.764", what: "COMPRESSION = ZIP" },
      { property: "useLogicType", since: "1.2.764", what: "USE_LOGIC_TYPE" },
    ]);
    expect(fileFormatGates({ type: "CSV", skipHeader: 1, quote: "'" })).toEqual([]);
  });
});

describe("renderFileFormatOptions", () => {
  it.each<[Format, string]>([
    [{ type: "NDJSON", nullIf: ["", "it's"] }, "TYPE = NDJSON NULL_IF = ('', 'it\\'s')"],
    [{ type: "PARQUET", nullIf: [] }, "TYPE = PARQUET NULL_IF = ()"],
    [{ type: "CSV", compression: "LZO" }, "TYPE = CSV COMPRESSION = 'LZO'"],
    [{ type: "CSV", compression: "GZIP" }, "TYPE = CSV COMPRESSION = GZIP"],
    [{ type: "XML", rowTag: "item" }, "TYPE = 'XML' ROW_TAG = 'item'"],
    [{ type: "TEXT", quote: '"', skipHeader: 2 }, "TYPE = TEXT QUOTE = '\"' SKIP_HEADER = 2"],
    [
      { type: "CSV", quotedEmptyFieldAs: "NULL", encoding: "GBK", encodingErrorMode: "replace" },
      "TYPE = CSV QUOTED_EMPTY_FIELD_AS = NULL ENCODING = 'GBK' ENCODING_ERROR_MODE = 'replace'",
    ],
    [{ type: "PARQUET", useLogicType: false }, "TYPE = PARQUET USE_LOGIC_TYPE = FALSE"],
  ])("renders %j", (ff, sql) => {
    expect(renderFileFormatOptions(ff)).toBe(sql);
  });

  it("refuses a list with a non-string", () => {
    expect(() => renderFileFormatOptions({ type: "NDJSON", nullIf: [1] })).toThrow(/list of strings/);
  });
});

describe("refresh reads the new options back without false drift", () => {
  it("compares NULL_IF lists, and keeps TEXT the user's name for Databend's Text", () => {
    const server = { type: "Text", field_delimiter: "|", headers: 1, quote: '"', trim_space: true };
    expect(reconcileFileFormat({ type: "TEXT", fieldDelimiter: "|", skipHeader: 1 }, server)).toEqual({
      type: "TEXT",
      fieldDelimiter: "|",
      skipHeader: 1,
    });
    const nd = { type: "NdJson", null_if: ["", "NA"], compression: "Lzo", missing_field_as: "Error" };
    expect(reconcileFileFormat({ type: "NDJSON", nullIf: ["", "NA"], compression: "LZO" }, nd)).toEqual({
      type: "NDJSON",
      nullIf: ["", "NA"],
      compression: "LZO",
    });
    expect(reconcileFileFormat({ type: "NDJSON", nullIf: ["NA"] }, nd)).toEqual({
      type: "NDJSON",
      nullIf: ["", "NA"],
    });
    const parquet = { type: "Parquet", compression: "Zstd", missing_field_as: "Error" };
    expect(reconcileFileFormat({ type: "PARQUET", compression: "AUTO" }, parquet)).toEqual({
      type: "PARQUET",
      compression: "AUTO",
    });
    expect(reconcileFileFormat({ type: "PARQUET", compression: "SNAPPY" }, parquet)).toEqual({
      type: "PARQUET",
      compression: "ZSTD",
    });
    const xml = { type: "Xml", row_tag: "item", compression: "None" };
    expect(reconcileFileFormat({ type: "XML", rowTag: "item" }, xml)).toEqual({
      type: "XML",
      rowTag: "item",
    });
    const csv = {
      type: "Csv",
      encoding: "GBK",
      encoding_error_mode: "replace",
      quoted_empty_field_as: "Null",
    };
    const mine = { type: "CSV", encoding: "GBK", encodingErrorMode: "replace", quotedEmptyFieldAs: "NULL" };
    expect(reconcileFileFormat(mine, csv)).toEqual(mine);
  });

  it("maps every server type name the engines report", () => {
    for (const [name, t] of [
      ["Csv", "CSV"],
      ["Tsv", "TSV"],
      ["Text", "TSV"],
      ["NdJson", "NDJSON"],
      ["Parquet", "PARQUET"],
      ["Orc", "ORC"],
      ["Avro", "AVRO"],
      ["Json", "JSON"],
      ["Xml", "XML"],
    ]) {
      expect(fileFormatTypeFromServer(name)).toBe(t);
    }
    expect(sameFormatType("TSV", "TEXT")).toBe(true);
    expect(sameFormatType("CSV", "TEXT")).toBe(false);
  });

  it("has a server key for every option", () => {
    for (const t of FILE_FORMAT_TYPES)
      for (const o of Object.values(FILE_FORMATS[t])) expect(o.sql).toMatch(/^[A-Z_]+$/);
  });
});

describe("fileFormatGates with values not known at preview", () => {
  it("keeps the option's own gate and skips its value's", () => {
    expect(fileFormatGates({ type: "CSV", fieldDelimiter: UNKNOWN, trimSpace: UNKNOWN })).toEqual([
      { property: "trimSpace", since: "1.2.895", what: "TRIM_SPACE" },
    ]);
  });
});
