import { expectFailed, expectOk } from "../support/assertions";
import { statements } from "../support/bridge";
import { closeDatabend, connectionNames, exec, query } from "../support/databend";
import { diagnostics, primaryOp } from "../support/engineEvents";
import { findSecrets, testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

const env = stackEnv();
const local = env.AWS_ENDPOINT_URL as string;
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;
/** WebHDFS `USER_NAME` is rejected by Databend 1.2.453 (code 4000) and accepted by 1.2.810 and later. */
const webhdfsUserName = !/^1\.2\.453\b/.test(env.DATABEND_ENGINE_VERSION ?? "");

afterAll(closeDatabend);

describe("Connection: one of every storage type", () => {
  const secrets = {
    s3Secret: testSecret("s3secret"),
    s3ExternalId: testSecret("extid"),
    azKey: testSecret("azkey"),
    gcsCredential: Buffer.from(`{"key":"${testSecret("gcs")}"}`).toString("base64"),
    ossSecret: testSecret("osssecret"),
    cosId: testSecret("cosid"),
    cosKey: testSecret("coskey"),
    obsSecret: testSecret("obssecret"),
    delegation: testSecret("delegation"),
  };
  const resources = [
    {
      kind: "Connection",
      name: "keys",
      args: {
        name: n("s3_keys"),
        storageType: "s3",
        accessKeyId: "AKIAEXAMPLE",
        secretAccessKey: { $secret: "s3Secret" },
        endpointUrl: local,
        region: "us-east-1",
        enableVirtualHostStyle: false,
      },
    },
    {
      kind: "Connection",
      name: "role",
      args: {
        name: n("s3_role"),
        storageType: "s3",
        roleArn: "arn:aws:iam::987654321987:role/databend-test",
        externalId: { $secret: "s3ExternalId" },
        region: "us-east-1",
      },
    },
    {
      kind: "Connection",
      name: "az",
      args: {
        name: n("az"),
        storageType: "azblob",
        endpointUrl: "http://127.0.0.1:10000",
        accountName: "devaccount",
        accountKey: { $secret: "azKey" },
      },
    },
    {
      kind: "Connection",
      name: "gcs",
      args: {
        name: n("gcs"),
        storageType: "gcs",
        endpointUrl: "http://127.0.0.1:4443",
        credential: { $secret: "gcsCredential" },
      },
    },
    {
      kind: "Connection",
      name: "oss",
      args: {
        name: n("oss"),
        storageType: "oss",
        endpointUrl: "http://127.0.0.1:9001",
        accessKeyId: "LTAIexample",
        accessKeySecret: { $secret: "ossSecret" },
      },
    },
    {
      kind: "Connection",
      name: "cos",
      args: {
        name: n("cos"),
        storageType: "cos",
        endpointUrl: "http://127.0.0.1:9002",
        secretId: { $secret: "cosId" },
        secretKey: { $secret: "cosKey" },
      },
    },
    {
      kind: "Connection",
      name: "obs",
      args: {
        name: n("obs"),
        storageType: "obs",
        endpointUrl: "http://127.0.0.1:9003",
        accessKeyId: "obsexample",
        secretAccessKey: { $secret: "obsSecret" },
      },
    },
    {
      kind: "Connection",
      name: "hdfs",
      args: {
        name: n("hdfs"),
        storageType: "webhdfs",
        ...(webhdfsUserName ? { userName: "etl" } : {}),
        delegation: { $secret: "delegation" },
      },
    },
    { kind: "Connection", name: "local", args: { name: n("fs"), storageType: "fs" } },
  ];
  let stack: TestStack;

  beforeAll(async () => {
    stack = await new TestStack().init();
    await stack.setConfig("secrets", secrets, true);
    await stack.setConfig("resources", resources);
  });
  afterAll(() => stack?.cleanup());

  it("creates all of them in one update", async () => {
    const r = await stack.up();
    expectOk(r);
    for (const res of resources) expect(primaryOp(r.ops, res.name)).toBe("create");
    const rows = await query("SHOW CONNECTIONS");
    const mine = rows.filter((row) => String(row.name).endsWith(`_${run}`));
    expect(Object.fromEntries(mine.map((row) => [row.name, row.storage_type]))).toEqual({
      [n("s3_keys")]: "s3",
      [n("s3_role")]: "s3",
      [n("az")]: "azblob",
      [n("gcs")]: "gcs",
      [n("oss")]: "oss",
      [n("cos")]: "cos",
      [n("obs")]: "obs",
      [n("hdfs")]: "webhdfs",
      [n("fs")]: "fs",
    });
  });

  it("exposes outputs, with a fingerprint per connection", async () => {
    const outs = await stack.stackOutputs();
    const keys = outs.keys as Record<string, unknown>;
    expect(keys).toMatchObject({
      name: n("s3_keys"),
      storageType: "s3",
      accessKeyId: "AKIAEXAMPLE",
      region: "us-east-1",
    });
    expect(keys.fingerprint).toMatch(/^v3:[0-9a-f]{16}:[0-9a-f]{24}$/);
    // The provider never returns a secret value (only the names of the secret parameters set): the
    // state's outputs lack it (the program still sees its own input, as a secret).
    const state = JSON.parse(await stack.exportState()) as {
      deployment: { resources: { urn: string; outputs: Record<string, unknown> }[] };
    };
    const res = state.deployment.resources.find((r) => r.urn.endsWith("::keys"));
    expect(res?.outputs).toHaveProperty("fingerprint");
    expect(res?.outputs).not.toHaveProperty("secretAccessKey");
    expect(res?.outputs.secretParams).toEqual(["secretAccessKey"]);
  });

  it("previews with no changes, and refresh finds no drift behind Databend's masking", async () => {
    expectOk(await stack.preview({ expectNoChanges: true }));
    const refreshed = await stack.refresh();
    expectOk(refreshed);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("keeps every secret out of the state and out of everything the CLI printed", async () => {
    const state = await stack.exportState();
    expect(findSecrets(state, Object.values(secrets))).toEqual([]);
    expect(findSecrets(stack.allOutput(), Object.values(secrets))).toEqual([]);
    expect(state).toContain("ciphertext");
  });

  it("refuses at preview a storage type no Databend version can create as a connection (hf)", async () => {
    await stack.setConfig("resources", [
      ...resources,
      { kind: "Connection", name: "hf", args: { name: n("hf"), storageType: "hf", repoType: "dataset" } },
    ]);
    // Every engine refuses CREATE CONNECTION ... STORAGE_TYPE = 'hf' with error 4000 ("input uri is not a
    // valid huggingface uri", tests/e2e/fileFormatMatrix.e2e.test.ts): preview says so, with the way out.
    const out = expectFailed(await stack.preview());
    expect(out).toContain("cannot be 'hf': every Databend version refuses CREATE CONNECTION");
    expect(out).toContain("inline credentials");
    expectFailed(await stack.up());
    expect(await connectionNames()).not.toContain(n("hf"));
    await stack.setConfig("resources", resources);
  });
});

describe("Connection lifecycle", () => {
  const secret1 = testSecret("first");
  const secret2 = testSecret("second");
  const conn = (name: string, secretKey: string) => [
    {
      kind: "Connection",
      name: "c",
      args: {
        name,
        storageType: "s3",
        accessKeyId: "AKIALIFECYCLE",
        secretAccessKey: { $secret: secretKey },
        endpointUrl: local,
        region: "us-east-1",
      },
    },
  ];
  let stack: TestStack;

  beforeAll(async () => {
    // This stack reads the DSN from DATABEND_DSN instead of `databend:dsn`.
    stack = await new TestStack({ dsnVia: "env" }).init();
    await stack.setConfig("secrets", { one: secret1, two: secret2 }, true);
    await stack.setConfig("resources", conn(n("life"), "one"));
    expectOk(await stack.up());
  });
  afterAll(() => stack?.cleanup());

  it("updates in place when a parameter changes", async () => {
    const before = (await stack.stackOutputs()).c as { fingerprint: string };
    await stack.setConfig("resources", conn(n("life"), "two"));
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "c")).toBe("update");
    const after = (await stack.stackOutputs()).c as { fingerprint: string };
    expect(after.fingerprint).not.toBe(before.fingerprint);
    const [row] = await query(`DESC CONNECTION ${n("life")}`);
    expect(String(row?.storage_params)).toContain("secret_access_key=");
  });

  it("replaces when the name changes, creating the new one before dropping the old", async () => {
    await stack.setConfig("resources", conn(n("life2"), "two"));
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "c")).toBe("replace");
    const names = await connectionNames();
    expect(names).toContain(n("life2"));
    expect(names).not.toContain(n("life"));
  });

  it("forgets a connection dropped outside Pulumi on refresh, and the next up recreates it", async () => {
    await exec(`DROP CONNECTION ${n("life2")}`);
    const refreshed = await stack.refresh();
    expectOk(refreshed);
    expect(await stack.resourceNames()).not.toContain("c");
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "c")).toBe("create");
    expect(await connectionNames()).toContain(n("life2"));
  });

  it("shows an out-of-band CREATE OR REPLACE as drift, and the next up puts it back", async () => {
    await exec(
      `CREATE OR REPLACE CONNECTION ${n("life2")} STORAGE_TYPE = 'azblob' ENDPOINT_URL = 'http://127.0.0.1:1'`,
    );
    expectOk(await stack.refresh());
    const preview = await stack.preview();
    expectOk(preview);
    expect(primaryOp(preview.ops, "c")).toBe("update");
    expectOk(await stack.up());
    const [row] = await query(`DESC CONNECTION ${n("life2")}`);
    expect(row?.storage_type).toBe("s3");
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("refuses to overwrite a connection it did not create, and takes it over with adopt", async () => {
    await exec(`CREATE CONNECTION ${n("taken")} STORAGE_TYPE = 'fs'`);
    await stack.setConfig("resources", [
      ...conn(n("life2"), "two"),
      {
        kind: "Connection",
        name: "other",
        args: { name: n("taken"), storageType: "s3", region: "us-east-1" },
      },
    ]);
    const out = expectFailed(await stack.up());
    expect(out).toContain("Databend error 2512");
    expect(out).toContain("adopt: true");
    await stack.setConfig("resources", [
      ...conn(n("life2"), "two"),
      {
        kind: "Connection",
        name: "other",
        args: { name: n("taken"), storageType: "s3", region: "us-east-1", adopt: true },
      },
    ]);
    expectOk(await stack.up());
    const [row] = await query(`DESC CONNECTION ${n("taken")}`);
    expect(row?.storage_type).toBe("s3");
  });

  it("destroys every connection it manages", async () => {
    expectOk(await stack.destroy());
    const names = await connectionNames();
    expect(names).not.toContain(n("life2"));
    expect(names).not.toContain(n("taken"));
  });

  it("keeps both secret keys out of the state and the CLI output", async () => {
    expect(findSecrets(await stack.exportState(), [secret1, secret2])).toEqual([]);
    expect(findSecrets(stack.allOutput(), [secret1, secret2])).toEqual([]);
  });
});

