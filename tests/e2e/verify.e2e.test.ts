/**
 * Issue 19: `verify` on Stage, proven from Databend (the embedded engine lists the stage on moto, which
 * enforces keys), in both hosts: the TypeScript program (dynamic provider) and a Pulumi YAML program
 * (provider plugin). Same scenarios, same expectations.
 */
import { DeleteAccessKeyCommand, IAMClient } from "@aws-sdk/client-iam";
import { createReaderUser, newAccessKey } from "../support/iamUser";
import { expectFailed, expectOk } from "../support/assertions";
import { closeDatabend, query } from "../support/databend";
import { FaultProxy } from "../support/faultProxy";
import { seedBucket } from "../support/s3";
import { localAwsConfig } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

const aws = localAwsConfig();
const run = Math.random().toString(36).slice(2, 7);
const bucket = `verify-${run}`;
const iam = new IAMClient(aws);

type Host = "typescript" | "yaml";

/** One stage program in one host; `secret` is the stage's secret access key (kept secret in both). */
class Deployment {
  stack!: TestStack;
  private readonly program = new YamlProgram(`verify-${run}`);
  constructor(
    readonly host: Host,
    readonly stage: string,
  ) {}

  async init(): Promise<this> {
    this.program.write([]);
    this.stack = await new TestStack(this.host === "yaml" ? { program: this.program.dir } : {}).init();
    return this;
  }

  /** Writes the program: one external stage with inline credentials and `verify: true`. */
  async set(args: {
    url: string;
    keyId: string;
    secret: string;
    endpoint?: string;
    timeout?: number;
  }): Promise<void> {
    const props = (secret: unknown) => ({
      name: this.stage,
      url: args.url,
      credentials: {
        endpointUrl: args.endpoint ?? aws.endpoint,
        region: aws.region,
        accessKeyId: args.keyId,
        secretAccessKey: secret,
      },
      verify: true,
      ...(args.timeout === undefined ? {} : { verifyTimeoutSeconds: args.timeout }),
    });
    if (this.host === "typescript") {
      await this.stack.setConfig("secrets", { key: args.secret }, true);
      await this.stack.setConfig("resources", [
        { kind: "Stage", name: "s", args: props({ $secret: "key" }) },
      ]);
    } else {
      this.program.write([{ name: "s", type: "databend:Stage", properties: props(args.secret) }]);
    }
  }

  async cleanup(): Promise<void> {
    await this.stack?.cleanup();
    this.program.remove();
  }
}

const seconds = async <T>(f: () => Promise<T>): Promise<[T, number]> => {
  const t0 = Date.now();
  const r = await f();
  return [r, (Date.now() - t0) / 1000];
};

let proxy: FaultProxy;
beforeAll(async () => {
  await seedBucket(bucket, { "in/a.csv": "1\n" });
  proxy = await FaultProxy.start(aws.endpoint, { lifetimeMs: 1_800_000 });
});
afterAll(async () => {
  await proxy?.stop();
  iam.destroy();
  await closeDatabend();
});

