import * as fs from "fs";
import * as path from "path";
import { fileFormatTypeFromServer } from "../../../provider/storage/fileFormats";
import { StageRow, parseStageRow } from "../../../provider/storage/stageRow";

/** A fixture file of DESC STAGE rows (see tests/fixtures/stageRows). */
interface Fixture {
  version?: string;
  rows: Record<string, { sql: string; row: Record<string, unknown> }>;
}

const DIR = path.join(__dirname, "..", "..", "fixtures", "stageRows");
const load = (file: string): Fixture => JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Fixture;
const LIVE = ["live-1.2.895.json", "live-1.2.810.json", "live-1.2.453.json"];

/** What the provider compares, and must read the same from every layout. */
function comparable(r: StageRow): Record<string, unknown> {
  return {
    name: r.name,
    stageType: r.stageType,
    storageType: r.storageType,
    url: r.url,
    endpoint: r.endpoint,
    comment: r.comment,
    formatType: fileFormatTypeFromServer(r.fileFormat.type),
    fieldDelimiter: r.fileFormat.field_delimiter,
    recordDelimiter: r.fileFormat.record_delimiter,
    bucket: r.storageParams.bucket,
    root: r.storageParams.root,
    region: r.storageParams.region,
    roleArn: r.storageParams.role_arn,
  };
}

describe("parseStageRow on rows captured from real engines", () => {
  it.each([
    ["live-1.2.895.json", "columns"],
    ["live-1.2.810.json", "debug"],
    ["live-1.2.453.json", "debug"],
  ])("reads every stage of %s (%s layout)", (file, layout) => {
    const fx = load(file);
    expect(Object.keys(fx.rows).length).toBeGreaterThanOrEqual(6);
    for (const { row } of Object.values(fx.rows)) expect(parseStageRow(row).layout).toBe(layout);
  });

  it("reads an external stage of the older layout like the newer one", () => {
    const row = parseStageRow(load("live-1.2.810.json").rows.fx_ext_conn?.row ?? {});
    expect(row).toMatchObject({
      name: "fx_ext_conn",
      stageType: "External",
      storageType: "s3",
      url: "s3://fx-bucket/data/",
      endpoint: "http://127.0.0.1:9",
      storageParams: { type: "S3", bucket: "fx-bucket", root: "/data/", region: "us-east-1" },
      fileFormat: { type: "Parquet", compression: "Zstd", missing_field_as: "Error" },
    });
    expect(row.numberOfFiles).toBeUndefined();
  });

  it("reads an internal stage of the older layout without storage", () => {
    const row = parseStageRow(load("live-1.2.453.json").rows.fx_int_csv?.row ?? {});
    expect(row).toMatchObject({
      stageType: "Internal",
      storageParams: {},
      numberOfFiles: 0,
      fileFormat: {
        type: "Csv",
        field_delimiter: "|",
        record_delimiter: "\n",
        quote: '"',
        null_display: "\\N",
      },
    });
    expect(row.url).toBeUndefined();
    expect(row.storageType).toBeUndefined();
  });

  it.each(["fx_int_default", "fx_int_csv", "fx_ext_conn", "fx_ext_cred", "fx_ext_role", "fx_ext_tsv"])(
    "reads %s the same from 1.2.895, 1.2.810 and 1.2.453",
    (name) => {
      const [newest, ...older] = LIVE.map((f) => comparable(parseStageRow(load(f).rows[name]?.row ?? {})));
      for (const o of older) expect(o).toEqual(newest);
    },
  );
});

describe("parseStageRow on the newer layouts of Databend's sqllogictest expectations", () => {
  const fx = load("slt-newer.json");

  it.each(["jan2026_external", "newer_external"])("reads %s", (key) => {
    const row = parseStageRow(fx.rows[key]?.row ?? {});
    expect(row).toMatchObject({
      layout: "columns",
      stageType: "External",
      storageType: "s3",
      url: "s3://test-stage-bucket/demo/",
      endpoint: "https://s3.eu-central-1.amazonaws.com",
      storageParams: { bucket: "test-stage-bucket", root: "/demo/", region: "eu-central-1" },
    });
  });

  it("keeps the masked secrets as the server shows them", () => {
    expect(parseStageRow(fx.rows.newer_external?.row ?? {}).storageParams.secret_access_key).toBe("my***ey");
    expect(parseStageRow(fx.rows.jan2026_external?.row ?? {}).storageParams.secret_access_key).toBe(
      "******key",
    );
  });

  it("reads the CSV options, quote_style included", () => {
    expect(parseStageRow(fx.rows.newer_internal_csv?.row ?? {}).fileFormat).toMatchObject({
      type: "Csv",
      field_delimiter: "|",
      quote_style: "quote_notnull",
    });
  });
});

describe("parseStageRow on unexpected input", () => {
  it("keeps name and type when a Debug column cannot be read", () => {
    const row = parseStageRow({
      name: "s",
      stage_type: "External",
      stage_params: 'StageParams { storage: S3(StorageS3Config { bucket: "b", .. }) }',
      file_format_options: "not debug",
      number_of_files: null,
      comment: "c",
    });
    expect(row).toEqual({
      name: "s",
      stageType: "External",
      storageParams: {},
      fileFormat: {},
      comment: "c",
      numberOfFiles: undefined,
      layout: "debug",
    });
  });

  it("accepts Variant columns that arrive as objects, and ignores invalid JSON", () => {
    const row = parseStageRow({
      name: "s",
      stage_type: "Internal",
      storage_params: null,
      file_format_options: { type: "Parquet" },
    });
    expect(row.fileFormat).toEqual({ type: "Parquet" });
    expect(
      parseStageRow({ name: "s", stage_type: "Internal", storage_params: "{", file_format_options: "[1]" }),
    ).toMatchObject({
      storageParams: {},
      fileFormat: {},
    });
  });
});
