import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectOk } from "../support/assertions";
import { findSecrets, tabbedSecret, testSecret } from "../support/secrets";
import { DeleteAccessKeyCommand, IAMClient } from "@aws-sdk/client-iam";
import { createReaderUser } from "../support/iamUser";
import { seedBucket } from "../support/s3";
import { localAwsConfig, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

/**
 * Secrets stay out of `--debug -v=9` output and log files (issue 9, section 2): plain strings and
 * Pulumi secrets alike, in every field that holds one, through up, preview, refresh and destroy.
 */

const env = stackEnv();
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;

/** Everything the log files under `dir` hold. */
function logText(dir: string): string {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
}

describe("debug output and log files", () => {
  const planted = {
    configSecret: testSecret("cfgsecret"),
    plainSecret: testSecret("plainsecret"),
    accountKey: testSecret("accountkey"),
    stageSecret: testSecret("stagesecret"),
    credential: `${testSecret("gcsline1")}\n${testSecret("gcsline2")}`,
    externalId: testSecret("extid").replace(/-/g, ""),
    // A tab inside: Databend and loggers may render it as spaces or `\t` (issue 21, F2).
    tabbed: tabbedSecret("dbgtab"),
  };
  let stack: TestStack;
  let logDir: string;
  const outputs: string[] = [];

  async function debugOp(kind: "up" | "preview" | "refresh" | "destroy"): Promise<void> {
    const args = ["--debug", "-v=9", "--logtostderr", "--logflow"];
    const r =
      kind === "up"
        ? await stack.up({ args, env: { TMPDIR: logDir } })
        : kind === "preview"
          ? await stack.preview({ args, env: { TMPDIR: logDir } })
          : kind === "refresh"
            ? await stack.refresh({ args, env: { TMPDIR: logDir } })
            : await stack.destroy({ args, env: { TMPDIR: logDir } });
    expectOk(r);
    outputs.push(r.output);
  }

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-logs-"));
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { ...planted, key: planted.configSecret }, true);
    await stack.setConfig("resources", [
      {
        kind: "Connection",
        name: "fromconfig",
        args: {
          name: n("dbg_cfg"),
          storageType: "s3",
          accessKeyId: "AKIADEBUGEXAMPLE",
          secretAccessKey: { $secret: "key" },
          region: "us-east-1",
        },
      },
      {
        kind: "Connection",
        name: "plain",
        args: {
          name: n("dbg_plain"),
          storageType: "s3",
          accessKeyId: "AKIADEBUGEXAMPLE",
          secretAccessKey: { $plain: "plainSecret" },
          roleArn: "arn:aws:iam::123456789012:role/debug",
          externalId: { $plain: "externalId" },
          region: "us-east-1",
        },
      },
      {
        kind: "Connection",
        name: "azure",
        args: {
          name: n("dbg_az"),
          storageType: "azblob",
          endpointUrl: "http://127.0.0.1:1",
          accountName: "acct",
          accountKey: { $plain: "accountKey" },
        },
      },
      {
        kind: "Connection",
        name: "tabbed",
        args: {
          name: n("dbg_tab"),
          storageType: "s3",
          accessKeyId: "AKIADEBUGEXAMPLE",
          secretAccessKey: { $plain: "tabbed" },
          region: "us-east-1",
        },
      },
      {
        kind: "Connection",
        // A multi-line secret (a GCS credential must be one line of base64: issue 18).
        name: "hdfs",
        args: { name: n("dbg_hdfs"), storageType: "webhdfs", delegation: { $plain: "credential" } },
      },
      {
        kind: "Stage",
        name: "inline",
        args: {
          name: n("dbg_stage"),
          url: "s3://debug-bucket/p/",
          credentials: {
            accessKeyId: "AKIADEBUGEXAMPLE",
            secretAccessKey: { $plain: "stageSecret" },
            region: "us-east-1",
            endpointUrl: env.AWS_ENDPOINT_URL,
          },
        },
      },
      {
        kind: "Stage",
        name: "linked",
        args: { name: n("dbg_linked"), url: "s3://debug-bucket/q/", connection: { $ref: "fromconfig" } },
      },
    ]);
    await debugOp("up");
    await debugOp("preview");
    await debugOp("refresh");
    await debugOp("destroy");
  });
  afterAll(async () => {
    await stack?.cleanup();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  const secrets = (): string[] => [
    ...Object.values(planted),
    ...planted.credential.split("\n"), // every line of a multi-line secret
    ...planted.tabbed.split("\t"), // and each side of a tab
  ];

  it("prints no secret in --debug -v=9 output of up, preview, refresh and destroy", () => {
    if (process.env.DUMP_DEBUG_OUTPUT) fs.writeFileSync(process.env.DUMP_DEBUG_OUTPUT, outputs.join("\n"));
    expect(outputs.join("\n").length).toBeGreaterThan(100_000); // the logs really are verbose
    expect(findSecrets(outputs.join("\n"), secrets())).toEqual([]);
  });

  it("writes no secret to the log files", () => {
    expect(findSecrets(logText(logDir), secrets())).toEqual([]);
  });

  it("keeps no secret in plaintext in the state", async () => {
    expect(findSecrets(await stack.exportState(), secrets())).toEqual([]);
  });
});

