import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { CreateBucketCommand, DeleteBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { bucketAccessPolicy } from "../../provider/aws/bucketAccessPolicy";
import { samePolicy } from "../../provider/aws/policyDocument";
import { trustPolicy } from "../../provider/aws/trustPolicy";
import { expectOk } from "../support/assertions";
import { primaryOp } from "../support/engineEvents";
import { localAwsConfig, ROOT } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

const run = promisify(execFile);

/** Reads a role from the local IAM endpoint: its trust policy's external ID and its inline policies. */
async function iamRole(
  iam: IAMClient,
  roleName: string,
): Promise<{ trust: string; externalId: string; inline: Record<string, string> } | undefined> {
  let trust: string;
  try {
    const r = await iam.send(new GetRoleCommand({ RoleName: roleName }));
    trust = decodeURIComponent(r.Role?.AssumeRolePolicyDocument ?? "");
  } catch (e) {
    if ((e as Error).name === "NoSuchEntityException") return undefined;
    throw e;
  }
  const doc = JSON.parse(trust) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
  const names = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
  const inline: Record<string, string> = {};
  for (const n of names) {
    const p = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: n }));
    inline[n] = decodeURIComponent(p.PolicyDocument ?? "");
  }
  return { trust, externalId: doc.Statement[0]?.Condition.StringEquals["sts:ExternalId"] ?? "", inline };
}

