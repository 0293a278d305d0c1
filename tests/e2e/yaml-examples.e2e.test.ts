import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { samePolicy } from "../../provider/aws/policyDocument";
import { expectOk } from "../support/assertions";
import { primaryOp } from "../support/engineEvents";
import { findSecrets } from "../support/secrets";
import { localAwsConfig, ROOT, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

// The Pulumi YAML examples: each runs with its one documented command, and the IAM one is also
// deployed step by step to check what it created.
const run = promisify(execFile);
const env = stackEnv();

async function example(name: string): Promise<string> {
  const r = await run("bash", [path.join(ROOT, "scripts", "example"), name, "--show"], {
    cwd: ROOT,
    env: {
      ...process.env,
      PULUMI_DATABEND_BOOTSTRAPPED: "1", // the test runner bootstrapped
      PATH: `${path.join(ROOT, ".tools", "bin")}:${process.env.PATH ?? ""}`,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  return r.stdout + r.stderr;
}

describe("`npm run example <name>` on the local stack", () => {
  it("yaml-quickstart deploys toronto and my_s3_stage, which lists the bucket, a named format, its stage and a grant, then destroys them", async () => {
    const out = await example("yaml-quickstart");
    expect(out).toMatch(/databend:index:Connection\s+toronto\s+created/);
    expect(out).toMatch(/databend:index:Stage\s+my_s3_stage\s+created/);
    expect(out).toMatch(/databend:index:FileFormat\s+csv_cities\s+created/);
    expect(out).toMatch(/databend:index:Stage\s+cities_stage\s+created/);
    expect(out).toMatch(/databend:index:StageGrant\s+cities_read\s+created/);
    expect(out).toContain("name: cities.csv");
    expect(out).toMatch(/- 6 deleted/);
    expect(findSecrets(out, [env.AWS_SECRET_ACCESS_KEY as string])).toEqual([]);
  });

  it("yaml-iam-role-stage deploys the role, the connection and the stage, then destroys them", async () => {
    const out = await example("yaml-iam-role-stage");
    expect(out).toMatch(/databend:aws:StageAccessRole\s+role\s+created/);
    expect(out).toMatch(/databend:index:Stage\s+stage\s+created/);
    expect(out).toContain("trustPolicyDocument : [secret]");
    expect(out).toMatch(/- 4 deleted/);
  });
});

describe("examples/yaml-iam-role-stage against the local IAM", () => {
  let stack: TestStack;
  let iam: IAMClient;
  const name = `y${Math.random().toString(36).slice(2, 7)}`;

  beforeAll(async () => {
    stack = await new TestStack({ program: "examples/yaml-iam-role-stage" }).init();
    iam = new IAMClient(localAwsConfig());
  });
  afterAll(async () => {
    await stack?.cleanup();
    iam?.destroy();
  });

  it("creates all three in one up; the functions return the documents the role carries", async () => {
    await stack.setConfig("databendPrincipalArn", "arn:aws:iam::123456789012:root");
    await stack.setConfig("bucket", "yaml-example-bucket");
    await stack.setConfig("name", name);
    const r = await stack.up();
    expectOk(r);
    expect(["role", "conn", "stage"].map((n) => primaryOp(r.ops, n))).toEqual(["create", "create", "create"]);
    const outs = await stack.stackOutputs();
    expect(outs).toMatchObject({
      roleArn: `arn:aws:iam::123456789012:role/${name}-stage-access`,
      stageUrl: "s3://yaml-example-bucket/raw/",
      connectionName: `${name}_conn`,
      stageName: `${name}_stage`,
    });
    const role = await iam.send(new GetRoleCommand({ RoleName: `${name}-stage-access` }));
    const trust = decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? "");
    expect(samePolicy(String(outs.trustPolicyDocument), trust)).toBe(true);
    expect(samePolicy(String(outs.accessPolicyDocument), String(outs.accessPolicy))).toBe(true);
    const externalId = (
      JSON.parse(trust) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] }
    ).Statement[0]?.Condition.StringEquals["sts:ExternalId"] as string;
    expect(externalId.length).toBeGreaterThan(10);
    expect(findSecrets(await stack.exportState(), [externalId])).toEqual([]);
    expect(findSecrets(stack.allOutput(), [externalId])).toEqual([]);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });
});
