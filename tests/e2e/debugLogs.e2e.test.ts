import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectOk } from "../support/assertions";
import { findSecrets, tabbedSecret, testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

/**
 * Secrets stay out of `--debug -v=9` output and log files (issue 9, section 2): plain strings and
 * Pulumi secrets alike, in every field that holds one, through up, preview, refresh and destroy.
 */

const env = stackEnv();
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;

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
        name: "gcs",
        args: { name: n("dbg_gcs"), storageType: "gcs", credential: { $plain: "credential" } },
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
    const files = fs.readdirSync(logDir, { recursive: true }) as string[];
    const text = files
      .map((f) => path.join(logDir, f))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f, "utf8"))
      .join("\n");
    expect(findSecrets(text, secrets())).toEqual([]);
  });

  it("keeps no secret in plaintext in the state", async () => {
    expect(findSecrets(await stack.exportState(), secrets())).toEqual([]);
  });
});