describe("aws.StageAccessRole through the real Pulumi engine", () => {
  let stack: TestStack;
  let iam: IAMClient;
  let s3: S3Client;
  let bucket: string;
  let roleName: string;
  let externalId = "";
  // The trusted principal is the identity the tests (and so the provider) run as: moto matches trust
  // policy principals literally, so only then can `verify` assume the role.
  let principal = "";
  const resources = (role: Record<string, unknown>): unknown[] => [
    {
      kind: "StageAccessRole",
      name: "role",
      args: { databendPrincipalArn: principal, bucket, roleName, verify: true, ...role },
    },
    {
      kind: "Connection",
      name: "conn",
      args: {
        name: `c_${stack.name}`,
        storageType: "s3",
        roleArn: { $ref: "role", $out: "roleArn" },
        externalId: { $ref: "role", $out: "externalId" },
      },
    },
    {
      kind: "Stage",
      name: "stage",
      args: {
        name: `s_${stack.name}`,
        url: { $ref: "role", $out: "stageUrl" },
        connection: { $ref: "conn" },
      },
    },
  ];

  beforeAll(async () => {
    stack = await new TestStack().init();
    iam = new IAMClient(localAwsConfig());
    s3 = new S3Client({ ...localAwsConfig(), forcePathStyle: true });
    bucket = `e2e-${stack.name}`;
    roleName = `pd-${stack.name}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const sts = new STSClient(localAwsConfig());
    principal = (await sts.send(new GetCallerIdentityCommand({}))).Arn ?? "";
    sts.destroy();
  });

  afterAll(async () => {
    await stack?.cleanup();
    await s3?.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
    iam?.destroy();
    s3?.destroy();
  });

  it("creates the role, a ROLE_ARN connection and a stage from its outputs in one up, and verifies access", async () => {
    await stack.setConfig("resources", resources({ prefix: "data" }));
    const r = await stack.up();
    expectOk(r);
    expect(["role", "conn", "stage"].map((n) => primaryOp(r.ops, n))).toEqual(["create", "create", "create"]);
    const role = await iamRole(iam, roleName);
    expect(role).toBeDefined();
    externalId = role?.externalId ?? "";
    expect(externalId).toMatch(/^[0-9a-f]{32}$/);
    expect(
      samePolicy(role?.trust ?? "", trustPolicy({ databendPrincipalArn: principal, externalId }).json),
    ).toBe(true);
    expect(Object.keys(role?.inline ?? {})).toEqual(["databend-stage-access"]);
    const expected = bucketAccessPolicy({ bucket, prefix: "data/", access: "read" }).json;
    expect(samePolicy(role?.inline["databend-stage-access"] ?? "", expected)).toBe(true);
  });

  it("keeps the external ID out of the state file and everything Pulumi printed", async () => {
    const state = await stack.exportState();
    expect(state).toContain(`"roleArn": "arn:aws:iam::123456789012:role/${roleName}"`);
    expect(externalId).not.toBe("");
    expect(state).not.toContain(externalId);
    expect(stack.allOutput()).not.toContain(externalId);
    // The generated ID is stored as a secret in both the inputs and the outputs; the trust policy, which
    // holds it, is kept only as a fingerprint (the program computes the document itself).
    const SECRET_SIG = "4dabf18193072939515e22adb298388d";
    const deployment = JSON.parse(state) as {
      deployment: {
        resources: { type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }[];
      };
    };
    const res = deployment.deployment.resources.find((x) => x.type.endsWith("databend:StageAccessRole"));
    expect(res?.inputs.externalId).toHaveProperty([SECRET_SIG]);
    expect(res?.outputs.externalId).toHaveProperty([SECRET_SIG]);
    expect(res?.outputs.trustPolicy).toBeUndefined();
    expect(res?.outputs.trustPolicyFingerprint).toMatch(/^v2:[0-9a-f]{24}$/);
    expect(res?.outputs.accessPolicy).toEqual(expect.any(String));
  });

  it("sees no change on preview, and no drift on refresh", async () => {
    const p = await stack.preview();
    expectOk(p);
    expect(primaryOp(p.ops, "role")).toBe("same");
    const r = await stack.refresh();
    expectOk(r);
    const again = await stack.preview();
    expectOk(again);
    expect(primaryOp(again.ops, "role")).toBe("same");
  });

  it("updates prefix and access in place, keeping the external ID (the connection stays the same)", async () => {
    await stack.setConfig("resources", resources({ prefix: "data/v2/", access: "readwrite" }));
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "role")).toBe("update");
    expect(primaryOp(r.ops, "conn")).toBe("same");
    const role = await iamRole(iam, roleName);
    expect(role?.externalId).toBe(externalId);
    const expected = bucketAccessPolicy({ bucket, prefix: "data/v2/", access: "readwrite" }).json;
    expect(samePolicy(role?.inline["databend-stage-access"] ?? "", expected)).toBe(true);
    expect(stack.allOutput()).not.toContain(externalId);
    expect(await stack.exportState()).not.toContain(externalId);
  });

  it("prints, from the CLI, exactly the documents the library built and IAM holds", async () => {
    const role = await iamRole(iam, roleName);
    const cli = path.join(ROOT, "dist", "bin", "pulumi-databend.js");
    const args = ["trust-policy", "--principal", principal, "--external-id", externalId, "--bucket", bucket];
    const { stdout } = await run(process.execPath, [
      cli,
      ...args,
      "--prefix",
      "data/v2/",
      "--access",
      "readwrite",
    ]);
    expect(JSON.parse(stdout)).toEqual({
      trustPolicy: trustPolicy({ databendPrincipalArn: principal, externalId }).document,
      accessPolicy: bucketAccessPolicy({ bucket, prefix: "data/v2/", access: "readwrite" }).document,
    });
    const trustOnly = await run(process.execPath, [cli, ...args, "--only", "trust"]);
    expect(samePolicy(trustOnly.stdout, role?.trust ?? "")).toBe(true);
    const accessOnly = await run(process.execPath, [
      cli,
      ...args,
      "--prefix",
      "/data/v2",
      "--access",
      "readwrite",
      "--only",
      "access",
    ]);
    expect(samePolicy(accessOnly.stdout, role?.inline["databend-stage-access"] ?? "")).toBe(true);
  });

  it("destroys the role and its inline policy", async () => {
    const r = await stack.destroy();
    expectOk(r);
    expect(primaryOp(r.ops, "role")).toBe("delete");
    expect(await iamRole(iam, roleName)).toBeUndefined();
    await expect(
      iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: "databend-stage-access" })),
    ).rejects.toMatchObject({ name: "NoSuchEntityException" });
  });
});

describe("aws.StageAccessRole with verify: true that cannot succeed", () => {
  let stack: TestStack;
  let iam: IAMClient;

  beforeAll(async () => {
    stack = await new TestStack().init();
    iam = new IAMClient(localAwsConfig());
  });
  afterAll(async () => {
    await stack?.cleanup();
    iam?.destroy();
  });

  it("fails the up with the reason, keeps the created role in state, and destroys it", async () => {
    const roleName = `pd-${stack.name}-v`;
    const other = "arn:aws:iam::210987654321:role/databend-cloud";
    await stack.setConfig("resources", [
      {
        kind: "StageAccessRole",
        name: "role",
        args: { databendPrincipalArn: other, bucket: "b-1", roleName, verify: true },
      },
    ]);
    const r = await stack.up();
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(
      /verify: cannot assume arn:aws:iam::123456789012:role\/.* its trust policy only trusts arn:aws:iam::210987654321:role\/databend-cloud/,
    );
    const role = await iamRole(iam, roleName);
    expect(role).toBeDefined();
    expect(stack.allOutput()).not.toContain(role?.externalId);
    expect(await stack.exportState()).not.toContain(role?.externalId);
    const d = await stack.destroy();
    expectOk(d);
    expect(await iamRole(iam, roleName)).toBeUndefined();
  });
});
