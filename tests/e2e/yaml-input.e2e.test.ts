import { expectFailed, expectOk } from "../support/assertions";
import { resetStatements, statements } from "../support/bridge";
import { closeDatabend, query } from "../support/databend";
import { diagnostics } from "../support/engineEvents";
import { findSecrets, testSecret } from "../support/secrets";
import { TestStack } from "../support/testStack";
import { YamlProgram, checkFailures } from "../support/yamlProgram";

// Inputs from Pulumi YAML go through the same check() as the TypeScript classes: the same
// property-named messages, before any SQL; and secrets written as plain YAML values stay secret.
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;

afterAll(closeDatabend);

interface Case {
  title: string;
  resources: { kind: "Connection" | "Stage"; name: string; args: Record<string, unknown> }[];
}

const goodConnection = {
  kind: "Connection" as const,
  name: "conn",
  args: {
    name: n("bad_input_conn"),
    storageType: "s3",
    accessKeyId: "AKIAEXAMPLE",
    secretAccessKey: "k3y-value-123",
  },
};

const CASES: Case[] = [
  {
    title: "a parameter of another storage type and a malformed role ARN",
    resources: [
      {
        kind: "Connection",
        name: "bad",
        args: { storageType: "s3", accountKey: "abcdefgh", roleArn: "nope" },
      },
    ],
  },
  {
    title: "a missing required parameter",
    resources: [{ kind: "Connection", name: "bad", args: { storageType: "azblob", accountName: "acct" } }],
  },
  {
    title: "an unknown storage type",
    resources: [{ kind: "Connection", name: "bad", args: { storageType: "s4" } }],
  },
  {
    title: "a stage URL without a trailing slash and credentials of another type",
    resources: [
      {
        kind: "Stage",
        name: "bad",
        args: {
          url: "s3://bucket/path",
          credentials: { accessKeyId: "AKIA1", secretAccessKey: "s", accountKey: "x" },
        },
      },
    ],
  },
  {
    title: "file-format options and onConnectionChange",
    resources: [
      {
        kind: "Stage",
        name: "bad",
        args: { fileFormat: { type: "CSV", skipHeader: -1, bogus: "x" }, onConnectionChange: "sometimes" },
      },
    ],
  },
  {
    title: "a URL scheme that does not match the connection's storage type",
    resources: [
      goodConnection,
      { kind: "Stage", name: "bad", args: { url: "gcs://bucket/p/", connection: { $ref: "conn" } } },
    ],
  },
];

describe("bad input from Pulumi YAML", () => {
  let ts: TestStack;
  let yaml: TestStack;
  const program = new YamlProgram("yaml-bad-input");

  beforeAll(async () => {
    program.write([]);
    [ts, yaml] = await Promise.all([new TestStack().init(), new TestStack({ program: program.dir }).init()]);
  });
  afterAll(async () => {
    await Promise.all([ts?.cleanup(), yaml?.cleanup()]);
    program.remove();
  });

  it.each(CASES.map((c) => [c.title, c] as const))(
    "%s: the same messages as TypeScript, and no SQL",
    async (_t, c) => {
      await ts.setConfig("resources", c.resources);
      program.write(
        c.resources.map((r) => ({ name: r.name, type: `databend:${r.kind}`, properties: r.args })),
      );
      await resetStatements();
      const [tr, yr] = await Promise.all([ts.preview(), yaml.preview()]);
      expectFailed(tr);
      expectFailed(yr);
      const tsFailures = checkFailures(diagnostics(tr.events, "error"));
      const yamlFailures = checkFailures(diagnostics(yr.events, "error"));
      expect(tsFailures.length).toBeGreaterThan(0);
      expect(yamlFailures).toEqual(tsFailures);
      expect((await statements()).count).toBe(0);
    },
  );
});

describe("secrets written as plain Pulumi YAML values", () => {
  const connSecret = testSecret("plainconn");
  const stageSecret = testSecret("plainstage");
  const program = new YamlProgram("yaml-plain-secrets");
  let stack: TestStack;

  beforeAll(async () => {
    program.write([
      {
        name: "plain_conn",
        type: "databend:Connection",
        properties: {
          name: n("plain_conn"),
          storageType: "s3",
          accessKeyId: "AKIAPLAIN",
          secretAccessKey: connSecret,
          endpointUrl: "http://127.0.0.1:9/",
        },
      },
      {
        name: "plain_stage",
        type: "databend:Stage",
        properties: {
          name: n("plain_stage"),
          url: "s3://plain-bucket/data/",
          credentials: {
            accessKeyId: "AKIAPLAIN",
            secretAccessKey: stageSecret,
            endpointUrl: "http://127.0.0.1:9/",
          },
        },
      },
    ]);
    // The DSN from DATABEND_DSN this time (no databend:dsn in the stack config).
    stack = await new TestStack({ program: program.dir, dsnVia: "env" }).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    program.remove();
  });

  it("never appear in state or in the output of up, preview, refresh and destroy, debug logs included", async () => {
    expectOk(await stack.up());
    expect(await query(`DESC STAGE ${n("plain_stage")}`)).toHaveLength(1);
    expectOk(await stack.preview({ expectNoChanges: true }));
    expectOk(await stack.refresh());
    // The engine's and the plugin's debug logs too (they carry every RPC's properties).
    const debug = ["--logtostderr", "-v=9", "--debug"];
    await stack.cli(["preview", "--diff", ...debug]);
    await stack.cli(["refresh", "--yes", "--skip-preview", ...debug]);
    const state = await stack.exportState();
    expectOk(await stack.destroy());
    expect(findSecrets(state, [connSecret, stageSecret])).toEqual([]);
    expect(findSecrets(stack.allOutput(), [connSecret, stageSecret])).toEqual([]);
  });
});
