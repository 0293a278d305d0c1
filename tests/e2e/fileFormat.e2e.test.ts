import * as fs from "fs";
import * as path from "path";
import { expectOk } from "../support/assertions";
import { closeDatabend, exec, query } from "../support/databend";
import { primaryOp } from "../support/engineEvents";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";
import { versionAtLeast } from "../../provider/client/serverVersion";
import { ALTER_STAGE_SINCE } from "../../provider/resources/stage";
import { parseStageRow } from "../../provider/storage/stageRow";

// Named file formats (`FileFormat`) in both hosts, and a stage that names one: the stage copies the
// format's options when it is created, and copies them again when the format changes.
const env = stackEnv();
const engine = (env.DATABEND_ENGINE_VERSION ?? "").replace(/-.*$/, "");
const alterStage = versionAtLeast(engine, ALTER_STAGE_SINCE);
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;

afterAll(closeDatabend);

async function formatText(name: string): Promise<string | undefined> {
  const rows = await query("SHOW FILE FORMATS");
  const row = rows.find((r) => r.name === name);
  return row ? String(row.format_options) : undefined;
}

/** The options a stage holds, as DESC STAGE shows them (both server layouts). */
async function stageFormat(stage: string): Promise<Record<string, unknown>> {
  const [row] = await query(`DESC STAGE ${stage}`);
  if (!row) throw new Error(`stage ${stage} not found`);
  return parseStageRow(row).fileFormat;
}

describe.each(["typescript", "yaml"] as const)("FileFormat and a stage that names it (%s)", (host) => {
  const format = n(`ff_${host.slice(0, 2)}`);
  const stage = n(`ffst_${host.slice(0, 2)}`);
  const program = host === "yaml" ? new YamlProgram("yaml-file-format") : undefined;
  let stack: TestStack;

  /** Deploys the format with `fieldDelimiter` and an internal stage that names it. */
  async function write(fieldDelimiter: string): Promise<void> {
    const ff = { name: format, type: "CSV", fieldDelimiter, skipHeader: 1 };
    if (program) {
      program.write([
        { name: "fmt", type: "databend:FileFormat", properties: ff },
        {
          name: "stg",
          type: "databend:Stage",
          properties: {
            name: stage,
            fileFormat: {
              formatName: { $ref: "fmt", $out: "name" },
              formatFingerprint: { $ref: "fmt", $out: "fingerprint" },
            },
          },
        },
      ]);
    } else {
      await stack.setConfig("resources", [
        { kind: "FileFormat", name: "fmt", args: ff },
        { kind: "Stage", name: "stg", args: { name: stage, fileFormat: { $ref: "fmt" } } },
      ]);
    }
  }

  beforeAll(async () => {
    program?.write([]);
    stack = await new TestStack(program ? { program: program.dir } : {}).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    program?.remove();
  });

  it("creates the format, then the stage, which copies its options", async () => {
    await write("|");
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "fmt")).toBe("create");
    expect(primaryOp(r.ops, "stg")).toBe("create");
    expect(await formatText(format)).toMatch(/TYPE = CSV .*FIELD_DELIMITER = '\|'.*SKIP_HEADER ?= 1/);
    expect(await stageFormat(stage)).toMatchObject({ type: "Csv", field_delimiter: "|", headers: 1 });
  });

  it("refresh finds no drift in either (server defaults are not drift)", async () => {
    expectOk(await stack.refresh());
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("a changed format is replaced in place and the stage copies it again", async () => {
    await write(";");
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "fmt")).toBe("update");
    expect(primaryOp(r.ops, "stg")).toBe(alterStage ? "update" : "replace");
    expect(await formatText(format)).toMatch(/FIELD_DELIMITER = ';'/);
    expect(await stageFormat(stage)).toMatchObject({ field_delimiter: ";" });
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("a format changed outside Pulumi shows as drift after refresh, and up repairs it", async () => {
    await exec(`CREATE OR REPLACE FILE FORMAT ${format} TYPE = CSV FIELD_DELIMITER = ',' SKIP_HEADER = 1`);
    expectOk(await stack.refresh());
    const p = await stack.preview();
    expectOk(p);
    expect(primaryOp(p.ops, "fmt")).toBe("update");
    expectOk(await stack.up());
    expect(await formatText(format)).toMatch(/FIELD_DELIMITER = ';'/);
  });

  it("destroy drops the stage and the format", async () => {
    expectOk(await stack.destroy());
    expect(await formatText(format)).toBeUndefined();
    expect((await query("SHOW STAGES")).map((r) => r.name)).not.toContain(stage);
  });
});

describe("pulumi import of a hand-made file format (plugin)", () => {
  const format = n("ff_imported");
  const program = new YamlProgram("yaml-file-format-import");
  let stack: TestStack;

  beforeAll(async () => {
    await exec(`CREATE FILE FORMAT ${format} TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 2`);
    program.write([]);
    stack = await new TestStack({ program: program.dir }).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    program.remove();
    await exec(`DROP FILE FORMAT IF EXISTS ${format}`);
  });

  it("imports it, and the generated program deploys with no changes", async () => {
    const out = path.join(program.dir, "fmt.yaml");
    const r = await stack.cli(["import", "databend:index:FileFormat", "fmt", format, "--yes", "--out", out]);
    expect(r.stdout + r.stderr).toContain("were left out of the imported file format");
    const generated = fs.readFileSync(out, "utf8");
    expect(generated).toContain("type: CSV");
    expect(generated).toMatch(/fieldDelimiter: ['"]?\|/);
    expect(generated).toContain("skipHeader: 2");
    program.writeGenerated(generated);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });
});
