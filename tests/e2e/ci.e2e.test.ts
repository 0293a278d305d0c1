/**
 * examples/ci, run as CI runs it: each pipeline run is a fresh checkout of a "repository" (a copy of
 * examples/ci plus the committed stack config) with a fresh PULUMI_HOME, CI=true, no TTY, secrets only
 * in the environment, and the team state backend in an S3 bucket of the local AWS endpoint.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { CreateAccessKeyCommand, DeleteUserPolicyCommand, IAMClient } from "@aws-sdk/client-iam";
import { READ_POLICY, createReaderUser, grantRead } from "../support/iamUser";
import { closeDatabend, exec, query } from "../support/databend";
import { testSecret } from "../support/secrets";
import { ROOT, TOOLS_DIR, stackEnv } from "../support/stackEnv";

interface Run {
  step: string;
  code: number;
  output: string;
  ms: number;
}

const env0 = stackEnv();
const aws = {
  endpoint: env0.AWS_ENDPOINT_URL as string,
  region: env0.AWS_REGION as string,
  credentials: {
    accessKeyId: env0.AWS_ACCESS_KEY_ID as string,
    secretAccessKey: env0.AWS_SECRET_ACCESS_KEY as string,
  },
};
const s3 = new S3Client({ ...aws, forcePathStyle: true });
const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const prefix = `ci_${id}`;
const bucket = `ci-state-${id}`;
/** The bucket the stage reads (the stage verifies from Databend that it can). */
const dataBucket = `ci-data-${id}`;
const passphrase = testSecret("passphrase");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-ci-"));
const runs: Run[] = [];
let stageKey = { id: "", secret: "" };
const stageUser = `ci-stage-${id}`;
let runCount = 0;

/** The committed stack config of one "commit" of the team's repository. */
function stackConfig(stageUrl: string, comment: string): string {
  return [
    "config:",
    `  databend-ci:prefix: ${prefix}`,
    `  databend-ci:stageUrl: "${stageUrl}"`,
    `  databend-ci:endpointUrl: ${aws.endpoint}`,
    `  databend-ci:region: ${aws.region}`,
    `  databend-ci:comment: ${comment}`,
    "",
  ].join("\n");
}

/** A fresh checkout of the repository at a commit: examples/ci plus that commit's Pulumi.ci.yaml. */
function checkout(config: string): string {
  const dir = path.join(work, `run-${++runCount}`, "infra");
  fs.cpSync(path.join(ROOT, "examples", "ci"), dir, { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "Pulumi.ci.yaml"), config);
  return dir;
}

/** Starts `pipeline.sh <step>` as a CI job would: clean environment, no TTY, secrets from env. */
function start(
  step: string,
  config: string,
  extra: Record<string, string> = {},
): { child: ChildProcess; done: Promise<Run> } {
  const dir = checkout(config);
  const env: Record<string, string> = {
    PATH: `${path.join(TOOLS_DIR, "bin")}:${process.env.PATH}`,
    HOME: process.env.HOME ?? work,
    CI: "true",
    PULUMI_HOME: path.join(dir, "..", "pulumi-home"),
    PULUMI_BACKEND_URL:
      // As a team writes it: no `response_checksum_validation`, so the local endpoint's responses
      // without checksums make the CLI's AWS SDK warn, and the pipeline must keep that out of reports.
      `s3://${bucket}?endpoint=${aws.endpoint}&s3ForcePathStyle=true&region=${aws.region}`,
    PULUMI_STACK: "ci",
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    DATABEND_DSN: env0.DATABEND_DSN as string,
    AWS_ACCESS_KEY_ID: aws.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.credentials.secretAccessKey,
    AWS_REGION: aws.region,
    STAGE_ACCESS_KEY_ID: stageKey.id,
    STAGE_SECRET_ACCESS_KEY: stageKey.secret,
    PIPELINE_OUT: path.join(dir, "..", "out"),
    ...extra,
  };
  const t0 = Date.now();
  const child = spawn("bash", [path.join(dir, "pipeline.sh"), step], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr?.on("data", (c: Buffer) => (output += c.toString()));
  const done = new Promise<Run>((resolve) =>
    child.on("close", (code) => {
      const r = { step, code: code ?? 1, output, ms: Date.now() - t0 };
      runs.push(r);
      resolve(r);
    }),
  );
  return { child, done };
}

const pipeline = (step: string, config: string, extra: Record<string, string> = {}): Promise<Run> =>
  start(step, config, extra).done;

/** A report the last run wrote to PIPELINE_OUT. */
function report(name: string): string {
  return fs.readFileSync(path.join(work, `run-${runCount}`, "out", name), "utf8");
}

async function keys(prefixKey: string): Promise<string[]> {
  const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefixKey }));
  return (r.Contents ?? []).map((o) => o.Key as string);
}

