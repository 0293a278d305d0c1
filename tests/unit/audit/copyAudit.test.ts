import * as fs from "fs";
import * as path from "path";
import { auditCopies, staleStages } from "../../../provider/audit/copyAudit";
import { copyAuditStatements, readCopyAudit } from "../../../provider/audit/readCopyAudit";
import type { SqlRow, SqlSession } from "../../../provider/client/sqlSession";
import { maskBefore1_2_919, maskLikeDatabend } from "../../../provider/storage/masking";

/** A fixture file of DESC STAGE rows (see tests/fixtures/stageRows). */
interface Fixture {
  rows: Record<string, { sql: string; row: Record<string, unknown> }>;
}

const DIR = path.join(__dirname, "..", "..", "fixtures", "stageRows");
const load = (file: string): Fixture => JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Fixture;
const LIVE = ["live-1.2.895.json", "live-1.2.810.json", "live-1.2.453.json"];

type Mask = (v: string) => string;
const OLD: Mask = (v) => maskBefore1_2_919(v) as string;

/**
 * A SHOW CONNECTIONS row as Databend writes it (`UserDefinedConnection::storage_params_display`):
 * `key=value` sorted by key, joined by one space, every value masked by the server's generation.
 */
function connectionRow(name: string, params: Record<string, string>, mask: Mask = OLD): SqlRow {
  const display = Object.keys(params)
    .sort()
    .map((k) => `${k}=${mask(params[k] as string)}`)
    .join(" ");
  return { name, storage_type: "s3", storage_params: display };
}

/** fx_conn of scripts/stack/record_stage_rows.mjs, which the fixtures' fx_ext_conn and fx_ext_tsv copied. */
const FX_CONN = {
  access_key_id: "AKIAFIXTURE0001",
  secret_access_key: "fixture-secret-key-0001",
  endpoint_url: "http://127.0.0.1:9",
  region: "us-east-1",
};
/** The inline credentials of fx_ext_cred, as a connection. */
const FX_CRED = {
  ...FX_CONN,
  access_key_id: "AKIAFIXTURE0002",
  secret_access_key: "fixture-secret-key-0002",
};
/** The inline role of fx_ext_role, as a connection. */
const FX_ROLE = {
  role_arn: "arn:aws:iam::123456789012:role/fx-stage",
  external_id: "fx-external-id",
  region: "us-east-1",
};
/** fx_conn after a rotation by hand: new key, same everything else. */
const FX_ROTATED = {
  ...FX_CONN,
  access_key_id: "AKIAFIXTURE0003",
  secret_access_key: "fixture-secret-key-0003",
};

describe.each(LIVE)("the copy audit on the rows of %s", (file) => {
  const stages = Object.values(load(file).rows).map((r) => r.row);

  it("finds, for every external stage, the one connection its copy equals, and leaves internal stages out", () => {
    const audit = auditCopies(
      [
        connectionRow("fx_conn", FX_CONN),
        connectionRow("fx_cred", FX_CRED),
        connectionRow("fx_role", FX_ROLE),
      ],
      stages,
    );
    expect(audit).toEqual({
      stages: [
        exact("fx_ext_conn", "s3://fx-bucket/data/", "fx_conn"),
        exact("fx_ext_cred", "s3://fx-bucket/cred/", "fx_cred"),
        exact("fx_ext_role", "s3://fx-bucket/role/", "fx_role"),
        exact("fx_ext_tsv", "s3://fx-bucket/tsv/", "fx_conn"),
      ],
    });
    expect(staleStages(audit)).toEqual([]);
  });

  it("calls a copy stale after the connection's key was rotated, naming the differing parameters", () => {
    const audit = auditCopies(
      [connectionRow("fx_conn", FX_ROTATED), connectionRow("fx_role", FX_ROLE)],
      stages,
    );
    const conn = audit.stages.find((s) => s.stage === "fx_ext_conn");
    expect(conn).toEqual({
      stage: "fx_ext_conn",
      url: "s3://fx-bucket/data/",
      connection: "fx_conn",
      match: "probable",
      stale: true,
      differs: ["accessKeyId", "secretAccessKey"],
      candidates: [],
    });
    // fx_ext_cred (inline key 0002, same location) is also a probable stale copy of fx_conn: the
    // audit cannot tell inline credentials from an old copy.
    expect(staleStages(audit).map((s) => s.stage)).toEqual(["fx_ext_conn", "fx_ext_cred", "fx_ext_tsv"]);
    expect(audit.stages.find((s) => s.stage === "fx_ext_role")?.match).toBe("exact");
  });

  it("says ambiguous, naming the candidates, when two connections hold the same parameters", () => {
    const audit = auditCopies([connectionRow("fx_a", FX_CONN), connectionRow("fx_b", FX_CONN)], stages);
    expect(audit.stages.find((s) => s.stage === "fx_ext_conn")).toEqual({
      stage: "fx_ext_conn",
      url: "s3://fx-bucket/data/",
      connection: null,
      match: "ambiguous",
      stale: false,
      differs: [],
      candidates: ["fx_a", "fx_b"],
    });
    // An exact match wins over location-only ones.
    const one = auditCopies([connectionRow("fx_a", FX_CONN), connectionRow("fx_b", FX_ROTATED)], stages);
    expect(one.stages.find((s) => s.stage === "fx_ext_conn")?.match).toBe("exact");
  });

  it("says none for another location or storage type, and never shows a secret, mask or key", () => {
    const elsewhere = { ...FX_CONN, endpoint_url: "http://127.0.0.1:10" };
    const gcs: SqlRow = { name: "g", storage_type: "gcs", storage_params: "credential=******abc" };
    const audit = auditCopies([connectionRow("other", elsewhere), gcs], stages);
    expect(audit.stages.map((s) => [s.stage, s.match, s.connection, s.stale])).toEqual([
      ["fx_ext_conn", "none", null, false],
      ["fx_ext_cred", "none", null, false],
      ["fx_ext_role", "none", null, false],
      ["fx_ext_tsv", "none", null, false],
    ]);
    const text = JSON.stringify(auditCopies([connectionRow("fx_conn", FX_ROTATED)], stages));
    for (const leak of ["***", "001", "002", "003", "AKIA", "fixture-secret", "fx-external-id"]) {
      expect(text).not.toContain(leak);
    }
  });
});

