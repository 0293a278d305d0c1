/**
 * The account-wide stale-copy audit (issue 17, item 2) on the real engine: an account of 3 connections
 * and 6 external stages (4 managed by a Pulumi stack, 2 made by hand; 1 stale after a key rotation by
 * hand, 1 ambiguous between two connections with the same parameters). `pulumi-databend audit --json`,
 * `getCopyAudit()` in a TypeScript program and `databend:index:getCopyAudit` in Pulumi YAML must all
 * say exactly the same, with two statements besides the version, exit status 3, then 0 after the
 * documented re-capture.
 */
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { copyAuditStatements } from "../../provider/audit/readCopyAudit";
import { expectOk } from "../support/assertions";
import { resetStatements, statements } from "../support/bridge";
import { closeDatabend, exec } from "../support/databend";
import { diagnostics } from "../support/engineEvents";
import { testSecret } from "../support/secrets";
import { ROOT, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

const runFile = promisify(execFile);
const env = stackEnv();
const id = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `au_${base}_${id}`;
const CLI = path.join(ROOT, "dist", "bin", "pulumi-databend.js");

const keyId = (label: string) =>
  `AKIA${label.toUpperCase()}${Math.random().toString(36).slice(2, 10).toUpperCase()}`;
const keys = {
  aId: keyId("a"),
  aSecret: testSecret("a"),
  bId: keyId("b"),
  bSecret: testSecret("b"),
  b2Id: keyId("bb"),
  b2Secret: testSecret("bb"),
  xId: keyId("x"),
  xSecret: testSecret("x"),
};
const ENDPOINT = env.AWS_ENDPOINT_URL as string;

/** Runs `pulumi-databend audit` with the local stack's DSN; its exit status and output. */
async function audit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await runFile(process.execPath, [CLI, "audit", ...args], {
      env: { ...process.env, DATABEND_DSN: env.DATABEND_DSN as string },
    });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/** The audited stages of this test (the account may hold others). */
function mine(stages: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return stages.filter((s) => String(s.stage).startsWith("au_") && String(s.stage).endsWith(id));
}

const s3 = (region: string, idKey: string, secretKey: string) => ({
  storageType: "s3",
  endpointUrl: ENDPOINT,
  region,
  accessKeyId: { $plain: idKey },
  secretAccessKey: { $secret: secretKey },
});

const row = (stage: string, connection: string | null, match: string, extra: object = {}) => ({
  stage: n(stage),
  url: `s3://au-${id}/${stage}/`,
  connection: connection && n(connection),
  match,
  stale: false,
  differs: [],
  candidates: [],
  ...extra,
});

/**
 * What the audit must say once the account is set up (sorted by stage name). The regions end in
 * different characters: servers before 1.2.919 show only a value's last 3 in SHOW CONNECTIONS
 * (`******t-1` for both us-east-1 and eu-west-1), so regions ending alike could not be told apart.
 */
const EXPECTED = [
  row("s_amb", null, "ambiguous", { candidates: [n("conn_a"), n("conn_c")] }),
  row("s_fresh", "conn_b", "exact"),
  row("s_inline", null, "none"),
  row("s_stale", "conn_b", "probable", { stale: true, differs: ["accessKeyId", "secretAccessKey"] }),
  row("u_copy", "conn_b", "exact"),
  row("u_inline", null, "none"),
];

describe("the copy audit of an account with 3 connections and 6 stages", () => {
  let stack: TestStack;
  const resources = (withFresh: boolean): object[] => [
    { kind: "Connection", name: "conn_a", args: { name: n("conn_a"), ...s3("us-east-2", "aId", "aSecret") } },
    { kind: "Connection", name: "conn_c", args: { name: n("conn_c"), ...s3("us-east-2", "aId", "aSecret") } },
    { kind: "Connection", name: "conn_b", args: { name: n("conn_b"), ...s3("eu-west-1", "bId", "bSecret") } },
    {
      kind: "Stage",
      name: "s_amb",
      args: { name: n("s_amb"), url: `s3://au-${id}/s_amb/`, connection: { $ref: "conn_a" } },
    },
    {
      kind: "Stage",
      name: "s_stale",
      args: { name: n("s_stale"), url: `s3://au-${id}/s_stale/`, connection: { $ref: "conn_b" } },
    },
    {
      kind: "Stage",
      name: "s_inline",
      args: {
        name: n("s_inline"),
        url: `s3://au-${id}/s_inline/`,
        credentials: {
          endpointUrl: ENDPOINT,
          region: "ap-south-1",
          accessKeyId: { $plain: "xId" },
          secretAccessKey: { $secret: "xSecret" },
        },
      },
    },
    ...(withFresh
      ? [
          {
            kind: "Stage",
            name: "s_fresh",
            args: { name: n("s_fresh"), url: `s3://au-${id}/s_fresh/`, connection: { $ref: "conn_b" } },
          },
        ]
      : []),
  ];

  beforeAll(async () => {
    stack = await new TestStack().init();
    await stack.setConfig("secrets", keys, true);
    await stack.setConfig("resources", resources(false));
    expectOk(await stack.up());
    // A rotation by hand: conn_b gets a new key; s_stale keeps the copy it took.
    await exec(
      `CREATE OR REPLACE CONNECTION ${n("conn_b")} STORAGE_TYPE = 's3' ENDPOINT_URL = '${ENDPOINT}' ` +
        `REGION = 'eu-west-1' ACCESS_KEY_ID = '${keys.b2Id}' SECRET_ACCESS_KEY = '${keys.b2Secret}'`,
    );
    // A managed stage made after the rotation, and two stages nobody manages.
    await stack.setConfig("resources", resources(true));
    expectOk(await stack.up());
    await exec(
      `CREATE STAGE ${n("u_copy")} URL = 's3://au-${id}/u_copy/' CONNECTION = (CONNECTION_NAME = '${n("conn_b")}')`,
    );
    await exec(
      `CREATE STAGE ${n("u_inline")} URL = 's3://au-${id}/u_inline/' CONNECTION = (ENDPOINT_URL = '${ENDPOINT}' ` +
        `REGION = 'ap-south-1' ACCESS_KEY_ID = '${keys.aId}' SECRET_ACCESS_KEY = '${keys.aSecret}')`,
    );
  });

  afterAll(async () => {
    await exec(`DROP STAGE IF EXISTS ${n("u_copy")}`).catch(() => undefined);
    await exec(`DROP STAGE IF EXISTS ${n("u_inline")}`).catch(() => undefined);
    await stack?.cleanup();
    await closeDatabend();
  });

  it("pulumi-databend audit --json says exactly which copy matches what, with 2 statements, and exits 3", async () => {
    await resetStatements();
    const r = await audit(["--json"]);
    const log = await statements();
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    const json = JSON.parse(r.stdout) as { stages: Record<string, unknown>[] };
    expect(Object.keys(json)).toEqual(["stages"]);
    expect(mine(json.stages)).toEqual(EXPECTED);
    const version = /^\d+\.\d+\.\d+/.exec(env.DATABEND_ENGINE_VERSION ?? "")?.[0] ?? "";
    expect(log.statements.filter((s) => !/^SELECT version\(\)/i.test(s))).toEqual(
      copyAuditStatements(version),
    );
    for (const secret of Object.values(keys)) expect(r.stdout).not.toContain(secret);
    expect(r.stdout).not.toContain("***");
  });

  it("prints the same as a table", async () => {
    const r = await audit([]);
    expect(r.code).toBe(3);
    const line = r.stdout.split("\n").find((l) => l.startsWith(n("s_stale")));
    expect(line?.split(/\s+/)).toEqual([
      n("s_stale"),
      `s3://au-${id}/s_stale/`,
      n("conn_b"),
      "probable",
      "yes",
      "accessKeyId,secretAccessKey",
    ]);
  });

  it("getCopyAudit() in a TypeScript program returns the same stages", async () => {
    await stack.setConfig("copyAudit", true);
    expectOk(await stack.up());
    const outs = await stack.stackOutputs();
    const result = outs.copyAudit as { stages: Record<string, unknown>[] };
    expect(mine(result.stages)).toEqual(EXPECTED);
  });

  it("databend:index:getCopyAudit in a Pulumi YAML program returns the same stages", async () => {
    const program = new YamlProgram("copy-audit").write([], {
      variables: { audit: { "fn::invoke": { function: "databend:index:getCopyAudit", arguments: {} } } },
      outputs: { stages: "${audit.stages}" },
    });
    const yaml = await new TestStack({ program: program.dir }).init();
    try {
      expectOk(await yaml.up());
      const outs = await yaml.stackOutputs();
      // Pulumi YAML leaves a null out of an object: `connection` is absent where the others say null.
      const stages = (outs.stages as Record<string, unknown>[]).map((s) => ({ connection: null, ...s }));
      expect(mine(stages)).toEqual(EXPECTED);
    } finally {
      await yaml.cleanup();
      program.remove();
    }
  });

  it("exits 0 once the stale copy is re-captured as documented", async () => {
    const r = await stack.up({ env: { DATABEND_RECAPTURE: n("s_stale") } });
    expectOk(r);
    expect(diagnostics(r.events, "error")).toEqual([]);
    const after = await audit(["--json"]);
    const json = JSON.parse(after.stdout) as { stages: Record<string, unknown>[] };
    expect(mine(json.stages).find((s) => s.stage === n("s_stale"))).toMatchObject({
      connection: n("conn_b"),
      match: "exact",
      stale: false,
    });
    expect(json.stages.filter((s) => s.stale)).toEqual([]);
    expect(after.code).toBe(0);
  });
});
