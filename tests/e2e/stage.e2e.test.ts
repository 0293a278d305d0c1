import { expectFailed, expectOk } from "../support/assertions";
import { closeDatabend, exec, query } from "../support/databend";
import { diagnostics, primaryOp } from "../support/engineEvents";
import { seedBucket } from "../support/s3";
import { findSecrets, testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { versionAtLeast } from "../../provider/client/serverVersion";
import { ALTER_STAGE_SINCE } from "../../provider/resources/stage";
import { StageRow, parseStageRow } from "../../provider/storage/stageRow";

const env = stackEnv();
const endpoint = env.AWS_ENDPOINT_URL as string;
const goodKeyId = env.AWS_ACCESS_KEY_ID as string;
const goodSecret = env.AWS_SECRET_ACCESS_KEY as string;
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;
/** The engine behind the local stack (scripts/test also runs this suite against older ones). */
const engine = env.DATABEND_ENGINE_VERSION ?? "";
/** Whether the server has ALTER STAGE; without it, in-place changes become drop-and-create (`replace`). */
const alterStage = versionAtLeast(engine.replace(/-.*$/, ""), ALTER_STAGE_SINCE);
const inPlace = alterStage ? "update" : "replace";
/**
 * Databend 1.2.453 detects an S3 region by calling the endpoint when a connection or stage gives none;
 * the seed examples give none and name AWS itself, which this offline machine cannot reach.
 */
const probesRegion = /^1\.2\.453\b/.test(engine);

afterAll(closeDatabend);

async function listFiles(stage: string): Promise<string[]> {
  return (await query(`LIST @${stage}`)).map((r) => String(r.name)).sort();
}

/** DESC STAGE, read with the provider's parser, so the assertions hold on every server layout. */
async function stageRow(stage: string): Promise<StageRow> {
  const [row] = await query(`DESC STAGE ${stage}`);
  if (!row) throw new Error(`stage ${stage} not found`);
  return parseStageRow(row);
}

(probesRegion ? describe.skip : describe)("the seed examples, as written", () => {
  let stack: TestStack;
  const secret = testSecret("seed");
  beforeAll(async () => {
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { key: secret }, true);
  });
  afterAll(() => stack?.cleanup());

  it("deploys connection toronto (access keys) and stage my_s3_stage on s3://databend-toronto", async () => {
    await stack.setConfig("resources", [
      {
        kind: "Connection",
        name: "toronto",
        args: { storageType: "s3", accessKeyId: "AKIASEEDEXAMPLE", secretAccessKey: { $secret: "key" } },
      },
      {
        kind: "Stage",
        name: "my_s3_stage",
        args: { url: "s3://databend-toronto", connection: { $ref: "toronto" } },
      },
    ]);
    // The seed writes the URL without a trailing slash; a bare bucket is accepted as is.
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "toronto")).toBe("create");
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("create");
    const row = await stageRow("my_s3_stage");
    expect(row).toMatchObject({ stageType: "External", storageType: "s3" });
    expect(String(row.url)).toMatch(/^s3:\/\/databend-toronto\/?$/);
  });

  it("deploys connection databend_test (ROLE_ARN) and stage databend_test on s3://test-bucket-123", async () => {
    await stack.setConfig("resources", [
      {
        kind: "Connection",
        name: "databend_test",
        args: { storageType: "s3", roleArn: "arn:aws:iam::987654321987:role/databend-test" },
      },
      {
        kind: "Stage",
        name: "databend_test",
        args: { url: "s3://test-bucket-123", connection: { $ref: "databend_test" } },
      },
    ]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "toronto")).toBe("delete");
    expect(primaryOp(r.ops, "databend_test")).toBe("create");
    expect((await stageRow("databend_test")).storageParams).toMatchObject({
      role_arn: "arn:aws:iam::987654321987:role/databend-test",
    });
    expect(findSecrets(await stack.exportState(), [secret])).toEqual([]);
  });
});

