import * as fs from "fs";
import * as path from "path";
import type { Props } from "../../../provider/resources/handlers";
import { stageHandlers } from "../../../provider/resources/stage";
import { FakeSession } from "../../helpers/fakeSession";

/**
 * Refresh through the stage handlers on DESC STAGE rows of every layout: rows captured from the real
 * 1.2.895, 1.2.810 and 1.2.453 engines, and rows of newer servers written from Databend's public
 * sqllogictest expectations. An unchanged stage must not show as drift on any of them.
 */

interface Fixture {
  rows: Record<string, { sql: string; row: Record<string, unknown> }>;
}

const DIR = path.join(__dirname, "..", "..", "fixtures", "stageRows");
const load = (file: string): Fixture => JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Fixture;

const fxCredentials = { endpointUrl: "http://127.0.0.1:9", region: "us-east-1" };
const viaConnection = {
  connectionName: "fx_conn",
  connectionStorageType: "s3",
  connectionFingerprint: "fp1",
};

/** The Stage inputs each fixture's CREATE STAGE corresponds to. */
const INPUTS: Record<string, Props> = {
  fx_int_default: { name: "fx_int_default" },
  fx_int_csv: { name: "fx_int_csv", fileFormat: { type: "CSV", fieldDelimiter: "|", recordDelimiter: "\n" } },
  fx_ext_conn: { name: "fx_ext_conn", url: "s3://fx-bucket/data/", ...viaConnection },
  fx_ext_cred: {
    name: "fx_ext_cred",
    url: "s3://fx-bucket/cred/",
    credentials: {
      ...fxCredentials,
      accessKeyId: "AKIAFIXTURE0002",
      secretAccessKey: "fixture-secret-key-0002",
    },
    fileFormat: { type: "NDJSON" },
  },
  fx_ext_role: {
    name: "fx_ext_role",
    url: "s3://fx-bucket/role/",
    credentials: {
      roleArn: "arn:aws:iam::123456789012:role/fx-stage",
      externalId: "fx-external-id",
      region: "us-east-1",
    },
    fileFormat: { type: "PARQUET" },
  },
  fx_ext_tsv: {
    name: "fx_ext_tsv",
    url: "s3://fx-bucket/tsv/",
    ...viaConnection,
    fileFormat: { type: "TSV" },
  },
  jan2026_external: {
    name: "test_stage_external",
    url: "s3://test-stage-bucket/demo/",
    credentials: {
      accessKeyId: "ak",
      secretAccessKey: "my_secret_key",
      endpointUrl: "https://s3.eu-central-1.amazonaws.com",
    },
  },
  newer_internal_csv: { name: "test_stage", fileFormat: { type: "CSV", fieldDelimiter: "|" } },
};
INPUTS.newer_external = INPUTS.jan2026_external as Props;

const CASES: [string, string, string][] = [
  ["live-1.2.895.json", "1.2.895", "captured from 1.2.895"],
  ["live-1.2.810.json", "1.2.810", "captured from 1.2.810"],
  ["live-1.2.453.json", "1.2.453", "captured from 1.2.453"],
  ["slt-newer.json", "1.2.934", "of newer servers (sqllogictest)"],
].flatMap(([file, version, what]) =>
  Object.keys(load(file as string).rows).map((key): [string, string, string] => [
    `${key} ${what}`,
    file as string,
    `${version}|${key}`,
  ]),
);

describe("stage refresh on every DESC STAGE layout", () => {
  it.each(CASES)("reads %s without drift", async (_what, file, ref) => {
    const [version, key] = ref.split("|") as [string, string];
    const inputs = INPUTS[key];
    if (!inputs) throw new Error(`no inputs for fixture ${key}`);
    const row = load(file).rows[key]?.row;
    const db = new FakeSession(version).respond(/^DESC STAGE/, [row ?? {}]);
    const h = stageHandlers(db.factory());
    const checked = (await h.check({}, inputs)).inputs;
    const { outs } = await h.create(checked);
    const r = await h.read(String(inputs.name), outs);
    expect(r.props).toEqual(outs);
    await expect(h.diff(String(inputs.name), r.props ?? {}, checked)).resolves.toEqual({ changes: false });
  });

  it("shows a URL changed outside Pulumi on the older layout as drift", async () => {
    const row = load("live-1.2.810.json").rows.fx_ext_conn?.row ?? {};
    const moved = {
      ...row,
      stage_params: String(row.stage_params).replace('root: "/data/"', 'root: "/moved/"'),
    };
    const db = new FakeSession("1.2.810").respond(/^DESC STAGE/, [moved]);
    const h = stageHandlers(db.factory());
    const checked = (await h.check({}, INPUTS.fx_ext_conn as Props)).inputs;
    const { outs } = await h.create(checked);
    const r = await h.read("fx_ext_conn", outs);
    expect(r.props?.url).toBe("s3://fx-bucket/moved/");
    await expect(h.diff("fx_ext_conn", r.props ?? {}, checked)).resolves.toMatchObject({ changes: true });
  });

  it("shows a file format changed outside Pulumi on the older layout as drift", async () => {
    const row = load("live-1.2.453.json").rows.fx_int_csv?.row ?? {};
    const changed = {
      ...row,
      file_format_options: String(row.file_format_options).replace(
        'field_delimiter: "|"',
        'field_delimiter: ","',
      ),
    };
    const db = new FakeSession("1.2.453").respond(/^DESC STAGE/, [changed]);
    const h = stageHandlers(db.factory());
    const { outs } = await h.create((await h.check({}, INPUTS.fx_int_csv as Props)).inputs);
    const r = await h.read("fx_int_csv", outs);
    expect(r.props?.fileFormat).toEqual({ type: "CSV", fieldDelimiter: ",", recordDelimiter: "\n" });
  });
});
