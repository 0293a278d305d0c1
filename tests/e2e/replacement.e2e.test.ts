import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expectFailed, expectOk } from "../support/assertions";
import { closeDatabend, connectionNames, exec, query } from "../support/databend";
import { diagnostics, primaryOp } from "../support/engineEvents";
import { seedBucket } from "../support/s3";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

/**
 * Replacements that keep the Databend name, and deletes after a take-over: nothing is ever lost.
 * Each scenario is the exact sequence a user ran (issue 8, section 1).
 */

const env = stackEnv();
const endpoint = env.AWS_ENDPOINT_URL as string;
const keyId = env.AWS_ACCESS_KEY_ID as string;
const goodSecret = env.AWS_SECRET_ACCESS_KEY as string;
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;

afterAll(closeDatabend);

async function stageRow(stage: string): Promise<Record<string, unknown> | undefined> {
  return (await query(`DESC STAGE ${stage}`))[0];
}

async function listFiles(stage: string): Promise<string[]> {
  return (await query(`LIST @${stage}`)).map((r) => String(r.name)).sort();
}

/** Splits a printed command such as `DATABEND_RECAPTURE=s pulumi up` into its environment and arguments. */
function parseCommand(command: string): { env: Record<string, string>; args: string[] } {
  const words = command.trim().split(/\s+/);
  const vars: Record<string, string> = {};
  while (words[0] && /^[A-Z_]+=/.test(words[0])) {
    const [k, v] = (words.shift() as string).split("=") as [string, string];
    vars[k] = v.replace(/^'|'$/g, "");
  }
  expect(words.slice(0, 2)).toEqual(["pulumi", "up"]);
  return { env: vars, args: words.slice(2) };
}