describe("Connection validation at preview", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await new TestStack({ driver: "automation" }).init();
  });
  afterAll(() => stack?.cleanup());

  const bad = n("bad");
  it.each([
    {
      args: {
        name: `${bad}_a`,
        storageType: "azblob",
        endpointUrl: "http://127.0.0.1:1",
        secretAccessKey: "x",
      },
      expected:
        /secretAccessKey.*is not a parameter of storage type 'azblob' \(it belongs to 's3', 'obs'\); allowed: endpointUrl, accountName, accountKey/,
    },
    {
      args: { name: `${bad}_b`, storageType: "oss" },
      expected: /endpointUrl.*is required for storage type 'oss'/,
    },
    {
      args: { name: `${bad}_c`, storageType: "s3", roleArn: "arn:aws:s3:::bucket" },
      expected: /roleArn.*must be an IAM role ARN such as arn:aws:iam::123456789012:role\/databend-access/,
    },
    { args: { name: `${bad}_d`, storageType: "s3", region: "" }, expected: /region.*must not be empty/ },
    {
      args: { name: "Bad-Name", storageType: "s3" },
      expected: /name.*must be a plain identifier: 1-255 lowercase letters/,
    },
    {
      args: { name: `${bad}_e`, storageType: "s3", externalId: "abc" },
      expected: /roleArn.*is required when externalId is given/,
    },
    {
      args: { name: `${bad}_f`, storageType: "s4" },
      expected: /storageType.*must be one of s3, azblob, gcs/,
    },
  ])(
    "fails preview on $args.name ($args.storageType) before any statement is sent",
    async ({ args, expected }) => {
      await stack.setConfig("resources", [{ kind: "Connection", name: "bad", args }]);
      const r = await stack.preview();
      const out = expectFailed(r);
      expect(out).toMatch(expected);
      expect(diagnostics(r.events, "error").join("\n")).toMatch(expected);
      const log = await statements();
      expect(log.statements.filter((s) => s.includes(bad) || s.includes("Bad-Name"))).toEqual([]);
    },
  );
});
