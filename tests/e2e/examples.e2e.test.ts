import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { closeDatabend, query } from "../support/databend";
import { ROOT, stackEnv } from "../support/stackEnv";

const run = promisify(execFile);

/** Every runnable example: a folder of examples/ with a local.json (examples/ci has its own test). */
const EXAMPLES = fs
  .readdirSync(path.join(ROOT, "examples"))
  .filter((d) => fs.existsSync(path.join(ROOT, "examples", d, "local.json")))
  .sort();

/** Runs a command with the local stack's environment; never throws, returns exit code and output. */
async function sh(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const r = await run(cmd, args, {
      cwd: ROOT,
      env: { ...process.env, ...stackEnv() },
      maxBuffer: 64 << 20,
    });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === "number" ? err.code : 1,
      output: `${err.stdout ?? ""}${err.stderr ?? ""}`,
    };
  }
}

/** Names of the connections and stages on the local Databend. */
async function objects(): Promise<{ connections: string[]; stages: string[] }> {
  const names = async (sql: string) => (await query(sql)).map((r) => String(r.name)).sort();
  return { connections: await names("SHOW CONNECTIONS"), stages: await names("SHOW STAGES") };
}

afterAll(() => closeDatabend());

it("the examples are the six the README lists", () => {
  expect(EXAMPLES).toEqual([
    "internal-stage",
    "multi-cloud",
    "s3-access-keys",
    "s3-iam-role",
    "yaml-iam-role-stage",
    "yaml-quickstart",
  ]);
});

describe.each(EXAMPLES)("examples/%s", (name) => {
  const dir = path.join(ROOT, "examples", name);

  it("has a README saying what it shows, the one command to run it locally, and what to change", () => {
    const readme = fs.readFileSync(path.join(dir, "README.md"), "utf8");
    expect(readme).toMatch(/^# /);
    expect(readme).toContain("## Run it locally");
    expect(readme).toContain(`npm run example ${name}\n`);
    expect(readme).toMatch(/## Against a real Databend/);
  });

  it("runs with the real CLI: up, preview --expect-no-changes, destroy, leaving Databend as it was", async () => {
    const before = await objects();
    const r = await sh(process.execPath, ["scripts/example.mjs", name]);
    if (r.code !== 0) throw new Error(`example ${name} failed:\n${r.output}`);
    expect(r.output).toMatch(
      new RegExp(`example ${name}: up [\\d.]+ s, .*preview [\\d.]+ s, destroy [\\d.]+ s`),
    );
    expect(r.output).toContain("Databend left as found; no secret printed");
    expect(await objects()).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => /^Pulumi\..+\.yaml$/.test(f))).toEqual([]);
    if (name === "internal-stage") {
      expect(r.output).toMatch(/LIST @is_landing: cities\/\S+\.csv/);
      expect(r.output).toContain("read back: montreal 1762949");
      expect(r.output).toContain("read back: toronto 2794356");
      // A named file format, a stage that copies it, and READ on is_landing for a role.
      expect(r.output).toMatch(/\+ +pulumi-nodejs:dynamic\/databend:FileFormat is_pipe_csv created/);
      expect(r.output).toMatch(/\+ +pulumi-nodejs:dynamic\/databend:Stage is_partners created/);
      expect(r.output).toMatch(/\+ +pulumi-nodejs:dynamic\/databend:StageGrant is_landing_read created/);
    }
    if (name === "s3-iam-role") {
      // verify: true assumed the role with the local principal and listed the prefix.
      expect(r.output).toMatch(
        /\+ +pulumi-nodejs:dynamic\/databend:StageAccessRole raw-stage-access created/,
      );
    }
    if (name === "multi-cloud") {
      for (const t of ["gcs", "oss", "cos", "obs", "webhdfs"])
        expect(r.output).toContain(`mc_${t}_stage created`);
      expect(r.output).not.toContain("mc_azblob_stage");
    }
  });
});

describe("npm run demo", () => {
  it("runs twice in a row while the local stack is up, and leaves Databend as it found it", async () => {
    const before = await objects();
    for (const round of [1, 2]) {
      const r = await sh("bash", ["scripts/demo"]);
      if (r.code !== 0) throw new Error(`demo run ${round} failed:\n${r.output}`);
      expect(r.output).toContain("> DESC STAGE my_s3_stage");
      expect(r.output).toMatch(/> LIST @my_s3_stage\n {2}name: cities\.csv/);
      expect(await objects()).toEqual(before);
    }
    expect(fs.readdirSync(ROOT).filter((f) => /^Pulumi\..+\.yaml$/.test(f))).toEqual([]);
  });
});
