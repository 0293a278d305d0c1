import * as fs from "fs";
import * as path from "path";
import { expectOk } from "../support/assertions";
import { closeDatabend, connectionNames, query } from "../support/databend";
import { testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

// State written by earlier versions stores their serialized provider in every resource; an upgraded
// package must serve it (read, update, delete) and the next `up` must not replace anything.
const FIXTURES = path.join(__dirname, "fixtures/providers");
const run = Math.random().toString(36).slice(2, 7);

interface StateResource {
  type: string;
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

afterAll(closeDatabend);

function resources(tag: string, secretKey: string): unknown[] {
  const { conn, stageName } = names(tag);
  return [
    {
      kind: "Connection",
      name: "c",
      args: {
        name: conn,
        storageType: "s3",
        accessKeyId: "AKIAUPGRADE",
        secretAccessKey: { $secret: secretKey },
        endpointUrl: stackEnv().AWS_ENDPOINT_URL,
        region: "us-east-1",
      },
    },
    {
      kind: "Stage",
      name: "s",
      args: { name: stageName, url: "s3://upgrade/data/", connection: { $ref: "c" } },
    },
  ];
}

function names(tag: string): { conn: string; stageName: string } {
  const t = tag.replace(/\W/g, "");
  return { conn: `up${t}_c_${run}`, stageName: `up${t}_s_${run}` };
}

/** Rewrites every `__provider` of the stack's state with the provider module version `version` stored. */
async function writeOldProviders(stack: TestStack, version: string): Promise<void> {
  const state = JSON.parse(await stack.exportState()) as { deployment: { resources: StateResource[] } };
  for (const r of state.deployment.resources) {
    const kind = r.type.endsWith(":Connection")
      ? "connection"
      : r.type.endsWith(":Stage")
        ? "stage"
        : undefined;
    if (!kind) continue;
    // The fixture is the connection's; a stage's differs only in the kind its shim captured.
    const text = fs
      .readFileSync(path.join(FIXTURES, `${version}.js`), "utf8")
      .replace(/kind: "connection"/g, `kind: "${kind}"`);
    for (const bag of [r.inputs, r.outputs]) if (bag) bag.__provider = text;
  }
  const file = path.join(stack.dir, `state-${version}.json`);
  fs.writeFileSync(file, JSON.stringify(state));
  await stack.cli(["stack", "import", "--file", file]);
}

async function stageInputs(stack: TestStack): Promise<Record<string, unknown>> {
  const state = JSON.parse(await stack.exportState()) as { deployment: { resources: StateResource[] } };
  return state.deployment.resources.find((r) => r.type.endsWith(":Stage"))?.inputs ?? {};
}

async function providersInState(stack: TestStack): Promise<number[]> {
  const state = JSON.parse(await stack.exportState()) as { deployment: { resources: StateResource[] } };
  return state.deployment.resources
    .filter((r) => r.type.includes(":dynamic/databend:"))
    .flatMap((r) => [r.inputs?.__provider, r.outputs?.__provider])
    .map((p) => String(p).length);
}

describe.each(["0.1", "0.2"])("state whose resources store the %s provider", (version) => {
  let stack: TestStack;
  const { conn, stageName } = names(version);

  beforeAll(async () => {
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { a: testSecret("upgrade-a"), b: testSecret("upgrade-b") }, true);
    await stack.setConfig("resources", resources(version, "a"));
    expectOk(await stack.up());
    await writeOldProviders(stack, version);
    expect(Math.min(...(await providersInState(stack)))).toBeGreaterThan(2000);
  }, 240_000);

  afterAll(async () => {
    await stack.cleanup();
  }, 240_000);

  it("is read by refresh and shows no change, then no change at preview", async () => {
    expectOk(await stack.refresh({ expectNoChanges: true }));
    expectOk(await stack.preview({ expectNoChanges: true }));
  }, 240_000);

  it("updates the connection in place; the stage stays `same` with the inputs it recorded", async () => {
    const recorded = await stageInputs(stack);
    await stack.setConfig("resources", resources(version, "b"));
    const r = await stack.up();
    expectOk(r);
    expect(r.ops.c).toEqual(["update"]);
    expect(r.ops.s ?? ["same"]).toEqual(["same"]);
    // Its inputs still hold the connection fingerprint they recorded: nothing for Pulumi to write.
    expect((await stageInputs(stack)).connectionFingerprint).toBe(recorded.connectionFingerprint);
    expect(await query(`SHOW STAGES LIKE '${stageName}'`)).toHaveLength(1);
  }, 240_000);

  it("is deleted by destroy with nothing left on the server", async () => {
    expectOk(await stack.destroy());
    expect(await connectionNames()).not.toContain(conn);
    expect(await query(`SHOW STAGES LIKE '${stageName}'`)).toEqual([]);
  }, 240_000);
});

describe("state written by this version", () => {
  it("stores a one-line provider module of under 100 bytes per copy, and under 3 KB per resource", async () => {
    const stack = await new TestStack().init();
    try {
      await stack.setConfig("secrets", { a: testSecret("upgrade-new") }, true);
      await stack.setConfig("resources", resources("new", "a"));
      expectOk(await stack.up());
      const sizes = await providersInState(stack);
      expect(sizes).toHaveLength(4);
      expect(Math.max(...sizes)).toBeLessThan(100);
      const state = JSON.parse(await stack.exportState()) as { deployment: { resources: StateResource[] } };
      const mine = state.deployment.resources.filter((r) => r.type.includes(":dynamic/databend:"));
      expect(mine).toHaveLength(2);
      for (const r of mine) expect(JSON.stringify(r).length).toBeLessThan(3000);
    } finally {
      await stack.cleanup();
    }
  }, 240_000);
});