describe("re-capturing a stage with the command the stale-copy warning prints", () => {
  const bucket = `recap-${run}`;
  let stack: TestStack;
  const conn = (secretKey: string) => ({
    kind: "Connection",
    name: "conn",
    args: {
      name: n("recap_conn"),
      storageType: "s3",
      accessKeyId: keyId,
      secretAccessKey: { $secret: secretKey },
      endpointUrl: endpoint,
      region: "us-east-1",
    },
  });
  const stage = {
    kind: "Stage",
    name: "stage",
    args: { name: n("recap_stage"), url: `s3://${bucket}/d/`, connection: { $ref: "conn" } },
  };

  beforeAll(async () => {
    await seedBucket(bucket, { "d/a.csv": "1\n" });
    stack = await new TestStack().init();
    await stack.setConfig("secrets", { good: goodSecret, wrong: "wrong-secret-value-1234" }, true);
    await stack.setConfig("resources", [conn("good"), stage]);
    expectOk(await stack.up());
  });
  afterAll(() => stack?.cleanup());

  it("runs the printed command, which keeps the stage and gives it the new copy", async () => {
    await stack.setConfig("resources", [conn("wrong"), stage]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "stage")).toBe("same");
    const warnings = diagnostics(r.events, "warning", "stage");
    expect(warnings).toHaveLength(1);
    const printed = /run `([^`]+)`/.exec(warnings[0] as string)?.[1];
    expect(printed).toBe(`DATABEND_RECAPTURE=${n("recap_stage")} pulumi up`);
    expect(await listFiles(n("recap_stage"))).toEqual(["a.csv"]); // still the old, good copy

    // A plain `pulumi up` shows the warning once in its preview and once in its update (on the
    // stage's line and under Diagnostics each time), as Pulumi shows any warning, and leaves no file.
    await stack.setConfig("resources", [conn("good"), stage]);
    expectOk(await stack.up());
    await stack.setConfig("resources", [conn("wrong"), stage]);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-tmpdir-"));
    const plain = await stack.cli(["up", "--yes"], true, { TMPDIR: tmp });
    const text = plain.stdout + plain.stderr;
    const updating = text.indexOf("Updating (");
    expect(updating).toBeGreaterThan(0);
    const count = (part: string) => part.split("holds a copy of connection").length - 1;
    expect(count(text.slice(0, updating))).toBe(2);
    expect(count(text.slice(updating))).toBe(2);
    // (TMPDIR also gets the TypeScript language host's own ts-node cache: not ours.)
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith("pulumi-databend"))).toEqual([]);
    fs.rmSync(tmp, { recursive: true, force: true });

    const { env: vars, args } = parseCommand(printed as string);
    const preview = await stack.preview({ env: vars, args });
    expectOk(preview);
    expect(primaryOp(preview.ops, "stage")).toBe("update");
    expect(preview.output).toMatch(
      /will copy connection .* again \(re-capture requested with DATABEND_RECAPTURE\)/,
    );

    const recapture = await stack.up({ env: vars, args });
    expectOk(recapture);
    expect(primaryOp(recapture.ops, "stage")).toBe("update");
    expect(await stageRow(n("recap_stage"))).toBeDefined();
    // The new copy holds the wrong key: the stage can no longer list, which proves it was re-copied.
    await expect(listFiles(n("recap_stage"))).rejects.toThrow(/SignatureDoesNotMatch|3002|PermissionDenied/);
    const outs = (await stack.stackOutputs()).stage as { connectionDrift: boolean };
    expect(outs.connectionDrift).toBe(false);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });
});

describe("`pulumi up --replace` on objects whose name stays", () => {
  let stack: TestStack;
  const resources = (adopt: boolean) => [
    { kind: "Connection", name: "c", args: { name: n("rep_conn"), storageType: "fs", adopt } },
    { kind: "Stage", name: "ext", args: { name: n("rep_ext"), url: "fs:///tmp/rep-ext/", adopt } },
    { kind: "Stage", name: "int", args: { name: n("rep_int"), adopt } },
  ];

  beforeAll(async () => {
    stack = await new TestStack().init();
    await stack.setConfig("resources", resources(false));
    expectOk(await stack.up());
    await exec(
      `COPY INTO @${n("rep_int")}/out/ FROM (SELECT number FROM numbers(3)) FILE_FORMAT = (TYPE = CSV)`,
    );
  });
  afterAll(async () => {
    await exec(`REMOVE @${n("rep_int")}`).catch(() => undefined);
    await stack?.cleanup();
  });

  it.each([
    [
      "c",
      "rep_conn",
      /Connection '.*' already exists with exactly these settings\. If this stack manages it.*aliases/s,
    ],
    [
      "ext",
      "rep_ext",
      /Stage '.*' already exists with this location\. If this stack manages it.*DATABEND_RECAPTURE/s,
    ],
    ["int", "rep_int", /Stage '.*' already exists with this location\. If this stack manages it/s],
  ])(
    "fails on %s with a hint that it is this stack's own object, and loses nothing",
    async (res, base, hint) => {
      const urn = await stack.urnOf(res);
      const out = expectFailed(await stack.up({ args: ["--replace", urn] }));
      expect(out).toMatch(hint);
      expect(out).not.toMatch(/did not create it/);
      expect(await connectionNames()).toContain(n("rep_conn"));
      expect(await stageRow(n(base === "rep_conn" ? "rep_ext" : base))).toBeDefined();
      expect(await listFiles(n("rep_int"))).toHaveLength(1);
      expectOk(await stack.preview({ expectNoChanges: true }));
    },
  );

  it("with adopt: true, replaces in place and never deletes what the replacement adopted", async () => {
    await stack.setConfig("resources", resources(true));
    expectOk(await stack.up());
    for (const res of ["c", "ext", "int"]) {
      const r = await stack.up({ args: ["--replace", await stack.urnOf(res)] });
      expectOk(r);
      expect(primaryOp(r.ops, res)).toBe("replace");
    }
    expect(await connectionNames()).toContain(n("rep_conn"));
    expect(await stageRow(n("rep_ext"))).toBeDefined();
    expect(await listFiles(n("rep_int"))).toHaveLength(1);
    const refreshed = await stack.refresh();
    expectOk(refreshed);
    expect(Object.values(refreshed.ops).flat()).not.toContain("delete");
    expectOk(await stack.preview({ expectNoChanges: true }));
  });
});

describe("renaming a resource in the program while its Databend name stays", () => {
  let stack: TestStack;
  const set = (prefix: string, opts: { adopt?: boolean; aliases?: boolean; forceDestroy?: boolean } = {}) => {
    const o = (old: string) => (opts.aliases ? { aliases: [{ name: old }] } : undefined);
    return [
      {
        kind: "Connection",
        name: `${prefix}c`,
        args: { name: n("ren_conn"), storageType: "fs", adopt: opts.adopt },
        opts: o("c"),
      },
      {
        kind: "Stage",
        name: `${prefix}ext`,
        args: { name: n("ren_ext"), url: "fs:///tmp/ren-ext/", adopt: opts.adopt },
        opts: o("ext"),
      },
      {
        kind: "Stage",
        name: `${prefix}int`,
        args: { name: n("ren_int"), adopt: opts.adopt, forceDestroy: opts.forceDestroy },
        opts: o("int"),
      },
    ];
  };

  beforeAll(async () => {
    stack = await new TestStack().init();
    await stack.setConfig("resources", set("", { forceDestroy: true }));
    expectOk(await stack.up());
    await exec(
      `COPY INTO @${n("ren_int")}/out/ FROM (SELECT number FROM numbers(3)) FILE_FORMAT = (TYPE = CSV)`,
    );
  });
  afterAll(async () => {
    await exec(`REMOVE @${n("ren_int")}`).catch(() => undefined);
    await stack?.cleanup();
  });

  it("fails with a hint that names the aliases option, and changes nothing", async () => {
    await stack.setConfig("resources", set("new_", { forceDestroy: true }));
    const out = expectFailed(await stack.up());
    expect(out).toMatch(/aliases/);
    expect(await connectionNames()).toContain(n("ren_conn"));
    expect(await listFiles(n("ren_int"))).toHaveLength(1);
  });

  it("with adopt: true, ends with every object present (files included) and clean state", async () => {
    await stack.setConfig("resources", set("new_", { adopt: true, forceDestroy: true }));
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "c")).toBe("delete");
    expect(diagnostics(r.events, "info").join("\n") + r.output).toMatch(/was not dropped: another resource/);
    expect(await connectionNames()).toContain(n("ren_conn"));
    expect(await stageRow(n("ren_ext"))).toBeDefined();
    expect(await listFiles(n("ren_int"))).toHaveLength(1);
    const refreshed = await stack.refresh();
    expectOk(refreshed);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("with the aliases option instead, is a no-op", async () => {
    await stack.setConfig(
      "resources",
      set("newer_", { adopt: true, forceDestroy: true, aliases: true }).map((r) => ({
        ...r,
        opts: { aliases: [{ name: r.name.replace("newer_", "new_") }] },
      })),
    );
    const r = await stack.up();
    expectOk(r);
    for (const res of ["newer_c", "newer_ext", "newer_int"]) expect(primaryOp(r.ops, res)).toBe("same");
    expect(await listFiles(n("ren_int"))).toHaveLength(1);
  });
});
