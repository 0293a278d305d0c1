import * as fs from "fs";
import * as path from "path";
import { expectOk } from "../support/assertions";
import { closeDatabend, exec, query } from "../support/databend";
import { primaryOp } from "../support/engineEvents";
import { findSecrets, testSecret } from "../support/secrets";
import { ROOT } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

// `pulumi import` through the provider plugin: a connection and a stage made by hand are adopted;
// the generated program deploys with no changes; filling in the masked values converges in one up.
const run = Math.random().toString(36).slice(2, 7);
const conn = `imp_conn_${run}`;
const stage = `imp_stage_${run}`;
const secret = testSecret("import");

afterAll(closeDatabend);

/** A Pulumi.yaml header (YAML text) that uses this checkout's plugin. */
function header(): string {
  return [
    "name: yaml-import",
    "runtime: yaml",
    "plugins:",
    "  providers:",
    "    - name: databend",
    `      path: ${path.join(ROOT, "plugin")}`,
    "",
  ].join("\n");
}

describe("pulumi import of a hand-made connection and stage", () => {
  const program = new YamlProgram("yaml-import");
  let stack: TestStack;
  const generated: string[] = [];

  beforeAll(async () => {
    await exec(
      `CREATE CONNECTION ${conn} STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'AKIAIMPORTED' ` +
        `SECRET_ACCESS_KEY = '${secret}' ENDPOINT_URL = 'http://127.0.0.1:9/'`,
    );
    await exec(
      `CREATE STAGE ${stage} URL = 's3://imported-bucket/data/' CONNECTION = (CONNECTION_NAME = '${conn}')`,
    );
    program.write([]);
    stack = await new TestStack({ program: program.dir }).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    program.remove();
  });

  it("wants the full type token (`databend:index:Connection`)", async () => {
    await expect(stack.cli(["import", "databend:Connection", "conn", conn, "--yes"])).rejects.toThrow(
      /not a valid resource type token/,
    );
  });

  it("imports both, warning that Databend masks what cannot be read back", async () => {
    for (const [token, name, id] of [
      ["databend:index:Connection", "conn", conn],
      ["databend:index:Stage", "stage", stage],
    ] as const) {
      const out = path.join(program.dir, `${name}.yaml`);
      const r = await stack.cli(["import", token, name, id, "--yes", "--out", out]);
      generated.push(fs.readFileSync(out, "utf8"));
      const text = r.stdout + r.stderr;
      expect(text).toContain(name === "conn" ? "Databend masks connection parameters" : "Add `connection`");
    }
    expect(await stack.resourceNames()).toEqual(expect.arrayContaining(["conn", "stage"]));
    expect(generated[0]).toContain("accessKeyId: (changed outside Pulumi)");
    expect(generated[0]).toContain("secretAccessKey: (changed outside Pulumi)");
    expect(generated[1]).toContain("url: s3://imported-bucket/data/");
    expect(generated.every((g) => g.includes("protect: true"))).toBe(true);
  });

  it("the generated program deploys with no changes", async () => {
    const resources = generated.map((g) => g.replace(/^resources:\n/, "")).join("");
    fs.writeFileSync(path.join(program.dir, "Pulumi.yaml"), `${header()}resources:\n${resources}`);
    expectOk(await stack.preview({ expectNoChanges: true }));
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("same");
    expect(primaryOp(r.ops, "stage")).toBe("same");
  });

  it("with the real values filled in, the first up converges and the next has no changes", async () => {
    program.write([
      {
        name: "conn",
        type: "databend:Connection",
        properties: {
          name: conn,
          storageType: "s3",
          accessKeyId: "AKIAIMPORTED",
          secretAccessKey: secret,
          endpointUrl: "http://127.0.0.1:9/",
        },
      },
      {
        name: "stage",
        type: "databend:Stage",
        properties: { name: stage, url: "s3://imported-bucket/data/", connection: { $ref: "conn" } },
      },
    ]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("update");
    expect(primaryOp(r.ops, "stage")).toBe("update");
    expectOk(await stack.preview({ expectNoChanges: true }));
    expect(findSecrets(await stack.exportState(), [secret])).toEqual([]);
    expect(findSecrets(stack.allOutput(), [secret])).toEqual([]);
  });

  it("destroy drops what was imported", async () => {
    expectOk(await stack.destroy());
    expect(await query(`SHOW STAGES LIKE '${stage}'`)).toEqual([]);
  });
});
