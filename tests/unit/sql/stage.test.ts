import {
  FileFormatInput,
  renderAlterStageComment,
  renderAlterStageFileFormat,
  renderAlterStageUrl,
  renderCreateStage,
  renderDescStage,
  renderDropStage,
  renderFileFormat,
  renderListStage,
  renderStageConnection,
} from "../../../provider/sql/stage";
import { TRICKY_STRINGS, shapeOf } from "../../helpers/sqlText";

describe("renderCreateStage", () => {
  it("renders an internal stage as a bare CREATE STAGE", () => {
    expect(renderCreateStage("raw", { source: { kind: "none" } })).toBe("CREATE STAGE raw");
  });

  it("renders an external stage on a connection with CONNECTION_NAME", () => {
    expect(
      renderCreateStage("my_s3_stage", {
        url: "s3://databend-toronto/",
        source: { kind: "connection", connectionName: "toronto" },
      }),
    ).toBe(
      "CREATE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    );
  });

  it("renders inline s3 credentials in the table's order, booleans as quoted text", () => {
    expect(
      renderCreateStage("landing", {
        url: "s3://bucket/in/",
        source: {
          kind: "credentials",
          storageType: "s3",
          params: {
            secretAccessKey: "sk",
            accessKeyId: "ak",
            enableVirtualHostStyle: true,
            region: "us-east-1",
          },
        },
      }),
    ).toBe(
      "CREATE STAGE landing URL = 's3://bucket/in/' CONNECTION = (REGION = 'us-east-1' ACCESS_KEY_ID = 'ak' " +
        "SECRET_ACCESS_KEY = 'sk' ENABLE_VIRTUAL_HOST_STYLE = 'true')",
    );
  });

  it("renders inline azblob credentials", () => {
    expect(
      renderCreateStage("az", {
        url: "azblob://container/path/",
        source: {
          kind: "credentials",
          storageType: "azblob",
          params: {
            endpointUrl: "https://acct.blob.core.windows.net",
            accountName: "acct",
            accountKey: "k==",
          },
        },
      }),
    ).toBe(
      "CREATE STAGE az URL = 'azblob://container/path/' CONNECTION = (ENDPOINT_URL = 'https://acct.blob.core.windows.net' " +
        "ACCOUNT_NAME = 'acct' ACCOUNT_KEY = 'k==')",
    );
  });

  it("leaves out the CONNECTION clause when the credentials are empty", () => {
    expect(
      renderCreateStage("pub", {
        url: "s3://public/",
        source: { kind: "credentials", storageType: "s3", params: {} },
      }),
    ).toBe("CREATE STAGE pub URL = 's3://public/'");
  });

  it("renders CREATE OR REPLACE when asked", () => {
    expect(
      renderCreateStage(
        "s",
        { url: "gcs://b/", source: { kind: "connection", connectionName: "g" } },
        { orReplace: true },
      ),
    ).toBe("CREATE OR REPLACE STAGE s URL = 'gcs://b/' CONNECTION = (CONNECTION_NAME = 'g')");
  });

  it("appends the file format after the connection", () => {
    expect(
      renderCreateStage("s", {
        url: "s3://b/p/",
        source: { kind: "connection", connectionName: "c" },
        fileFormat: { type: "CSV", skipHeader: 1 },
      }),
    ).toBe(
      "CREATE STAGE s URL = 's3://b/p/' CONNECTION = (CONNECTION_NAME = 'c') FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1)",
    );
  });

  it("renders an internal stage with a named file format", () => {
    expect(renderCreateStage("raw", { source: { kind: "none" }, fileFormat: { formatName: "my_csv" } })).toBe(
      "CREATE STAGE raw FILE_FORMAT = (FORMAT_NAME = 'my_csv')",
    );
  });

  it("refuses a stage name that is not a plain identifier", () => {
    expect(() => renderCreateStage("~", { source: { kind: "none" } })).toThrow(TypeError);
  });

  it("refuses a connection name that is not a plain identifier", () => {
    expect(() =>
      renderCreateStage("s", {
        url: "s3://b/",
        source: { kind: "connection", connectionName: "c') FILE_FORMAT = (" },
      }),
    ).toThrow(TypeError);
  });

  it.each(TRICKY_STRINGS.map((s) => [s]))("keeps the URL %j inside its literal", (url) => {
    const sql = renderCreateStage("s", { url, source: { kind: "connection", connectionName: "c" } });
    expect(shapeOf(sql)).toEqual({
      skeleton: "CREATE STAGE s URL = ? CONNECTION = (CONNECTION_NAME = ?)",
      literals: [url, "c"],
    });
  });

  it.each(TRICKY_STRINGS.map((s) => [s]))("keeps the credential %j inside its literal", (value) => {
    const sql = renderCreateStage("s", {
      url: "s3://b/",
      source: {
        kind: "credentials",
        storageType: "s3",
        params: { accessKeyId: "ak", secretAccessKey: value },
      },
    });
    expect(shapeOf(sql)).toEqual({
      skeleton: "CREATE STAGE s URL = ? CONNECTION = (ACCESS_KEY_ID = ? SECRET_ACCESS_KEY = ?)",
      literals: ["s3://b/", "ak", value],
    });
  });
});

describe("renderFileFormat", () => {
  const cases: [string, FileFormatInput, string][] = [
    [
      "CSV with every option",
      {
        type: "CSV",
        allowQuotedNulls: false,
        trimSpace: true,
        binaryFormat: "BASE64",
        outputHeader: true,
        emptyFieldAs: "FIELD_DEFAULT",
        errorOnColumnCountMismatch: false,
        nullDisplay: "\\N",
        nanDisplay: "NaN",
        skipHeader: 2,
        escape: "\\",
        quote: '"',
        fieldDelimiter: "|",
        recordDelimiter: "\n",
        compression: "GZIP",
      },
      "FILE_FORMAT = (TYPE = CSV COMPRESSION = GZIP RECORD_DELIMITER = '\n' FIELD_DELIMITER = '|' QUOTE = '\"' " +
        "ESCAPE = '\\\\' SKIP_HEADER = 2 NAN_DISPLAY = 'NaN' NULL_DISPLAY = '\\\\N' ERROR_ON_COLUMN_COUNT_MISMATCH = FALSE " +
        "EMPTY_FIELD_AS = FIELD_DEFAULT OUTPUT_HEADER = TRUE BINARY_FORMAT = BASE64 TRIM_SPACE = TRUE " +
        "ALLOW_QUOTED_NULLS = FALSE)",
    ],
    ["CSV with skipHeader 0", { type: "CSV", skipHeader: 0 }, "FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 0)"],
    [
      "TSV",
      {
        type: "TSV",
        compression: "ZSTD",
        recordDelimiter: "\r\n",
        fieldDelimiter: "\t",
        nanDisplay: "nan",
        nullDisplay: "NULL",
      },
      "FILE_FORMAT = (TYPE = TSV COMPRESSION = ZSTD RECORD_DELIMITER = '\r\n' FIELD_DELIMITER = '\t' NAN_DISPLAY = 'nan' NULL_DISPLAY = 'NULL')",
    ],
    [
      "NDJSON",
      { type: "NDJSON", compression: "AUTO", missingFieldAs: "NULL", nullFieldAs: "FIELD_DEFAULT" },
      "FILE_FORMAT = (TYPE = NDJSON COMPRESSION = AUTO MISSING_FIELD_AS = NULL NULL_FIELD_AS = FIELD_DEFAULT)",
    ],
    [
      "PARQUET",
      { type: "PARQUET", missingFieldAs: "ERROR" },
      "FILE_FORMAT = (TYPE = PARQUET MISSING_FIELD_AS = ERROR)",
    ],
    ["PARQUET with no options", { type: "PARQUET" }, "FILE_FORMAT = (TYPE = PARQUET)"],
    [
      "ORC",
      { type: "ORC", missingFieldAs: "FIELD_DEFAULT" },
      "FILE_FORMAT = (TYPE = ORC MISSING_FIELD_AS = FIELD_DEFAULT)",
    ],
    [
      "AVRO",
      { type: "AVRO", compression: "SNAPPY", missingFieldAs: "FIELD_DEFAULT" },
      "FILE_FORMAT = (TYPE = AVRO COMPRESSION = 'SNAPPY' MISSING_FIELD_AS = FIELD_DEFAULT)",
    ],
    ["a named file format", { formatName: "my_csv" }, "FILE_FORMAT = (FORMAT_NAME = 'my_csv')"],
    ["a named file format with a quote", { formatName: "a'b" }, "FILE_FORMAT = (FORMAT_NAME = 'a\\'b')"],
  ];

  it.each(cases)("renders %s", (_what, ff, expected) => {
    expect(renderFileFormat(ff)).toBe(expected);
  });

  it("skips options that are undefined or null", () => {
    expect(renderFileFormat({ type: "CSV", skipHeader: undefined, quote: null })).toBe(
      "FILE_FORMAT = (TYPE = CSV)",
    );
  });

  it("leaves out options that the type does not have", () => {
    expect(renderFileFormat({ type: "PARQUET", skipHeader: 1, fieldDelimiter: "|" })).toBe(
      "FILE_FORMAT = (TYPE = PARQUET)",
    );
  });

  it.each([
    ["a negative integer", -1],
    ["a fraction", 1.5],
    ["a numeric string", "1"],
    ["an unsafe integer", 2 ** 60],
  ])("refuses %s for an integer option", (_what, skipHeader) => {
    expect(() => renderFileFormat({ type: "CSV", skipHeader })).toThrow("skipHeader must be an integer");
  });

  it("refuses a string for a boolean option", () => {
    expect(() => renderFileFormat({ type: "CSV", outputHeader: "true" })).toThrow(
      "outputHeader must be a boolean",
    );
  });

  it("refuses an unknown type", () => {
    expect(() => renderFileFormat({ type: "LANCE" })).toThrow('unknown file format type "LANCE"');
  });

  it.each(TRICKY_STRINGS.map((s) => [s]))("keeps the field delimiter %j inside its literal", (value) => {
    const sql = renderFileFormat({ type: "CSV", fieldDelimiter: value, skipHeader: 1 });
    expect(shapeOf(sql)).toEqual({
      skeleton: "FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ? SKIP_HEADER = 1)",
      literals: [value],
    });
  });
});

describe("renderStageConnection", () => {
  it("renders nothing for a stage without a source", () => {
    expect(renderStageConnection({ kind: "none" })).toBe("");
  });
});

describe("renderAlterStageUrl", () => {
  it("re-copies a connection with SET URL and CONNECTION_NAME in one statement", () => {
    expect(
      renderAlterStageUrl("my_s3_stage", "s3://databend-toronto/", {
        kind: "connection",
        connectionName: "toronto_v2",
      }),
    ).toBe(
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto_v2')",
    );
  });

  it("sets inline credentials", () => {
    expect(
      renderAlterStageUrl("s", "gcs://b/p/", {
        kind: "credentials",
        storageType: "gcs",
        params: { credential: "Y3JlZA==" },
      }),
    ).toBe("ALTER STAGE s SET URL = 'gcs://b/p/' CONNECTION = (CREDENTIAL = 'Y3JlZA==')");
  });

  it("sets only the URL when there is no source", () => {
    expect(renderAlterStageUrl("s", "s3://public/", { kind: "none" })).toBe(
      "ALTER STAGE s SET URL = 's3://public/'",
    );
  });
});

describe("renderAlterStageFileFormat", () => {
  it("sets a typed file format", () => {
    expect(renderAlterStageFileFormat("s", { type: "NDJSON", compression: "GZIP" })).toBe(
      "ALTER STAGE s SET FILE_FORMAT = (TYPE = NDJSON COMPRESSION = GZIP)",
    );
  });

  it("sets a named file format", () => {
    expect(renderAlterStageFileFormat("s", { formatName: "f" })).toBe(
      "ALTER STAGE s SET FILE_FORMAT = (FORMAT_NAME = 'f')",
    );
  });

  it("unsets the file format when there is none", () => {
    expect(renderAlterStageFileFormat("s", undefined)).toBe("ALTER STAGE s UNSET FILE_FORMAT");
  });
});

describe("renderAlterStageComment", () => {
  it("sets a comment as a literal", () => {
    expect(renderAlterStageComment("s", "landing zone's files")).toBe(
      "ALTER STAGE s SET COMMENT = 'landing zone\\'s files'",
    );
  });

  it.each([[undefined], [""]])("unsets the comment when it is %j", (comment) => {
    expect(renderAlterStageComment("s", comment)).toBe("ALTER STAGE s UNSET COMMENT");
  });

  it.each(TRICKY_STRINGS.filter((s) => s !== "").map((s) => [s]))(
    "keeps the comment %j inside its literal",
    (comment) => {
      expect(shapeOf(renderAlterStageComment("s", comment))).toEqual({
        skeleton: "ALTER STAGE s SET COMMENT = ?",
        literals: [comment],
      });
    },
  );
});

describe("renderDescStage, renderListStage and renderDropStage", () => {
  it("renders DESC STAGE", () => {
    expect(renderDescStage("raw")).toBe("DESC STAGE raw");
  });

  it("renders LIST @stage", () => {
    expect(renderListStage("raw")).toBe("LIST @raw");
  });

  it("renders DROP STAGE IF EXISTS", () => {
    expect(renderDropStage("raw")).toBe("DROP STAGE IF EXISTS raw");
  });

  it.each([
    ["DESC", renderDescStage],
    ["LIST", renderListStage],
    ["DROP", renderDropStage],
  ])("%s refuses a name that is not a plain identifier", (_what, render) => {
    expect(() => render("raw; DROP STAGE other")).toThrow(TypeError);
  });
});
