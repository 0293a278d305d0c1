import { versionAtLeast } from "../../provider/client/databendClient";
import { ALTER_STAGE_SINCE } from "../../provider/resources/stage";
import { resetStatements, statements } from "../support/bridge";
import { testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

/**
 * The provider reads the server's version once per provider process and shows it in
 * `pulumi up --debug` output (through the engine's log, at debug level).
 */
describe("server version detection", () => {
  const run = Math.random().toString(36).slice(2, 7);
  const secret = testSecret("version");
  let stack: TestStack;
  beforeAll(async () => {
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { key: secret }, true);
    await stack.setConfig("resources", [
      {
        kind: "Connection",
        name: "conn",
        args: {
          name: `version_conn_${run}`,
          storageType: "s3",
          accessKeyId: "AKIAVERSIONTEST",
          secretAccessKey: { $secret: "key" },
          region: "us-east-1",
        },
      },
      {
        kind: "Stage",
        name: "stage",
        args: {
          name: `version_stage_${run}`,
          url: `s3://version-${run}/data/`,
          connection: { $ref: "conn" },
        },
      },
    ]);
  });
  afterAll(() => stack?.cleanup());

  it("is shown once in `pulumi up --debug`, costing one statement per provider process", async () => {
    await resetStatements();
    const { stdout, stderr } = await stack.cli(["up", "--yes", "--skip-preview", "--debug"]);
    const version = (stackEnv().DATABEND_ENGINE_VERSION ?? "").replace(/-.*$/, "");
    const lines = `${stdout}\n${stderr}`
      .split("\n")
      .filter((l) => l.includes("pulumi-databend: Databend server version"));
    // The CLI prints a debug message on the progress line and again in the diagnostics summary.
    const messages = new Set(lines.map((l) => l.slice(l.indexOf("debug:"))));
    expect([...messages]).toEqual([
      expect.stringContaining(`Databend server version ${version} (Databend Query v${version}`),
    ]);
    const log = await statements();
    expect(log.statements.filter((s) => /^SELECT version\(\)/.test(s))).toHaveLength(1);
    // CREATE CONNECTION, CREATE STAGE, and where the server keeps stage comments the owner marker's ALTER.
    const marker = versionAtLeast(version, ALTER_STAGE_SINCE);
    expect(log.statements.filter((s) => s.includes(run))).toHaveLength(marker ? 3 : 2);
  });

  it("is not shown without --debug", async () => {
    const r = await stack.preview();
    expect(r.output).not.toContain("Databend server version");
  });
});
