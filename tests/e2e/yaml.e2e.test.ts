import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectOk } from "../support/assertions";
import { resetStatements, statements } from "../support/bridge";
import { closeDatabend, exec, query } from "../support/databend";
import { diagnostics, primaryOp } from "../support/engineEvents";
import { seedBucket } from "../support/s3";
import { findSecrets, testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

// The seed example (connection toronto, stage my_s3_stage) as a Pulumi YAML program, through the
// provider plugin, against credential-checking S3: the stage's reads prove which keys it copied.
const env = stackEnv();
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;
const bucket = `yaml-seed-${run}`;
const wrongSecret = testSecret("yamlwrong");

afterAll(closeDatabend);

async function listFiles(stage: string): Promise<string[]> {
  return (await query(`LIST @${stage}`)).map((r) => String(r.name)).sort();
}

describe("the seed example as a Pulumi YAML program", () => {
  let stack: TestStack;
  const stage = n("my_s3_stage");

  beforeAll(async () => {
    await seedBucket(bucket, { "data/a.csv": "1,one\n" });
    stack = await new TestStack({ program: "tests/e2e/programs/yaml-seed" }).init();
    await stack.setConfig("connectionName", n("toronto"));
    await stack.setConfig("stageName", stage);
    await stack.setConfig("bucket", bucket);
    await stack.setConfig("endpointUrl", env.AWS_ENDPOINT_URL);
    await stack.setConfig("accessKeyId", env.AWS_ACCESS_KEY_ID);
    await stack.setConfig("secretAccessKey", env.AWS_SECRET_ACCESS_KEY as string, true);
  });
  afterAll(() => stack?.cleanup());

  it("creates the connection and the stage, which reads the bucket", async () => {
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "toronto")).toBe("create");
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("create");
    expect(await listFiles(stage)).toEqual(["a.csv"]);
    const outs = await stack.stackOutputs();
    expect(outs.captured).toMatchObject({
      name: n("toronto"),
      storageType: "s3",
      fingerprint: outs.fingerprint,
    });
  });

  it("previews no changes, sending no SQL", async () => {
    await resetStatements();
    expectOk(await stack.preview({ expectNoChanges: true }));
    expect((await statements()).count).toBe(0);
  });

  it("a changed databend:dsn is a provider update that replaces nothing", async () => {
    // The same server, written differently (no ':' after the user): the provider's DiffConfig sees
    // a new DSN, so the engine updates the provider; its resources stay as they are.
    const dsn = (env.DATABEND_DSN as string).replace("root:@", "root@");
    expect(dsn).not.toBe(env.DATABEND_DSN);
    await stack.setConfig("databend:dsn", dsn, true);
    const r = await stack.up();
    expectOk(r);
    const provider = Object.keys(r.ops).find((k) => k.startsWith("default"));
    expect(provider && primaryOp(r.ops, provider)).toBe("update");
    expect(primaryOp(r.ops, "toronto")).toBe("same");
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("same");
    expect(await listFiles(stage)).toEqual(["a.csv"]);
  });

  it("a changed connection secret updates the connection; the stage stays `same`, warns, and keeps its copy", async () => {
    await stack.setConfig("secretAccessKey", wrongSecret, true);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "toronto")).toBe("update");
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("same");
    const warnings = diagnostics(r.events, "warning", "my_s3_stage");
    expect(warnings.join("\n")).toContain(`connection '${n("toronto")}' has changed`);
    expect(warnings.join("\n")).toContain(`run \`DATABEND_RECAPTURE=${stage} pulumi up\``);
    expect(await listFiles(stage)).toEqual(["a.csv"]); // still the good keys it copied
  });

  it("a renamed connection is replaced; the stage stays `same` and warns", async () => {
    await stack.setConfig("connectionName", n("toronto2"));
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "toronto")).toBe("replace");
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("same");
    expect(diagnostics(r.events, "warning", "my_s3_stage").join("\n")).toContain(
      `the stage now refers to connection '${n("toronto2")}'`,
    );
    expect(await listFiles(stage)).toEqual(["a.csv"]);
  });

  it("`pulumi up` (preview, then update) shows the warning once in each phase, as the TypeScript classes do, and leaves no file behind", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-tmpdir-"));
    try {
      const { stdout } = await stack.cli(["up", "--yes"], true, { TMPDIR: tmp });
      const [preview, update] = stdout.split(/^Updating \(/m);
      expect(update).toBeDefined();
      const warning = `stage '${stage}' holds a copy of connection`;
      const count = (text: string) => text.split(warning).length - 1;
      for (const phase of [preview ?? "", update]) {
        const [progress, diagnostics] = phase.split(/^Diagnostics:$/m);
        // One warning per phase, listed once under Diagnostics. Pulumi's non-interactive display
        // prints a resource's row again whenever it changes: the warning arrives while the stage is
        // diffed, so its row shows it when it arrives and again when the step completes.
        expect(count(diagnostics ?? "")).toBe(1);
        expect(count(progress ?? "")).toBeLessThanOrEqual(2);
      }
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  it("DATABEND_RECAPTURE=<stage> pulumi up, as the warning says, re-captures once (the wrong key now fails the read)", async () => {
    const preview = await stack.preview({ env: { DATABEND_RECAPTURE: stage } });
    expectOk(preview);
    expect(primaryOp(preview.ops, "my_s3_stage")).toBe("update");
    // The handlers' notice reaches the engine's log, attached to the stage.
    expect(diagnostics(preview.events, "info", "my_s3_stage").join("\n")).toMatch(
      /re-capture requested with DATABEND_RECAPTURE/,
    );
    const r = await stack.up({ env: { DATABEND_RECAPTURE: stage } });
    expectOk(r);
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("update");
    await expect(listFiles(stage)).rejects.toThrow(/SignatureDoesNotMatch|3002|PermissionDenied/);
    expect((await stack.stackOutputs()).captured).toMatchObject({ name: n("toronto2") });
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it('onConnectionChange: "recreate" re-captures on every change (the good key again)', async () => {
    await stack.setConfig("onConnectionChange", "recreate");
    await stack.setConfig("secretAccessKey", env.AWS_SECRET_ACCESS_KEY as string, true);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "toronto")).toBe("update");
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("update");
    expect(diagnostics(r.events, "warning", "my_s3_stage")).toEqual([]);
    expect(await listFiles(stage)).toEqual(["a.csv"]);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("refresh after an out-of-band DROP STAGE removes it from state; the next up recreates it", async () => {
    await exec(`DROP STAGE ${stage}`);
    const refreshed = await stack.refresh();
    expectOk(refreshed);
    expect(await stack.resourceNames()).not.toContain("my_s3_stage");
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("create");
    expect((await query(`DESC STAGE ${stage}`)).length).toBe(1);
  });

  it("keeps every secret out of the state and all CLI output", async () => {
    const secrets = [env.AWS_SECRET_ACCESS_KEY as string, wrongSecret];
    expect(findSecrets(await stack.exportState(), secrets)).toEqual([]);
    expect(findSecrets(stack.allOutput(), secrets)).toEqual([]);
  });

  it("destroy drops the stage and the connection, and a preview and the destroy leave no file behind", async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-tmpdir-"));
    try {
      await stack.cli(["preview"], true, { TMPDIR: tmp });
      await stack.cli(["destroy", "--yes"], true, { TMPDIR: tmp });
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    expect(await query(`SHOW STAGES LIKE '${stage}'`)).toEqual([]);
    const names = (await query("SHOW CONNECTIONS")).map((r) => String(r.name));
    expect(names).not.toContain(n("toronto2"));
    expect(names).not.toContain(n("toronto"));
  });
});
