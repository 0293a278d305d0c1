import {
  AUDIT_EXIT,
  AUDIT_USAGE,
  auditExitCode,
  auditOfConnections,
  parseAuditArgs,
  renderAuditJson,
  renderAuditTable,
  runAudit,
} from "../../../bin/auditCommand";
import type { CopyAudit } from "../../../provider/audit/copyAudit";

const AUDIT: CopyAudit = {
  stages: [
    {
      stage: "a",
      url: "s3://b/a/",
      connection: "c",
      match: "exact",
      stale: false,
      differs: [],
      candidates: [],
    },
    {
      stage: "bb",
      url: "s3://b/bb/",
      connection: "c",
      match: "probable",
      stale: true,
      differs: ["accessKeyId", "secretAccessKey"],
      candidates: [],
    },
    {
      stage: "c",
      url: "s3://b/c/",
      connection: null,
      match: "ambiguous",
      stale: false,
      differs: [],
      candidates: ["x", "y"],
    },
  ],
};

describe("pulumi-databend audit", () => {
  it("reads --dsn and --json, and refuses anything else", () => {
    expect(parseAuditArgs([])).toEqual({ dsn: undefined, json: false, connections: [] });
    expect(parseAuditArgs(["--dsn", "databend://u:p@h:8000/d", "--json"])).toEqual({
      dsn: "databend://u:p@h:8000/d",
      json: true,
      connections: [],
    });
    expect(parseAuditArgs(["--connection", "a", "--connection", "b"])).toMatchObject({
      connections: ["a", "b"],
    });
    expect(parseAuditArgs(["-h"])).toBe("help");
    expect(parseAuditArgs(["--yes"])).toEqual({ error: expect.stringMatching(/--yes/) as unknown });
    expect(parseAuditArgs(["--dsn", ""])).toEqual({ error: "--dsn is empty" });
  });

  it("prints a table with one line per stage and a summary", () => {
    expect(renderAuditTable(AUDIT).split("\n")).toEqual([
      "STAGE  URL         CONNECTION     MATCH      STALE  DIFFERS",
      "a      s3://b/a/   c              exact      no     -",
      "bb     s3://b/bb/  c              probable   yes    accessKeyId,secretAccessKey",
      "c      s3://b/c/   (one of x, y)  ambiguous  no     -",
      "3 external stage(s), 1 stale copy",
    ]);
    expect(JSON.parse(renderAuditJson(AUDIT))).toEqual(AUDIT);
  });

  it("keeps, with --connection, the stages matching those connections, ambiguous ones included", () => {
    expect(auditOfConnections(AUDIT, []).stages).toHaveLength(3);
    expect(auditOfConnections(AUDIT, ["c"]).stages.map((s) => s.stage)).toEqual(["a", "bb"]);
    expect(auditOfConnections(AUDIT, ["y"]).stages.map((s) => s.stage)).toEqual(["c"]);
    expect(auditExitCode(auditOfConnections(AUDIT, ["x"]))).toBe(0);
  });

  it("exits 3 when a copy is stale, 0 when none is", () => {
    expect(auditExitCode(AUDIT)).toBe(AUDIT_EXIT.stale);
    expect(auditExitCode({ stages: AUDIT.stages.filter((s) => !s.stale) })).toBe(AUDIT_EXIT.ok);
    expect(auditExitCode({ stages: [] })).toBe(0);
  });

  it("prints help, and fails with 2 on bad arguments and 1 without a DSN", async () => {
    let out = "";
    let err = "";
    const io = { out: (t: string) => (out += `${t}\n`), err: (t: string) => (err += `${t}\n`) };
    expect(await runAudit(["--help"], io)).toBe(0);
    expect(out).toBe(`${AUDIT_USAGE}\n`);
    expect(await runAudit(["--nope"], io)).toBe(2);
    expect(err).toMatch(/pulumi-databend audit: .*--nope.* \(see --help\)/);
    const saved = process.env.DATABEND_DSN;
    delete process.env.DATABEND_DSN;
    try {
      err = "";
      expect(await runAudit([], io)).toBe(1);
      expect(err).toMatch(/no Databend DSN/);
    } finally {
      if (saved !== undefined) process.env.DATABEND_DSN = saved;
    }
  });
});