describe("a stage keeps the copy it took of its connection", () => {
  const bucket = `copy-${run}`;
  const wrongSecret = testSecret("wrong");
  let stack: TestStack;
  const connection = (name: string, secretKey: string) => ({
    kind: "Connection",
    name: "conn",
    args: {
      name,
      storageType: "s3",
      accessKeyId: goodKeyId,
      secretAccessKey: { $secret: secretKey },
      endpointUrl: endpoint,
      region: "us-east-1",
    },
  });
  const stage = (extra: Record<string, unknown> = {}) => ({
    kind: "Stage",
    name: "stage",
    args: { name: n("copy_stage"), url: `s3://${bucket}/data/`, connection: { $ref: "conn" }, ...extra },
  });

  beforeAll(async () => {
    await seedBucket(bucket, { "data/a.csv": "1,one\n", "data/b.csv": "2,two\n" });
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { good: goodSecret, wrong: wrongSecret }, true);
    await stack.setConfig("resources", [connection(n("copy_conn"), "good"), stage()]);
    expectOk(await stack.up());
  });
  afterAll(() => stack?.cleanup());

  it("lists and reads the bucket through the stage", async () => {
    expect(await listFiles(n("copy_stage"))).toEqual(["a.csv", "b.csv"]);
    const rows = await query(
      `SELECT $1 AS id, $2 AS label FROM @${n("copy_stage")}/a.csv (FILE_FORMAT => 'CSV')`,
    );
    expect(rows).toEqual([{ id: "1", label: "one" }]);
  });

  it("leaves the stage the same when the connection's secret key changes, and warns", async () => {
    const before = (await stageRow(n("copy_stage"))).storageParams;
    await stack.setConfig("resources", [connection(n("copy_conn"), "wrong"), stage()]);
    const preview = await stack.preview();
    expectOk(preview);
    expect(primaryOp(preview.ops, "conn")).toBe("update");
    expect(primaryOp(preview.ops, "stage")).toBe("same");
    expect(diagnostics(preview.events, "warning", "stage").join("\n")).toMatch(
      /holds a copy of connection '.*' taken at .* has changed since.*DATABEND_RECAPTURE=.* pulumi up.*onConnectionChange: "recreate"/s,
    );

    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("update");
    expect(primaryOp(r.ops, "stage")).toBe("same");
    expect(diagnostics(r.events, "warning", "stage")).not.toEqual([]);
    expect((await stack.stackOutputs()).stage).toMatchObject({
      capturedConnection: { name: n("copy_conn") },
    });

    // DESC STAGE still shows the old (masked) key, and the stage still reads the bucket.
    expect((await stageRow(n("copy_stage"))).storageParams.secret_access_key).toBe(before.secret_access_key);
    expect(await listFiles(n("copy_stage"))).toEqual(["a.csv", "b.csv"]);

    // Proof that the connection really changed: a stage created from it now cannot list.
    await exec(
      `CREATE STAGE ${n("probe")} URL = 's3://${bucket}/data/' CONNECTION = (CONNECTION_NAME = '${n("copy_conn")}')`,
    );
    await expect(listFiles(n("probe"))).rejects.toThrow(/SignatureDoesNotMatch|3002|PermissionDenied/);
    await exec(`DROP STAGE ${n("probe")}`);
  });

  it("leaves the stage untouched when the connection is renamed (replaced)", async () => {
    await stack.setConfig("resources", [connection(n("copy_conn2"), "wrong"), stage()]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("replace");
    expect(primaryOp(r.ops, "stage")).toBe("same");
    expect(diagnostics(r.events, "warning", "stage").join("\n")).toContain(
      `now refers to connection '${n("copy_conn2")}'`,
    );
    expect(await listFiles(n("copy_stage"))).toEqual(["a.csv", "b.csv"]);
  });

  it(`re-captures with onConnectionChange: recreate (${alterStage ? "ALTER STAGE" : "drop and create"}), picking up the wrong key`, async () => {
    await stack.setConfig("resources", [
      connection(n("copy_conn2"), "wrong"),
      stage({ onConnectionChange: "recreate" }),
    ]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "stage")).toBe(inPlace);
    expect(diagnostics(r.events, "warning", "stage")).toEqual([]);
    await expect(listFiles(n("copy_stage"))).rejects.toThrow(/SignatureDoesNotMatch|3002|PermissionDenied/);
    const outs = (await stack.stackOutputs()).stage as {
      capturedConnection: { name: string };
      connectionDrift: boolean;
    };
    expect(outs.capturedConnection.name).toBe(n("copy_conn2"));
  });

  it("re-captures again when the connection is fixed", async () => {
    await stack.setConfig("resources", [
      connection(n("copy_conn2"), "good"),
      stage({ onConnectionChange: "recreate" }),
    ]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("update");
    expect(primaryOp(r.ops, "stage")).toBe(inPlace);
    expect(await listFiles(n("copy_stage"))).toEqual(["a.csv", "b.csv"]);
  });

  it("keeps the stage working when the connection is deleted", async () => {
    await stack.setConfig("resources", [
      {
        kind: "Stage",
        name: "stage",
        args: { name: n("copy_stage"), url: `s3://${bucket}/data/`, onConnectionChange: "recreate" },
      },
    ]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("delete");
    expect(primaryOp(r.ops, "stage")).toBe("same");
    expect(await listFiles(n("copy_stage"))).toEqual(["a.csv", "b.csv"]);
  });

  it("forgets a stage dropped outside Pulumi on refresh, and the next up recreates it", async () => {
    await exec(`DROP STAGE ${n("copy_stage")}`);
    expectOk(await stack.refresh());
    expect(await stack.resourceNames()).not.toContain("stage");
    await stack.setConfig("resources", [connection(n("copy_conn3"), "good"), stage()]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "stage")).toBe("create");
    expect(await listFiles(n("copy_stage"))).toEqual(["a.csv", "b.csv"]);
  });

  it("keeps both keys out of the state and the CLI output", async () => {
    expect(findSecrets(await stack.exportState(), [goodSecret, wrongSecret])).toEqual([]);
    expect(findSecrets(stack.allOutput(), [goodSecret, wrongSecret])).toEqual([]);
  });
});

