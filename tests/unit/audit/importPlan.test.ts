import * as fs from "fs";
import * as path from "path";
import {
  parseImportArgs,
  renderTypeScriptImport,
  renderYamlImport,
  stageNotes,
  withPrefix,
} from "../../../bin/importCommand";
import { importPlan } from "../../../provider/audit/importPlan";
import type { SqlRow } from "../../../provider/client/sqlSession";
import { maskBefore1_2_919 } from "../../../provider/storage/masking";

interface Fixture {
  rows: Record<string, { sql: string; row: Record<string, unknown> }>;
}
const fixture = (file: string): SqlRow[] =>
  Object.values(
    (
      JSON.parse(
        fs.readFileSync(path.join(__dirname, "..", "..", "fixtures", "stageRows", file), "utf8"),
      ) as Fixture
    ).rows,
  ).map((r) => r.row);

/** fx_conn of scripts/stack/record_stage_rows.mjs, as SHOW CONNECTIONS shows it on those servers. */
const FX_CONN: SqlRow = {
  name: "fx_conn",
  storage_type: "s3",
  storage_params: [
    ["access_key_id", "AKIAFIXTURE0001"],
    ["endpoint_url", "http://127.0.0.1:9"],
    ["region", "us-east-1"],
    ["secret_access_key", "fixture-secret-key-0001"],
  ]
    .map(([k, v]) => `${k}=${maskBefore1_2_919(v as string) as string}`)
    .join(" "),
};
const OPTIONS = {
  language: "yaml" as const,
  out: ".",
  prefix: "",
  project: "lake",
  pluginPath: "./node_modules/pulumi-databend/plugin",
};

describe.each(["live-1.2.895.json", "live-1.2.453.json"])("the import plan of the rows of %s", (file) => {
  const plan = importPlan([FX_CONN], fixture(file));

  it("takes location values in clear from an exact copy, and asks for every credential", () => {
    expect(plan.connections).toEqual([
      {
        name: "fx_conn",
        storageType: "s3",
        params: {
          accessKeyId: { config: "fx_conn_accessKeyId", secret: false },
          endpointUrl: { value: "http://127.0.0.1:9" },
          region: { value: "us-east-1" },
          secretAccessKey: { config: "fx_conn_secretAccessKey", secret: true },
        },
      },
    ]);
  });

  it("links the exact and probable copies, and keeps the others' inline credentials as config keys", () => {
    const by = Object.fromEntries(plan.stages.map((s) => [s.name, s]));
    expect(by.fx_ext_conn?.connection).toBe("fx_conn");
    expect(by.fx_ext_tsv).toMatchObject({ connection: "fx_conn", fileFormatType: "TSV" });
    // Other inline credentials for fx_conn's place: a probable (stale) copy, linked as the issue asks.
    expect(by.fx_ext_cred).toMatchObject({
      connection: "fx_conn",
      audit: { match: "probable", stale: true },
    });
    expect(by.fx_ext_cred?.credentials).toBeUndefined();
    expect(by.fx_ext_role?.credentials).toMatchObject({
      roleArn: { value: "arn:aws:iam::123456789012:role/fx-stage" },
      externalId: { config: "fx_ext_role_externalId", secret: true },
    });
    expect(by.fx_int_csv).toEqual({ name: "fx_int_csv", fileFormatType: "CSV" });
  });

  it("renders YAML and TypeScript with no secret, mask or fixture key in them", () => {
    const yaml = renderYamlImport(plan, OPTIONS);
    const ts = renderTypeScriptImport(plan, { ...OPTIONS, language: "typescript" }, "1.2.3");
    expect(yaml["Pulumi.yaml"]).toContain("      connection: ${fx_conn}\n");
    expect(yaml["Pulumi.yaml"]).toContain("  fx_conn_secretAccessKey:\n    type: string\n    secret: true\n");
    expect(JSON.parse(yaml["import.json"] as string)).toMatchObject({
      resources: expect.arrayContaining([
        { type: "databend:index:Connection", name: "fx_conn", id: "fx_conn" },
      ]),
    });
    expect(ts["index.ts"]).toContain('  secretAccessKey: cfg.requireSecret("fx_conn_secretAccessKey"),\n');
    expect(ts["index.ts"]).toContain("  connection: fx_conn,\n");
    for (const text of [...Object.values(yaml), ...Object.values(ts)]) {
      expect(text).not.toMatch(/\*\*\*|fixture-secret|AKIAFIXTURE|fx-external-id/);
    }
  });
});

describe("import options and notes", () => {
  it("reads the options and refuses a missing language", () => {
    expect(parseImportArgs(["--language", "yaml"])).toMatchObject({ language: "yaml", out: ".", prefix: "" });
    expect(parseImportArgs([])).toEqual({ error: "--language must be yaml or typescript" });
    expect(parseImportArgs(["--language", "typescript", "--project", "a b"])).toMatchObject({
      error: expect.stringMatching(/--project/) as unknown,
    });
  });

  it("keeps only the prefixed objects, dropping links to connections left out", () => {
    const plan = importPlan([FX_CONN], fixture("live-1.2.895.json"));
    const only = withPrefix(plan, "fx_ext_c");
    expect(only.connections).toEqual([]);
    expect(only.stages.map((s) => [s.name, s.connection])).toEqual([
      ["fx_ext_conn", undefined],
      ["fx_ext_cred", undefined],
    ]);
    const none = importPlan([], fixture("live-1.2.895.json")).stages.find((s) => s.name === "fx_ext_cred");
    expect(none?.credentials).toEqual({
      accessKeyId: { config: "fx_ext_cred_accessKeyId", secret: false },
      endpointUrl: { value: "http://127.0.0.1:9" },
      region: { value: "us-east-1" },
      secretAccessKey: { config: "fx_ext_cred_secretAccessKey", secret: true },
    });
  });

  it("says why an ambiguous stage is not linked, naming the candidates", () => {
    const notes = stageNotes({
      name: "s",
      url: "s3://b/",
      audit: {
        stage: "s",
        url: "s3://b/",
        connection: null,
        match: "ambiguous",
        stale: false,
        differs: [],
        candidates: ["a", "b"],
      },
    });
    expect(notes).toEqual([
      "ambiguous: a copy of a or b. Replace `credentials` with `connection` set to the one it belongs to",
    ]);
  });
});
