import { versionAtLeast } from "../../provider/client/databendClient";
import { ALTER_STAGE_SINCE } from "../../provider/resources/stage";
import { expectOk } from "../support/assertions";
import { StatementLog, resetStatements, statements } from "../support/bridge";
import { primaryOp } from "../support/engineEvents";
import { testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

// One scenario, run through the dynamic-provider host (TypeScript program) and the provider plugin
// (Pulumi YAML program) in turn, with the same names: Databend receives the same statements, in the
// same number and text (masked by the bridge).
const env = stackEnv();
const run = Math.random().toString(36).slice(2, 7);
const names = { connection: `parity_conn_${run}`, stage: `parity_stage_${run}`, bucket: `parity-${run}` };
const first = testSecret("parity1");
const second = testSecret("parity2");

/** Config of the TypeScript test program (`tests/e2e/programs/spec`) for the same resources. */
function tsResources(): unknown[] {
  return [
    {
      kind: "Connection",
      name: "toronto",
      args: {
        name: names.connection,
        storageType: "s3",
        endpointUrl: env.AWS_ENDPOINT_URL,
        region: "us-east-1",
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: { $secret: "key" },
      },
    },
    {
      kind: "Stage",
      name: "my_s3_stage",
      args: {
        name: names.stage,
        url: `s3://${names.bucket}/data/`,
        connection: { $ref: "toronto" },
        onConnectionChange: "keep",
      },
    },
  ];
}

/** The YAML program's config for the same resources (`tests/e2e/programs/yaml-seed`). */
async function configureYaml(stack: TestStack, secret: string): Promise<void> {
  await stack.setConfig("connectionName", names.connection);
  await stack.setConfig("stageName", names.stage);
  await stack.setConfig("bucket", names.bucket);
  await stack.setConfig("endpointUrl", env.AWS_ENDPOINT_URL);
  await stack.setConfig("accessKeyId", env.AWS_ACCESS_KEY_ID);
  await stack.setConfig("secretAccessKey", secret, true);
}

/** Runs create, a secret change, refresh and destroy, and returns the statements of each phase. */
async function scenario(stack: TestStack, setSecret: (s: string) => Promise<void>): Promise<StatementLog[]> {
  const phases: StatementLog[] = [];
  const phase = async (op: () => Promise<unknown>) => {
    await resetStatements();
    await op();
    phases.push(await statements());
  };
  await setSecret(first);
  await phase(async () => {
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("create");
  });
  await setSecret(second);
  await phase(async () => {
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "toronto")).toBe("update");
    expect(primaryOp(r.ops, "my_s3_stage")).toBe("same");
  });
  await phase(async () => expectOk(await stack.refresh()));
  await phase(async () => expectOk(await stack.destroy()));
  return phases;
}

describe("the same scenario through both hosts", () => {
  let ts: TestStack;
  let yaml: TestStack;
  beforeAll(async () => {
    [ts, yaml] = await Promise.all([
      new TestStack().init(),
      new TestStack({ program: "tests/e2e/programs/yaml-seed" }).init(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([ts?.cleanup(), yaml?.cleanup()]);
  });

  it("sends Databend the same statements, phase by phase", async () => {
    await ts.setConfig("resources", tsResources());
    const viaTs = await scenario(ts, (s) => ts.setConfig("secrets", { key: s }, true));
    const viaYaml = await scenario(yaml, (s) => configureYaml(yaml, s));
    expect(viaTs.map((p) => p.count)).toEqual(viaYaml.map((p) => p.count));
    // Independent resources are read in parallel (refresh), so compare each phase's statements as a set.
    // The owner marker names each stack (project and stack differ by design): compare it apart.
    const marker = / ?\[pulumi-databend:[^\]]+\]/g;
    const markersOf = (phases: StatementLog[]) =>
      phases.flatMap((p) => p.statements.flatMap((st) => st.match(marker) ?? [])).map((m) => m.trim());
    const kept = versionAtLeast((env.DATABEND_ENGINE_VERSION ?? "").replace(/-.*$/, ""), ALTER_STAGE_SINCE);
    const expected = (id: string) => (kept ? [`[pulumi-databend:${id}]`] : []);
    expect(markersOf(viaTs)).toEqual(expected(`spec/${ts.name}`));
    expect(markersOf(viaYaml)).toEqual(expected(`yaml-seed/${yaml.name}`));
    const sorted = (phases: StatementLog[]) =>
      phases.map((p) => p.statements.map((st) => st.replace(marker, " [pulumi-databend:<stack>]")).sort());
    expect(sorted(viaYaml)).toEqual(sorted(viaTs));
    for (const phases of [viaTs, viaYaml]) {
      expect(phases[0]?.statements.join("\n")).toMatch(/CREATE CONNECTION[\s\S]*CREATE STAGE/);
    }
    // The bridge masks what it logs; neither host let a secret through in a statement's text.
    const all = JSON.stringify(viaTs) + JSON.stringify(viaYaml);
    expect(all).not.toContain(first);
    expect(all).not.toContain(second);
  });
});