describe("a stage with inline credentials", () => {
  const bucket = `inline-${run}`;
  let stack: TestStack;
  /** An external stage on `s3://bucket/<path>/` with the local S3's key given inline. */
  const inlineStage = (resource: string, path: string, extra: Record<string, unknown> = {}) => ({
    kind: "Stage",
    name: resource,
    args: {
      name: n(resource),
      url: `s3://${bucket}/${path}/`,
      credentials: {
        accessKeyId: goodKeyId,
        secretAccessKey: { $secret: "key" },
        endpointUrl: endpoint,
        region: "us-east-1",
      },
      ...extra,
    },
  });

  beforeAll(async () => {
    await seedBucket(bucket, { "in/x.csv": "1\n", "next/y.csv": "2\n", "next/z.csv": "3\n" });
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { key: goodSecret }, true);
    await stack.setConfig("resources", [inlineStage("inline", "in")]);
  });
  afterAll(() => stack?.cleanup());

  it("creates the stage, reads through it, and survives a refresh with no drift", async () => {
    expectOk(await stack.up());
    expect(await listFiles(n("inline"))).toEqual(["x.csv"]);
    expectOk(await stack.refresh());
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it(`moves to another URL (${alterStage ? "ALTER STAGE, in place" : "drop and create"}), keeping its name`, async () => {
    await stack.setConfig("resources", [inlineStage("inline", "next")]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "inline")).toBe(inPlace);
    expect(await listFiles(n("inline"))).toEqual(["y.csv", "z.csv"]);
  });

  it("refuses to take over a stage it did not create, and adopts it with adopt: true", async () => {
    await exec(
      `CREATE STAGE ${n("foreign")} URL = 's3://${bucket}/in/' CONNECTION = (ENDPOINT_URL = '${endpoint}' REGION = 'us-east-1')`,
    );
    await stack.setConfig("resources", [inlineStage("foreign", "in", { adopt: false })]);
    const out = expectFailed(await stack.up());
    expect(out).toContain("Databend error 2502");
    expect(out).toContain("adopt: true");
    await stack.setConfig("resources", [inlineStage("foreign", "in", { adopt: true })]);
    expectOk(await stack.up());
    expect(await listFiles(n("foreign"))).toEqual(["x.csv"]);
  });

  it("keeps the inline secret out of the state (after refresh too) and the CLI output", async () => {
    expect(findSecrets(await stack.exportState(), [goodSecret])).toEqual([]);
    expect(findSecrets(stack.allOutput(), [goodSecret])).toEqual([]);
  });
});