function exact(stage: string, url: string, connection: string): Record<string, unknown> {
  return { stage, url, connection, match: "exact", stale: false, differs: [], candidates: [] };
}

describe("the copy audit with the masks of servers from 1.2.919 and of January 2026", () => {
  const rows = load("slt-newer.json").rows;
  // CREATE STAGE ... connection=(aws_key_id='ak' aws_secret_key='my_secret_key' endpoint_url=...):
  // the stage shows a region the server derived from the endpoint, which the connection never set.
  const params = {
    aws_key_id: "ak",
    aws_secret_key: "my_secret_key",
    endpoint_url: "https://s3.eu-central-1.amazonaws.com",
  };

  it.each([
    ["newer_external", maskLikeDatabend],
    ["jan2026_external", OLD],
  ])("matches %s exactly, aliases and a derived region included, and sees a rotation", (name, mask) => {
    const row = rows[name]?.row as SqlRow;
    const audit = auditCopies([connectionRow("c", params, mask)], [row]);
    expect(audit.stages[0]).toMatchObject({ connection: "c", match: "exact", stale: false });
    const rotated = auditCopies(
      [connectionRow("c", { ...params, aws_secret_key: "new_secret_01" }, mask)],
      [row],
    );
    expect(rotated.stages[0]).toMatchObject({
      connection: "c",
      match: "probable",
      stale: true,
      differs: ["secretAccessKey"],
    });
  });
});

describe("reading the account for the audit", () => {
  it("sends exactly two statements, SHOW STAGES only where it has the location (1.2.870+)", async () => {
    expect(copyAuditStatements("1.2.895")).toEqual(["SHOW CONNECTIONS", "SHOW STAGES"]);
    expect(copyAuditStatements("1.2.870")).toEqual(["SHOW CONNECTIONS", "SHOW STAGES"]);
    expect(copyAuditStatements("1.2.810")).toEqual([
      "SHOW CONNECTIONS",
      "SELECT * FROM system.stages ORDER BY name",
    ]);
    const sent: string[] = [];
    const session: SqlSession = {
      exec: () => Promise.reject(new Error("no writes")),
      query: (sql) => {
        sent.push(sql);
        return Promise.resolve(
          sql === "SHOW CONNECTIONS"
            ? [connectionRow("fx_conn", FX_CONN)]
            : Object.values(load("live-1.2.453.json").rows).map((r) => r.row),
        );
      },
      serverVersion: () => Promise.resolve("1.2.453"),
    };
    const audit = await readCopyAudit(session);
    expect(sent).toEqual(["SHOW CONNECTIONS", "SELECT * FROM system.stages ORDER BY name"]);
    expect(audit.stages.filter((s) => s.match === "exact").map((s) => s.stage)).toEqual([
      "fx_ext_conn",
      "fx_ext_tsv",
    ]);
  });
});