describe.each<Host>(["typescript", "yaml"])("Stage verify from Databend (%s host)", (host) => {
  const d = new Deployment(host, `verify_${host === "yaml" ? "y" : "t"}_${run}`);
  const user = `verify-${host}-${run}`;
  let key = { id: "", secret: "" };
  const outputs: string[] = [];

  beforeAll(async () => {
    await d.init();
    key = await createReaderUser(iam, user);
  });
  afterAll(async () => {
    await d.cleanup();
    // No secret in anything Pulumi printed along the way.
    const all = outputs.join("\n");
    expect([key.secret, aws.credentials.secretAccessKey].filter((s) => s && all.includes(s))).toEqual([]);
  });

  it("a wrong secret fails `up` at once, naming secretAccessKey; the stage stays in the stack", async () => {
    await d.set({
      url: `s3://${bucket}/in/`,
      keyId: key.id,
      secret: `${key.secret.slice(0, -4)}XXXX`,
      timeout: 20,
    });
    const [r, s] = await seconds(() => d.stack.up());
    outputs.push(r.output);
    const out = expectFailed(r);
    expect(out).toContain(`verify stage ${d.stage}`);
    expect(out).toContain("the secret access key does not match the access key ID");
    expect(out).toContain("`secretAccessKey` in the stage's credentials");
    expect(out).toContain("SignatureDoesNotMatch");
    expect(s).toBeLessThan(120);
    expect(await d.stack.urnOf("s")).toMatch(/::s$/);
    expect((await query(`SHOW STAGES LIKE '${d.stage}'`)).length).toBe(1);
    // The next `up` checks again (and fails again while the secret is wrong).
    const again = await d.stack.up();
    outputs.push(again.output);
    expect(expectFailed(again)).toContain("SignatureDoesNotMatch");
  });

  it("the corrected secret passes; the stage records readable and when", async () => {
    await d.set({ url: `s3://${bucket}/in/`, keyId: key.id, secret: key.secret });
    const r = await d.stack.up();
    outputs.push(r.output);
    expectOk(r);
    const state = await d.stack.exportState();
    expect(state).toMatch(/"readable": true/);
    expect(state).toMatch(/"verifiedAt": "\d{4}-/);
    const quiet = await d.stack.preview({ expectNoChanges: true, args: ["--refresh"] });
    outputs.push(quiet.output);
    expectOk(quiet);
  });

  it("a key deleted after the deploy is drift: preview --refresh --expect-no-changes fails naming stage and cause", async () => {
    await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: key.id }));
    const r = await d.stack.preview({ expectNoChanges: true, args: ["--refresh"] });
    outputs.push(r.output);
    const out = expectFailed(r);
    expect(out).toContain(`stage '${d.stage}' cannot read its location from Databend`);
    expect(out).toContain("InvalidAccessKeyId");
    // Restoring access (the rotated key deployed) passes again.
    key = await newAccessKey(iam, user);
    await d.set({ url: `s3://${bucket}/in/`, keyId: key.id, secret: key.secret });
    const up = await d.stack.up();
    outputs.push(up.output);
    expectOk(up);
    const ok = await d.stack.preview({ expectNoChanges: true, args: ["--refresh"] });
    outputs.push(ok.output);
    expectOk(ok);
  });

  it("a missing bucket fails at once, naming url", async () => {
    await d.set({ url: `s3://${bucket}-missing/in/`, keyId: key.id, secret: key.secret });
    const [r, s] = await seconds(() => d.stack.up());
    outputs.push(r.output);
    const out = expectFailed(r);
    expect(out).toContain("the bucket does not exist; fix `url` of the stage");
    expect(out).toContain("NoSuchBucket");
    expect(out).not.toMatch(/attempts in/);
    expect(s).toBeLessThan(120);
  });

  it("a key IAM has not propagated yet (InvalidAccessKeyId for a while) passes after retries", async () => {
    await proxy.inject({ kind: "awsError", awsCode: "InvalidAccessKeyId", times: 2 });
    await d.set({ url: `s3://${bucket}/in/`, keyId: key.id, secret: key.secret, endpoint: proxy.url });
    const r = await d.stack.up();
    outputs.push(r.output);
    await proxy.clear();
    expectOk(r);
    expect(proxy.firstFaultAt).toBeDefined();
    expect(await d.stack.exportState()).toMatch(/"readable": true/);
  });

  it("InvalidAccessKeyId that never ends fails within verifyTimeoutSeconds, naming accessKeyId and secretAccessKey", async () => {
    await proxy.inject({ kind: "awsError", awsCode: "InvalidAccessKeyId" });
    await d.set({
      url: `s3://${bucket}/other/`,
      keyId: key.id,
      secret: key.secret,
      endpoint: proxy.url,
      timeout: 8,
    });
    const [r, s] = await seconds(() => d.stack.up());
    outputs.push(r.output);
    await proxy.clear();
    const out = expectFailed(r);
    expect(out).toMatch(/\d+ attempts in \d+(\.\d)? s, within verifyTimeoutSeconds/);
    expect(out).toContain("`accessKeyId` and `secretAccessKey` in the stage's credentials");
    expect(s).toBeGreaterThan(8);
  });
});
