/**
 * README "See every copy", the rotation recipe, run as written against S3 that enforces keys (moto):
 * rotate the IAM access key, `up` (the connection is replaced, the stages that opted in re-capture,
 * every stage still holding the old key is reported), re-capture what was reported, audit shows 0 stale
 * copies, delete the old key, and `LIST` works through every stage with the new key.
 */
import { execFile } from "child_process";
import * as path from "path";
import { promisify } from "util";
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  IAMClient,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { expectOk } from "../support/assertions";
import { closeDatabend, exec, query } from "../support/databend";
import { diagnostics, primaryOp } from "../support/engineEvents";
import { seedBucket } from "../support/s3";
import { ROOT, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

const runFile = promisify(execFile);
const env = stackEnv();
const id = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `rot_${base}_${id}`;
const bucket = `rot-${id}`;
const user = `databend-stages-${id}`;
const CLI = path.join(ROOT, "dist", "bin", "pulumi-databend.js");
const iam = new IAMClient({
  endpoint: env.AWS_ENDPOINT_URL,
  region: env.AWS_REGION,
  credentials: {
    accessKeyId: env.AWS_ACCESS_KEY_ID as string,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
  },
});

async function newKey(): Promise<{ id: string; secret: string }> {
  const k = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey;
  return { id: k?.AccessKeyId ?? "", secret: k?.SecretAccessKey ?? "" };
}

async function audit(): Promise<{ code: number; stages: Record<string, unknown>[] }> {
  let code = 0;
  let stdout: string;
  try {
    stdout = (
      await runFile(process.execPath, [CLI, "audit", "--json"], {
        env: { ...process.env, DATABEND_DSN: env.DATABEND_DSN as string },
      })
    ).stdout;
  } catch (e) {
    const err = e as { code?: number; stdout?: string };
    code = err.code ?? -1;
    stdout = err.stdout ?? "";
  }
  const all = (JSON.parse(stdout) as { stages: Record<string, unknown>[] }).stages;
  return { code, stages: all.filter((s) => String(s.stage).endsWith(id)) };
}

async function list(stage: string): Promise<string[]> {
  return (await query(`LIST @${stage}`)).map((r) => String(r.name)).sort();
}

describe("README: rotating the IAM access key of a connection, every copy included", () => {
  let stack: TestStack;
  let oldKey: { id: string; secret: string };
  const url = `s3://${bucket}/data/`;
  const stages = [n("orders"), n("events"), n("by_hand")];

  const program = (): object[] => [
    {
      kind: "Connection",
      name: "conn",
      args: {
        name: n("conn"),
        storageType: "s3",
        endpointUrl: env.AWS_ENDPOINT_URL,
        region: env.AWS_REGION,
        accessKeyId: { $plain: "keyId" },
        secretAccessKey: { $secret: "secret" },
      },
    },
    ...["orders", "events"].map((s) => ({
      kind: "Stage",
      name: s,
      args: { name: n(s), url, connection: { $ref: "conn" }, onConnectionChange: "recreate" },
    })),
  ];

  beforeAll(async () => {
    await seedBucket(bucket, { "data/a.csv": "1,one\n" });
    await iam.send(new CreateUserCommand({ UserName: user }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: user,
        PolicyName: "stage-read",
        PolicyDocument: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }],
        }),
      }),
    );
    oldKey = await newKey();
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { keyId: oldKey.id, secret: oldKey.secret }, true);
    await stack.setConfig("resources", program());
    expectOk(await stack.up());
    // A stage nobody manages, made by hand from the same connection.
    await exec(`CREATE STAGE ${n("by_hand")} URL = '${url}' CONNECTION = (CONNECTION_NAME = '${n("conn")}')`);
    for (const s of stages) expect(await list(s)).toEqual(["a.csv"]);
    expect((await audit()).code).toBe(0);
  });

  afterAll(async () => {
    await exec(`DROP STAGE IF EXISTS ${n("by_hand")}`).catch(() => undefined);
    await stack?.cleanup();
    iam.destroy();
    await closeDatabend();
  });

  it("up with the new key re-captures the opted-in stages and reports every stage still on the old key", async () => {
    const next = await newKey();
    await stack.setConfig("secrets", { keyId: next.id, secret: next.secret }, true);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("update");
    expect(primaryOp(r.ops, "orders")).toBe("update");
    expect(primaryOp(r.ops, "events")).toBe("update");
    // The dynamic provider's notices reach the CLI's output through its standard error.
    const warning = [...diagnostics(r.events, "warning"), r.output].join("\n");
    expect(warning).toContain(`connection '${n("conn")}' changed, and `);
    expect(warning).toContain(`'${n("by_hand")}'`);
    const outs = await stack.stackOutputs();
    expect((outs.conn as { staleCopies: string[] }).staleCopies).toContain(n("by_hand"));
    for (const secret of [oldKey.secret, next.secret]) expect(r.output).not.toContain(secret);
  });

  it("the audit names the stage left on the old key (exit 3), and 0 stale copies once it is re-captured", async () => {
    const before = await audit();
    expect(before.code).toBe(3);
    expect(before.stages.filter((s) => s.stale).map((s) => s.stage)).toEqual([n("by_hand")]);
    // What the warning says for a stage outside the stack: re-capture it from the connection.
    await exec(
      `ALTER STAGE ${n("by_hand")} SET URL = '${url}' CONNECTION = (CONNECTION_NAME = '${n("conn")}')`,
    );
    const after = await audit();
    expect(after.stages.map((s) => [s.stage, s.match, s.stale])).toEqual(
      [...stages].sort().map((s) => [s, "exact", false]),
    );
    expect(after.code).toBe(0);
  });

  it("after the old key is deleted, LIST works through every stage", async () => {
    await iam.send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: oldKey.id }));
    for (const s of stages) expect(await list(s)).toEqual(["a.csv"]);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });
});

describe("the same report through the provider plugin (Pulumi YAML)", () => {
  const program = new YamlProgram("rotation-yaml");
  let stack: TestStack;
  const conn = n("yconn");
  const hand = n("yhand");

  const write = (secret: string): void => {
    program.write(
      [
        {
          name: "conn",
          type: "databend:Connection",
          properties: {
            name: conn,
            storageType: "s3",
            endpointUrl: env.AWS_ENDPOINT_URL,
            accessKeyId: "AKIAYAMLROTATION01",
            secretAccessKey: secret,
          },
        },
      ],
      { outputs: { staleCopies: "${conn.staleCopies}" } },
    );
  };

  beforeAll(async () => {
    write("first-yaml-secret-1");
    stack = await new TestStack({ program: program.dir }).init();
    expectOk(await stack.up());
    await exec(`CREATE STAGE ${hand} URL = 's3://${bucket}/y/' CONNECTION = (CONNECTION_NAME = '${conn}')`);
  });
  afterAll(async () => {
    await exec(`DROP STAGE IF EXISTS ${hand}`).catch(() => undefined);
    await stack?.cleanup();
    program.remove();
  });

  it("warns and outputs staleCopies naming the stage made by hand", async () => {
    write("second-yaml-secret-2");
    const r = await stack.up();
    expectOk(r);
    expect(diagnostics(r.events, "warning").join("\n")).toContain(
      `connection '${conn}' changed, and 1 stage(s) still hold a copy of its old parameters: '${hand}'.`,
    );
    expect((await stack.stackOutputs()).staleCopies).toEqual([hand]);
  });
});