/** The stack's checkpoint in the state bucket. */
async function checkpoint(): Promise<string> {
  const key = (await keys(".pulumi/stacks/")).find((k) => k.endsWith("/ci.json"));
  if (!key) throw new Error("no checkpoint for stack ci in the state bucket");
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await r.Body?.transformToString()) ?? "";
}

async function objects(): Promise<{ connections: string[]; stages: string[] }> {
  const mine = (rows: Record<string, unknown>[]) =>
    rows
      .map((r) => String(r.name))
      .filter((n) => n.startsWith(prefix))
      .sort();
  return { connections: mine(await query("SHOW CONNECTIONS")), stages: mine(await query("SHOW STAGES")) };
}

function expectOk(r: Run): void {
  if (r.code !== 0) throw new Error(`pipeline.sh ${r.step} failed (exit ${r.code}):\n${r.output}`);
}

const GOOD = stackConfig(`s3://${dataBucket}/raw/`, "v1");
const conn = `${prefix}_conn`;
const stage = `${prefix}_stage`;

beforeAll(async () => {
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await s3.send(new CreateBucketCommand({ Bucket: dataBucket }));
  const iam = new IAMClient(aws);
  stageKey = await createReaderUser(iam, stageUser);
  iam.destroy();
});

afterAll(async () => {
  try {
    // What a team does to retire the stack: the pipeline's destroy step, through the same backend.
    await pipeline("destroy", GOOD);
  } finally {
    for (const key of await keys("")) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    await s3.send(new DeleteBucketCommand({ Bucket: dataBucket })).catch(() => undefined);
    s3.destroy();
    await closeDatabend();
    fs.rmSync(work, { recursive: true, force: true });
    const line = runs.map((r) => `${r.step} ${(r.ms / 1000).toFixed(1)}s rc=${r.code}`).join(", ");
    console.log(`examples/ci pipeline runs: ${line}`);
  }
});

