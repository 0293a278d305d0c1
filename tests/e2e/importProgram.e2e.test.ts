/**
 * `pulumi-databend import` (issue 17, item 5) on an account of 3 connections and 6 external stages made
 * by hand (one stale after a rotation, one ambiguous between two equal connections, two with inline
 * credentials): the program it writes links each stage to the connection its copy matches, leaves the
 * ambiguous one as a comment naming the candidates, and asks for every masked value as a config key.
 * Once those are set, `up` converges and `preview --expect-no-changes` passes, in Pulumi YAML (after
 * `pulumi import --file import.json`) and in TypeScript (`adopt: true`).
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { expectOk } from "../support/assertions";
import { closeDatabend, exec, query } from "../support/databend";
import { testSecret } from "../support/secrets";
import { ROOT, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

const runFile = promisify(execFile);
const env = stackEnv();
const CLI = path.join(ROOT, "dist", "bin", "pulumi-databend.js");
const ENDPOINT = env.AWS_ENDPOINT_URL as string;

afterAll(closeDatabend);

const keyId = () => `AKIA${Math.random().toString(36).slice(2, 12).toUpperCase()}`;

/** Creates the account by hand; returns the names and the config values a user would fill in. */
async function account(tag: string): Promise<{ n: (b: string) => string; config: Record<string, string> }> {
  const id = Math.random().toString(36).slice(2, 6);
  const n = (b: string) => `im${tag}_${id}_${b}`;
  const k = {
    a: [keyId(), testSecret("a")],
    b: [keyId(), testSecret("b")],
    b2: [keyId(), testSecret("b2")],
    x: [keyId(), testSecret("x")],
    y: [keyId(), testSecret("y")],
  } as const;
  const conn = (name: string, region: string, [id1, secret]: readonly [string, string]) =>
    `CREATE OR REPLACE CONNECTION ${n(name)} STORAGE_TYPE = 's3' ENDPOINT_URL = '${ENDPOINT}' ` +
    `REGION = '${region}' ACCESS_KEY_ID = '${id1}' SECRET_ACCESS_KEY = '${secret}'`;
  const fromConn = (stage: string, c: string) =>
    `CREATE STAGE ${n(stage)} URL = 's3://im-${id}/${stage}/' CONNECTION = (CONNECTION_NAME = '${n(c)}')`;
  const inline = (stage: string, [id1, secret]: readonly [string, string]) =>
    `CREATE STAGE ${n(stage)} URL = 's3://im-${id}/${stage}/' CONNECTION = (ENDPOINT_URL = '${ENDPOINT}' ` +
    `REGION = 'ap-south-1' ACCESS_KEY_ID = '${id1}' SECRET_ACCESS_KEY = '${secret}')`;
  await exec(conn("conn_a", "us-east-2", k.a));
  await exec(conn("conn_c", "us-east-2", k.a));
  await exec(conn("conn_b", "eu-west-1", k.b));
  await exec(fromConn("s_amb", "conn_a"));
  await exec(fromConn("s_stale", "conn_b"));
  await exec(conn("conn_b", "eu-west-1", k.b2)); // the rotation by hand
  await exec(fromConn("s_fresh", "conn_b"));
  await exec(fromConn("u_copy", "conn_b"));
  await exec(inline("s_inline", k.x));
  await exec(inline("u_inline", k.y));
  const config: Record<string, string> = {};
  const fill = (c: string, [id1, secret]: readonly [string, string]) => {
    config[`${n(c)}_accessKeyId`] = id1;
    config[`${n(c)}_secretAccessKey`] = secret;
  };
  fill("conn_a", k.a);
  fill("conn_c", k.a);
  fill("conn_b", k.b2);
  fill("s_amb", k.a);
  fill("s_inline", k.x);
  fill("u_inline", k.y);
  return { n, config };
}

async function importInto(language: string, prefix: string): Promise<{ dir: string; stdout: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-import-"));
  const { stdout } = await runFile(
    process.execPath,
    [
      CLI,
      "import",
      "--language",
      language,
      "--out",
      dir,
      "--prefix",
      prefix,
      "--project",
      `imported-${language}`,
      "--plugin-path",
      path.join(ROOT, "plugin"),
    ],
    { env: { ...process.env, DATABEND_DSN: env.DATABEND_DSN as string } },
  );
  return { dir, stdout };
}