describe("stage settings and internal stages", () => {
  let stack: TestStack;
  const internal = (extra: Record<string, unknown> = {}) => ({
    kind: "Stage",
    name: "internal",
    args: { name: n("internal"), ...extra },
  });
  const fileFormat = { type: "CSV", fieldDelimiter: "|", skipHeader: 1, compression: "GZIP" };
  beforeAll(async () => {
    stack = await new TestStack({ driver: "automation" }).init();
    await stack.setConfig("resources", [internal()]);
    expectOk(await stack.up());
  });
  afterAll(() => stack?.cleanup());

  it(`updates the file format and the comment (${alterStage ? "in place" : "drop and create; no comments"})`, async () => {
    if (!alterStage) {
      // No ALTER STAGE: a comment cannot be stored, and is refused before anything changes.
      await stack.setConfig("resources", [internal({ fileFormat, comment: "it's a stage" })]);
      expect(expectFailed(await stack.up())).toContain(
        `Databend ${engine.replace(/-.*$/, "")} cannot store a stage comment`,
      );
    }
    await stack.setConfig("resources", [
      internal(alterStage ? { fileFormat, comment: "it's a stage" } : { fileFormat }),
    ]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "internal")).toBe(inPlace);
    const row = await stageRow(n("internal"));
    // Databend holds the user's comment and this stack's owner marker (DATABEND_ADOPT='*' needs it).
    expect(row.comment).toBe(alterStage ? `it's a stage [pulumi-databend:spec/${stack.name}]` : undefined);
    expect(row.fileFormat).toMatchObject({
      type: "Csv",
      field_delimiter: "|",
      headers: 1,
      compression: "Gzip",
    });
    expectOk(await stack.refresh());
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("refuses to drop an internal stage that holds files, unless forceDestroy is set", async () => {
    await exec(
      `COPY INTO @${n("internal")}/out/ FROM (SELECT number FROM numbers(3)) FILE_FORMAT = (TYPE = CSV)`,
    );
    expect((await listFiles(n("internal"))).length).toBeGreaterThan(0);
    await stack.setConfig("resources", []);
    const out = expectFailed(await stack.up());
    expect(out).toMatch(/internal stage holds \d+ file\(s\).*forceDestroy: true/);
    expect((await listFiles(n("internal"))).length).toBeGreaterThan(0);

    // Only forceDestroy changes (without ALTER STAGE, a file format change would be a replace, whose
    // delete still protects the files).
    await stack.setConfig("resources", [
      internal(alterStage ? { forceDestroy: true } : { fileFormat, forceDestroy: true }),
    ]);
    expectOk(await stack.up());
    await stack.setConfig("resources", []);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "internal")).toBe("delete");
    expect(await query(`DESC STAGE ${n("internal")}`)).toEqual([]);
  });

  it("fails preview on a URL that does not match the connection, before any SQL", async () => {
    await stack.setConfig("resources", [
      { kind: "Connection", name: "c", args: { name: n("gcs_conn"), storageType: "gcs" } },
      {
        kind: "Stage",
        name: "s",
        args: { name: n("mismatch"), url: "s3://bucket/path", connection: { $ref: "c" } },
      },
    ]);
    const out = expectFailed(await stack.preview());
    expect(out).toMatch(
      /url.*path must end with '\/'|url.*has scheme 's3' but the connection's storage type is 'gcs'/,
    );
  });
});