/**
 * Pulumi YAML (issue 21, F6/F9): what Pulumi YAML's own language host prints, per flag, for the
 * README's "Secrets" section. Without `--logflow` nothing planted is printed; `--logflow` hands
 * `-v=9 --logtostderr` on to the YAML language host, which logs values itself.
 */
describe("Pulumi YAML: debug output per flag", () => {
  const yamlPlanted = {
    /** `pulumi config set --secret`, one line. */
    configSecret: testSecret("yamlcfg"),
    /** `pulumi config set --secret`, two lines. */
    configLines: `${testSecret("yamlline1")}\n${testSecret("yamlline2")}`,
    /** A plain string written in Pulumi.yaml for a secret property. */
    literal: testSecret("yamllit"),
  };
  const program = new YamlProgram("yaml-debug-logs");
  let stack: TestStack;
  let logDir: string;

  /** Occurrences of each planted value (the multi-line one line by line) in `text`. */
  function hits(text: string): Record<string, number> {
    const count = (v: string) => text.split(v).length - 1;
    const [line1, line2] = yamlPlanted.configLines.split("\n") as [string, string];
    return {
      configSecret: count(yamlPlanted.configSecret),
      configLines: count(line1) + count(line2),
      literal: count(yamlPlanted.literal),
    };
  }

  /** Runs up, preview, refresh and destroy with `flags`; returns the output and the log files' text. */
  async function allOps(flags: string[]): Promise<{ output: string; logs: string }> {
    const dir = fs.mkdtempSync(path.join(logDir, "run-"));
    const env = { TMPDIR: dir };
    const outputs: string[] = [];
    for (const op of ["up", "preview", "refresh", "destroy"] as const) {
      const r =
        op === "up"
          ? await stack.up({ args: flags, env })
          : op === "preview"
            ? await stack.preview({ args: flags, env })
            : op === "refresh"
              ? await stack.refresh({ args: flags, env })
              : await stack.destroy({ args: flags, env });
      expectOk(r);
      outputs.push(r.output);
    }
    const logs = (fs.readdirSync(dir, { recursive: true }) as string[])
      .map((f) => path.join(dir, f))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n");
    return { output: outputs.join("\n"), logs };
  }

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-yamllogs-"));
    program.write(
      [
        {
          name: "fromConfig",
          type: "databend:Connection",
          properties: {
            name: n("ydbg_cfg"),
            storageType: "s3",
            accessKeyId: "AKIAYAMLDEBUG",
            secretAccessKey: "${configSecret}",
            region: "us-east-1",
          },
        },
        {
          name: "lines",
          type: "databend:Connection",
          properties: { name: n("ydbg_hdfs"), storageType: "webhdfs", delegation: "${configLines}" },
        },
        {
          name: "literal",
          type: "databend:Connection",
          properties: {
            name: n("ydbg_lit"),
            storageType: "s3",
            accessKeyId: "AKIAYAMLDEBUG",
            secretAccessKey: yamlPlanted.literal,
            region: "us-east-1",
          },
        },
      ],
      {
        config: {
          configSecret: { type: "string", secret: true },
          configLines: { type: "string", secret: true },
        },
      },
    );
    stack = await new TestStack({ program: program.dir }).init();
    await stack.setConfig("configSecret", yamlPlanted.configSecret, true);
    await stack.setConfig("configLines", yamlPlanted.configLines, true);
  });
  afterAll(async () => {
    await stack?.cleanup();
    program.remove();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it("--debug -v=9 --logtostderr (no --logflow): nothing planted is printed or logged", async () => {
    const r = await allOps(["--debug", "-v=9", "--logtostderr"]);
    expect(r.output.length).toBeGreaterThan(100_000); // the logs really are verbose
    const found = { output: hits(r.output), logs: hits(r.logs) };
    process.stdout.write(`yaml debug without --logflow: ${JSON.stringify(found)}\n`);
    expect(found).toEqual({
      output: { configSecret: 0, configLines: 0, literal: 0 },
      logs: { configSecret: 0, configLines: 0, literal: 0 },
    });
  });

  it("with --logflow: Pulumi YAML's language host prints the Pulumi.yaml literal and the multi-line config secret", async () => {
    const r = await allOps(["--debug", "-v=9", "--logtostderr", "--logflow"]);
    const found = { output: hits(r.output), logs: hits(r.logs) };
    process.stdout.write(`yaml debug with --logflow: ${JSON.stringify(found)}\n`);
    expect(found.output.configSecret).toBe(0);
    expect(found.output.configLines).toBeGreaterThan(0);
    expect(found.output.literal).toBeGreaterThan(0);
    expect(found.logs).toEqual({ configSecret: 0, configLines: 0, literal: 0 });
  });

  it("a mistyped key: Pulumi YAML's type checker quotes the line directly under properties:, this package's check never the value", async () => {
    const typo = new YamlProgram("yaml-typo");
    const value = testSecret("yamltypo");
    typo.write([]);
    const typoStack = await new TestStack({ program: typo.dir }).init();
    try {
      typo.write([
        {
          name: "c",
          type: "databend:Connection",
          properties: {
            name: n("ytypo_c"),
            storageType: "s3",
            accessKeyId: "AKIATYPO",
            secretAccesKey: value,
          },
        },
      ]);
      const top = await typoStack.preview();
      expect(top.ok).toBe(false);
      expect(top.output).toContain("Property secretAccesKey does not exist on 'databend:index:Connection'");
      expect(findSecrets(top.output, [value])).toEqual([value]);

      typo.write([
        {
          name: "s",
          type: "databend:Stage",
          properties: {
            name: n("ytypo_s"),
            url: "s3://typo-bucket/p/",
            credentials: { accessKeyId: "AKIATYPO", secretAccesKey: value },
          },
        },
      ]);
      const nested = await typoStack.preview();
      expect(nested.ok).toBe(false);
      expect(nested.output).toContain("credentials.secretAccesKey is not a parameter of storage type 's3'");
      expect(findSecrets(nested.output, [value])).toEqual([]);
    } finally {
      typo.write([]);
      await typoStack.cleanup();
      typo.remove();
    }
  });
});