async function stageCopies(prefix: string): Promise<Record<string, unknown>[]> {
  const { stdout } = await runFile(process.execPath, [CLI, "audit", "--json"], {
    env: { ...process.env, DATABEND_DSN: env.DATABEND_DSN as string },
  }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const all = (JSON.parse(stdout) as { stages: Record<string, unknown>[] }).stages;
  return all.filter((s) => String(s.stage).startsWith(prefix));
}

/** Drops what is left of an account (a failed run's objects), by prefix. */
async function dropAll(prefix: string): Promise<void> {
  for (const r of await query("SHOW STAGES"))
    if (String(r.name).startsWith(prefix)) await exec(`DROP STAGE IF EXISTS ${String(r.name)}`);
  for (const r of await query("SHOW CONNECTIONS"))
    if (String(r.name).startsWith(prefix)) await exec(`DROP CONNECTION IF EXISTS ${String(r.name)}`);
}

async function fill(stack: TestStack, config: Record<string, string>): Promise<void> {
  for (const [key, value] of Object.entries(config))
    await stack.setConfig(key, value, /secretAccessKey$/.test(key));
}

describe("pulumi-databend import --language yaml", () => {
  let stack: TestStack | undefined;
  let dir = "";
  let names: Awaited<ReturnType<typeof account>>;

  beforeAll(async () => {
    names = await account("y");
    dir = (await importInto("yaml", names.n(""))).dir;
  });
  afterAll(async () => {
    await stack?.cleanup();
    await dropAll(names.n(""));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes the program with the links, the ambiguous candidates as a comment, and config keys", () => {
    const { n } = names;
    const program = fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8");
    expect(program).toContain(
      `  ${n("s_stale")}:\n    # a probable copy of connection ${n("conn_b")}, stale`,
    );
    expect(program).toMatch(new RegExp(`${n("s_stale")}:[\\s\\S]*?connection: \\$\\{${n("conn_b")}\\}`));
    expect(program).toMatch(new RegExp(`${n("s_fresh")}:[\\s\\S]*?connection: \\$\\{${n("conn_b")}\\}`));
    expect(program).toMatch(new RegExp(`${n("u_copy")}:[\\s\\S]*?connection: \\$\\{${n("conn_b")}\\}`));
    expect(program).toContain(`# ambiguous: a copy of ${n("conn_a")} or ${n("conn_c")}.`);
    expect(program).toContain(`  ${n("conn_b")}_secretAccessKey:\n    type: string\n    secret: true`);
    expect(program).toContain(`endpointUrl: "${ENDPOINT}"`);
    expect(program).toContain('region: "eu-west-1"');
    const imports = JSON.parse(fs.readFileSync(path.join(dir, "import.json"), "utf8")) as {
      resources: { type: string; name: string; id: string }[];
    };
    expect(imports.resources.map((r) => r.type).sort()).toEqual([
      ...Array<string>(3).fill("databend:index:Connection"),
      ...Array<string>(6).fill("databend:index:Stage"),
    ]);
    for (const secret of Object.values(names.config)) expect(program).not.toContain(secret);
  });

  it("after pulumi import and the config keys, up converges and preview --expect-no-changes passes", async () => {
    stack = await new TestStack({ program: dir }).init();
    await fill(stack, names.config);
    await stack.cli(["import", "--file", path.join(dir, "import.json"), "--yes", "--protect=false"]);
    expectOk(await stack.up());
    expectOk(await stack.preview({ expectNoChanges: true }));
    const copies = await stageCopies(names.n(""));
    expect(copies.filter((s) => s.stale)).toEqual([]);
    const mine = (await query("SHOW STAGES")).filter((r) => String(r.name).startsWith(names.n("")));
    expect(mine).toHaveLength(6);
  });
});

describe("pulumi-databend import --language typescript", () => {
  let stack: TestStack | undefined;
  let dir = "";
  let names: Awaited<ReturnType<typeof account>>;

  beforeAll(async () => {
    names = await account("t");
    dir = (await importInto("typescript", names.n(""))).dir;
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  });
  afterAll(async () => {
    await stack?.cleanup();
    await dropAll(names.n(""));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes a program with adopt: true, the links and config keys", () => {
    const { n } = names;
    const program = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
    expect(program).toContain(`export const ${n("s_stale")} = new Stage("${n("s_stale")}", {`);
    expect(program).toMatch(new RegExp(`new Stage\\("${n("u_copy")}"[\\s\\S]*?connection: ${n("conn_b")},`));
    expect(program).toContain(`// ambiguous: a copy of ${n("conn_a")} or ${n("conn_c")}.`);
    expect(program).toContain(`secretAccessKey: cfg.requireSecret("${n("conn_a")}_secretAccessKey"),`);
    expect(program.match(/^ {2}adopt: true,$/gm)).toHaveLength(9);
  });

  it("after the config keys, up converges and preview --expect-no-changes passes", async () => {
    stack = await new TestStack({ program: dir }).init();
    await fill(stack, names.config);
    expectOk(await stack.up());
    expectOk(await stack.preview({ expectNoChanges: true }));
    const copies = await stageCopies(names.n(""));
    expect(copies.filter((s) => s.stale)).toEqual([]);
    expect(copies.find((s) => s.stage === names.n("s_stale"))).toMatchObject({ match: "exact" });
  });
});
