import { expectFailed, expectOk } from "../support/assertions";
import { resetStatements, statements } from "../support/bridge";
import { closeDatabend, query } from "../support/databend";
import { diagnostics } from "../support/engineEvents";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram, checkFailures } from "../support/yamlProgram";
import { versionAtLeast } from "../../provider/client/serverVersion";

/**
 * Server-aware preview through the real Pulumi CLI, in both hosts (TypeScript dynamic resources and
 * the YAML plugin): an input the server this stack talks to would refuse fails `pulumi preview`,
 * naming the first Databend version that accepts it, after one read-only `SELECT version()`; a GCS
 * credential that is not base64 of the key file fails with the fix. The per-option proof on every
 * engine of the matrix is tests/e2e/fileFormatMatrix.e2e.test.ts.
 */

const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;
const engine = (stackEnv().DATABEND_ENGINE_VERSION ?? "").replace(/-.*$/, "");

type Res = { kind: "Connection" | "Stage"; name: string; args: Record<string, unknown> };

const azblobStage: Res = {
  kind: "Stage",
  name: "az",
  args: {
    name: n("sap_az"),
    url: "azblob://container/path/",
    credentials: {
      endpointUrl: "https://acct.blob.core.windows.net",
      accountName: "acct",
      accountKey: "a2V5",
    },
  },
};

const rawJsonKey = JSON.stringify({ type: "service_account", project_id: `p-${run}` });
const gcsRawJson: Res = {
  kind: "Connection",
  name: "gcs",
  args: { name: n("sap_gcs"), storageType: "gcs", credential: rawJsonKey },
};

/** A file format that this engine is too old for, with the message, or undefined on 1.2.895 and later. */
const tooNew: { ff: Record<string, unknown>; message: string } | undefined = !versionAtLeast(
  engine,
  "1.2.704",
)
  ? { ff: { type: "AVRO" }, message: `TYPE = AVRO needs Databend 1.2.704 or later; this server is ${engine}` }
  : !versionAtLeast(engine, "1.2.895")
    ? {
        ff: { type: "CSV", trimSpace: true },
        message: `TRIM_SPACE needs Databend 1.2.895 or later; this server is ${engine}`,
      }
    : undefined;

afterAll(closeDatabend);

describe("preview against the server it will talk to, in both hosts", () => {
  let ts: TestStack;
  let yaml: TestStack;
  const program = new YamlProgram("yaml-server-aware-preview");

  beforeAll(async () => {
    program.write([]);
    [ts, yaml] = await Promise.all([new TestStack().init(), new TestStack({ program: program.dir }).init()]);
  });
  afterAll(async () => {
    await Promise.all([ts?.destroy(), yaml?.destroy()]);
    await Promise.all([ts?.cleanup(), yaml?.cleanup()]);
    program.remove();
  });

  async function previewBoth(resources: Res[]): Promise<{ ts: string[]; yaml: string[]; out: string[] }> {
    await ts.setConfig("resources", resources);
    program.write(resources.map((r) => ({ name: r.name, type: `databend:${r.kind}`, properties: r.args })));
    await resetStatements();
    const [tr, yr] = await Promise.all([ts.preview(), yaml.preview()]);
    const out = [expectFailed(tr), expectFailed(yr)];
    const sent = (await statements()).statements;
    // Only the version, read once per provider process: nothing is created at preview.
    expect(sent.filter((s) => !/^SELECT version\(\)/i.test(s.trim()))).toEqual([]);
    return {
      ts: checkFailures(diagnostics(tr.events, "error")),
      yaml: checkFailures(diagnostics(yr.events, "error")),
      out,
    };
  }

  it("refuses an azblob stage on a server before 1.2.923, naming the version", async () => {
    const r = await previewBoth([azblobStage]);
    expect(r.ts).toEqual([
      `url: a stage on azblob:// needs Databend 1.2.923 or later; this server is ${engine}`,
    ]);
    expect(r.yaml).toEqual(r.ts);
    // (SHOW STAGES has no LIKE on 1.2.453)
    expect((await query("SHOW STAGES")).map((r) => r.name)).not.toContain(n("sap_az"));
  });

  it("refuses a GCS credential given as the key file's JSON, with the base64 fix and without the value", async () => {
    const r = await previewBoth([gcsRawJson]);
    expect(r.ts.join("\n")).toContain("credential must be the service-account key file base64-encoded");
    expect(r.ts.join("\n")).toContain("`base64 -w0 key.json`");
    expect(r.yaml).toEqual(r.ts);
    for (const o of r.out) expect(o).not.toContain(`p-${run}`);
  });

  (tooNew ? it : it.skip)(`refuses a file format this engine (${engine}) is too old for`, async () => {
    const r = await previewBoth([
      { kind: "Stage", name: "ff", args: { name: n("sap_ff"), fileFormat: tooNew?.ff } },
    ]);
    expect(r.ts).toEqual([
      `: fileFormat.${tooNew?.ff.type === "AVRO" ? "type" : "trimSpace"} ${tooNew?.message}`,
    ]);
    expect(r.yaml).toEqual(r.ts);
  });

  it("accepts what this engine takes, creates it, and refresh finds no drift (both hosts)", async () => {
    const ff: Record<string, unknown> = versionAtLeast(engine, "1.2.895")
      ? { type: "CSV", fieldDelimiter: "||", quote: "'", trimSpace: true, encoding: "GBK", nullDisplay: "" }
      : versionAtLeast(engine, "1.2.704")
        ? { type: "AVRO", missingFieldAs: "FIELD_DEFAULT", useLogicType: false, nullIf: ["", "NA"] }
        : { type: "TSV", skipHeader: 1, quote: '"', escape: "", nanDisplay: "null" };
    await ts.setConfig("resources", [
      { kind: "Stage", name: "ok", args: { name: n("sap_ok_ts"), fileFormat: ff } },
    ]);
    program.write([
      { name: "ok", type: "databend:Stage", properties: { name: n("sap_ok_yaml"), fileFormat: ff } },
    ]);
    for (const stack of [ts, yaml]) {
      expectOk(await stack.preview());
      expectOk(await stack.up());
      expectOk(await stack.preview({ args: ["--refresh"], expectNoChanges: true }));
    }
  });
});