/**
 * Issue 19: the `verify` paths (a stage verified on create, a failed verification, the refresh probe
 * and the drift it reports) print and log no secret at `--debug -v=9`, neither the key Databend uses
 * nor a wrong secret that the storage refuses. The drifted stage is on a connection: a preview that
 * plans an update of a stage with inline `credentials` prints them (Pulumi's SDK logs the planned
 * state, inputs included; README "Secrets"), one on a connection has no secret input to print.
 */
describe("Stage verify: debug output and log files", () => {
  const aws = localAwsConfig();
  const iam = new IAMClient(aws);
  const user = `dbg-verify-${run}`;
  const bucket = `dbg-verify-${run}`;
  const wrongSecret = testSecret("verifywrong");
  let key = { id: "", secret: "" };
  let stack: TestStack;
  let logDir: string;
  const outputs: string[] = [];
  const args = ["--debug", "-v=9", "--logtostderr", "--logflow"];

  const connection = () => ({
    kind: "Connection",
    name: "conn",
    args: {
      name: n("dbg_vconn"),
      storageType: "s3",
      accessKeyId: key.id,
      secretAccessKey: { $plain: "good" },
      region: aws.region,
      endpointUrl: aws.endpoint,
    },
  });
  const good = {
    kind: "Stage",
    name: "good",
    args: { name: n("dbg_good"), url: `s3://${bucket}/p/`, connection: { $ref: "conn" }, verify: true },
  };
  const wrong = () => ({
    kind: "Stage",
    name: "wrong",
    args: {
      name: n("dbg_wrong"),
      url: `s3://${bucket}/p/`,
      credentials: {
        accessKeyId: key.id,
        secretAccessKey: { $plain: "wrong" },
        region: aws.region,
        endpointUrl: aws.endpoint,
      },
      verify: true,
      verifyTimeoutSeconds: 5,
    },
  });

  beforeAll(async () => {
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-logs-"));
    await seedBucket(bucket, { "p/a.csv": "1\n" });
    key = await createReaderUser(iam, user);
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { good: key.secret, wrong: wrongSecret }, true);
    const op = async (f: () => Promise<{ ok: boolean; output: string }>, ok: boolean) => {
      const r = await f();
      outputs.push(r.output);
      expect([r.ok, r.ok ? "" : r.output.includes("verify stage")]).toEqual([ok, ok ? "" : true]);
    };
    // Verified on create, then the refresh probe.
    await stack.setConfig("resources", [connection(), good]);
    await op(() => stack.up({ args, env: { TMPDIR: logDir } }), true);
    await op(() => stack.refresh({ args, env: { TMPDIR: logDir } }), true);
    // A failed verification (SignatureDoesNotMatch): the stage is kept; removed again by the next up.
    await stack.setConfig("resources", [connection(), good, wrong()]);
    await op(() => stack.up({ args, env: { TMPDIR: logDir } }), false);
    await stack.setConfig("resources", [connection(), good]);
    await op(() => stack.up({ args, env: { TMPDIR: logDir } }), true);
    // The key deleted: drift in preview --refresh (an update planned, with the cause), then refresh.
    await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: key.id }));
    await op(() => stack.preview({ args: [...args, "--refresh"], env: { TMPDIR: logDir } }), true);
    await op(() => stack.refresh({ args, env: { TMPDIR: logDir } }), true);
  });
  afterAll(async () => {
    await stack?.cleanup();
    iam.destroy();
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it("prints no secret in --debug -v=9 output of a verified create, a failed check, refresh and drift", () => {
    const all = outputs.join("\n");
    if (process.env.DUMP_DEBUG_OUTPUT) fs.writeFileSync(process.env.DUMP_DEBUG_OUTPUT, all);
    expect(all).toContain("SignatureDoesNotMatch");
    expect(all).toContain("InvalidAccessKeyId");
    expect(findSecrets(all, [key.secret, wrongSecret])).toEqual([]);
  });

  it("writes no secret to the log files, and keeps none in plaintext in the state", async () => {
    expect(findSecrets(logText(logDir), [key.secret, wrongSecret])).toEqual([]);
    expect(findSecrets(await stack.exportState(), [key.secret, wrongSecret])).toEqual([]);
  });
});