describe("examples/ci: the pipeline against the local stack, state on S3", () => {
  afterAll(() => {
    // The S3 SDK's checksum notice is dropped from every step's output (and so from the reports).
    const noisy = runs.filter((r) => r.output.includes("no supported checksum"));
    expect(noisy.map((r) => r.step)).toEqual([]);
  });

  it("keeps its reports out of git: pipeline-out/ is ignored, also when the folder is copied out", async () => {
    const ignore = fs.readFileSync(path.join(ROOT, "examples", "ci", ".gitignore"), "utf8");
    expect(ignore.split("\n")).toContain("/pipeline-out/");
    const { execFileSync } = await import("child_process");
    const ignored = execFileSync("git", ["check-ignore", "examples/ci/pipeline-out/preview.md"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(ignored.trim()).toBe("examples/ci/pipeline-out/preview.md");
  });

  it("previews a pull request with a comment-ready report", async () => {
    const r = await pipeline("preview", GOOD);
    expectOk(r);
    const md = report("preview.md");
    expect(md).toContain("### `pulumi preview` for stack `ci`");
    expect(md).not.toMatch(/WARN|checksum/);
    expect(md).toContain(`- create pulumi-nodejs:dynamic/databend:Connection ${conn}`);
    expect(md).toContain(`- create pulumi-nodejs:dynamic/databend:Stage ${stage}`);
    // (the key column is padded to the longest input name, hidden ones such as __packageVersion included)
    expect(md).toMatch(/```diff\n[\s\S]*secretAccessKey *: \[secret\][\s\S]*```/);
    expect(await objects()).toEqual({ connections: [], stages: [] });
  });

  it("fails an up with a bad stage URL, and converges when the next commit fixes it", async () => {
    const bad = await pipeline("up", stackConfig("s3://ci data/raw/", "v1"));
    expect(bad.code).not.toBe(0);
    expect(bad.output).toMatch(new RegExp(`${stage}[\\s\\S]*(invalid uri|url)`, "i"));
    const fixed = await pipeline("up", GOOD);
    expectOk(fixed);
    expect(await objects()).toEqual({ connections: [conn], stages: [stage] });
    expectOk(await pipeline("drift", GOOD));
  });

  it("drift check: fails naming the stage after an out-of-band DROP STAGE, writes no state, passes after up", async () => {
    await exec(`DROP STAGE ${stage}`);
    const before = await checkpoint();
    const d = await pipeline("drift", GOOD);
    expect(d.code).not.toBe(0);
    expect(d.output).toContain(
      `drift detected on stack ci:\n  create pulumi-nodejs:dynamic/databend:Stage ${stage}`,
    );
    expect(report("drift.md")).toContain(`- create pulumi-nodejs:dynamic/databend:Stage ${stage}`);
    expect(await checkpoint()).toBe(before);
    expectOk(await pipeline("up", GOOD));
    expect(await objects()).toEqual({ connections: [conn], stages: [stage] });
    const again = await pipeline("drift", GOOD);
    expectOk(again);
    expect(again.output).toContain("no drift on stack ci");
  });

  it("drift check: fails naming the connection after an out-of-band CREATE OR REPLACE CONNECTION, passes after up", async () => {
    await exec(`CREATE OR REPLACE CONNECTION ${conn} STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'someone-else'`);
    const before = await checkpoint();
    const d = await pipeline("drift", GOOD);
    expect(d.code).not.toBe(0);
    expect(d.output).toContain(`update pulumi-nodejs:dynamic/databend:Connection ${conn}`);
    expect(await checkpoint()).toBe(before);
    expectOk(await pipeline("up", GOOD));
    const desc = await query(`DESC CONNECTION ${conn}`);
    expect(String(desc[0]?.storage_params)).not.toContain("someone-else");
    expectOk(await pipeline("drift", GOOD));
  });

  it("drift check: fails naming every stage still on the old key after a rotation, passes after the documented re-capture", async () => {
    const byHand = `${prefix}_by_hand`;
    await exec(`CREATE STAGE ${byHand} URL = 's3://ci-data/raw/' CONNECTION = (CONNECTION_NAME = '${conn}')`);
    expectOk(await pipeline("drift", GOOD));
    // The key rotation: a new key in the CI secret store, and the main branch's `up`.
    const iam = new IAMClient(aws);
    const k = (await iam.send(new CreateAccessKeyCommand({ UserName: `ci-stage-${id}` }))).AccessKey;
    iam.destroy();
    const oldSecret = stageKey.secret;
    stageKey = { id: k?.AccessKeyId ?? "", secret: k?.SecretAccessKey ?? "" };
    expectOk(await pipeline("up", GOOD));
    const d = await pipeline("drift", GOOD);
    expect(d.code).toBe(3);
    const line = (s: string) =>
      `stale copy: stage ${s} holds old accessKeyId, secretAccessKey of connection ${conn}`;
    expect(d.output).toContain(`drift detected on stack ci:\n  ${line(byHand)}\n  ${line(stage)}`);
    expect(report("drift.md")).toContain(`- ${line(byHand)}\n- ${line(stage)}`);
    expect(d.output).not.toContain(oldSecret);
    // The documented re-capture: the managed stage with DATABEND_RECAPTURE, the other by hand.
    expectOk(await pipeline("up", GOOD, { DATABEND_RECAPTURE: stage }));
    expect((await pipeline("drift", GOOD)).output).toContain(
      `drift detected on stack ci:\n  ${line(byHand)}`,
    );
    await exec(
      `ALTER STAGE ${byHand} SET URL = 's3://ci-data/raw/' CONNECTION = (CONNECTION_NAME = '${conn}')`,
    );
    const again = await pipeline("drift", GOOD);
    expectOk(again);
    expect(again.output).toContain("no drift on stack ci");
    await exec(`DROP STAGE ${byHand}`);
  });

  it("drift check: fails naming the stage and the cause when its key loses access, passes once access is restored", async () => {
    const iam = new IAMClient(aws);
    const revoke = new DeleteUserPolicyCommand({ UserName: stageUser, PolicyName: READ_POLICY });
    await iam.send(revoke);
    const before = await checkpoint();
    const d = await pipeline("drift", GOOD);
    expect(d.code).not.toBe(0);
    expect(d.output).toContain(
      `drift detected on stack ci:\n  update pulumi-nodejs:dynamic/databend:Stage ${stage}`,
    );
    expect(d.output).toContain(`stage '${stage}' cannot read its location from Databend`);
    expect(d.output).toContain("AccessDenied");
    expect(report("drift.md")).toContain(`- update pulumi-nodejs:dynamic/databend:Stage ${stage}`);
    expect(await checkpoint()).toBe(before);
    await grantRead(iam, stageUser);
    iam.destroy();
    const again = await pipeline("drift", GOOD);
    expectOk(again);
    expect(again.output).toContain("no drift on stack ci");
  });

  it("two ups on the same stack at once: the second fails on the backend lock, nothing corrupted or duplicated", async () => {
    const next = stackConfig(`s3://${dataBucket}/raw/`, "v2");
    const first = start("up", next);
    const deadline = Date.now() + 60_000;
    while ((await keys(".pulumi/locks/")).length === 0) {
      if (Date.now() > deadline) throw new Error("the first up never took the lock");
      await new Promise((r) => setTimeout(r, 25));
    }
    const second = await pipeline("up", next);
    const r1 = await first.done;
    expectOk(r1);
    expect(second.code).not.toBe(0);
    expect(second.output).toContain("the stack is currently locked by 1 lock(s)");
    expect(await keys(".pulumi/locks/")).toEqual([]);
    const state = JSON.parse(await checkpoint()) as {
      checkpoint: { latest: { resources: { urn: string }[] } };
    };
    const urns = state.checkpoint.latest.resources.map((r) => r.urn);
    expect(new Set(urns).size).toBe(urns.length);
    expect(urns.filter((u) => u.endsWith(`::${conn}`) || u.endsWith(`::${stage}`))).toHaveLength(2);
    expect(await objects()).toEqual({ connections: [conn], stages: [stage] });
    // The user's comment, then the stack's owner marker (what DATABEND_ADOPT='*' takes as proof).
    expect((await query(`DESC STAGE ${stage}`))[0]?.comment).toBe("v2 [pulumi-databend:databend-ci/ci]");
    expectOk(await pipeline("drift", next));
  });

  it("prints no secret in any run, and keeps none in plaintext in the S3 state", async () => {
    const log = runs.map((r) => r.output).join("\n");
    expect(log.length).toBeGreaterThan(1000);
    const secrets = [passphrase, stageKey.secret, aws.credentials.secretAccessKey];
    expect(secrets.filter((s) => log.includes(s))).toEqual([]);
    const state = await checkpoint();
    expect([passphrase, stageKey.secret].filter((s) => state.includes(s))).toEqual([]);
  });
});
