import * as fs from "fs";
import * as path from "path";
import { expectFailed, expectOk } from "../support/assertions";
import { closeDatabend, exec, query } from "../support/databend";
import { primaryOp } from "../support/engineEvents";
import { seedBucket } from "../support/s3";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";
import { versionAtLeast } from "../../provider/client/serverVersion";
import { GRANT_OBJECTS, privilegesInGrantRows } from "../../provider/sql/grant";

// StageGrant and ConnectionGrant in both hosts, against roles made in the test's setup (the grant
// resources reference roles by name). The engine runs as root, so what a role may do is read from
// SHOW GRANTS; the copy semantics of a stage's credentials are shown with the role set as current.
const env = stackEnv();
const engine = (env.DATABEND_ENGINE_VERSION ?? "").replace(/-.*$/, "");
const connectionGrants = versionAtLeast(engine, GRANT_OBJECTS.connection.since ?? "0");
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;
const bucket = `grants-${run}`;

afterAll(closeDatabend);

async function held(role: string, kind: "stage" | "connection", object: string): Promise<string[]> {
  return privilegesInGrantRows(await query(`SHOW GRANTS FOR ROLE ${role}`), kind, object);
}

beforeAll(async () => {
  await seedBucket(bucket, { "in/a.csv": "1,one\n" });
});

describe.each(["typescript", "yaml"] as const)("StageGrant and ConnectionGrant (%s)", (host) => {
  const h = host.slice(0, 2);
  const conn = n(`gconn_${h}`);
  const stage = n(`gstage_${h}`);
  const analyst = n(`analyst_${h}`);
  const loader = n(`loader_${h}`);
  const program = host === "yaml" ? new YamlProgram("yaml-grants") : undefined;
  let stack: TestStack;

  /** The connection, an external stage on it, READ (and more) on the stage, ACCESS CONNECTION on it. */
  async function write(stagePrivileges: string[], withConnectionGrant = connectionGrants): Promise<void> {
    const connection = {
      name: conn,
      storageType: "s3",
      endpointUrl: env.AWS_ENDPOINT_URL,
      region: "us-east-1",
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    };
    if (program) {
      program.write([
        { name: "conn", type: "databend:Connection", properties: connection },
        {
          name: "stg",
          type: "databend:Stage",
          properties: { name: stage, url: `s3://${bucket}/in/`, connection: { $ref: "conn" } },
        },
        {
          name: "read",
          type: "databend:StageGrant",
          properties: { stage: { $ref: "stg", $out: "name" }, role: analyst, privileges: stagePrivileges },
        },
        ...(withConnectionGrant
          ? [
              {
                name: "use",
                type: "databend:ConnectionGrant",
                properties: { connection: { $ref: "conn", $out: "name" }, role: loader },
              },
            ]
          : []),
      ]);
    } else {
      await stack.setConfig("resources", [
        { kind: "Connection", name: "conn", args: connection },
        {
          kind: "Stage",
          name: "stg",
          args: { name: stage, url: `s3://${bucket}/in/`, connection: { $ref: "conn" } },
        },
        {
          kind: "StageGrant",
          name: "read",
          args: { stage: { $ref: "stg" }, role: analyst, privileges: stagePrivileges },
        },
        ...(withConnectionGrant
          ? [{ kind: "ConnectionGrant", name: "use", args: { connection: { $ref: "conn" }, role: loader } }]
          : []),
      ]);
    }
  }

  beforeAll(async () => {
    await exec(`CREATE ROLE IF NOT EXISTS ${analyst}`);
    await exec(`CREATE ROLE IF NOT EXISTS ${loader}`);
    program?.write([]);
    stack = await new TestStack(program ? { program: program.dir } : {}).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    program?.remove();
    await exec(`DROP ROLE IF EXISTS ${analyst}`);
    await exec(`DROP ROLE IF EXISTS ${loader}`);
  });

  it("grants READ on the stage (and ACCESS CONNECTION on the connection), after creating them", async () => {
    await write(["READ"]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "read")).toBe("create");
    expect(await held(analyst, "stage", stage)).toEqual(["READ"]);
    expect(await held(analyst, "connection", conn)).toEqual([]);
    if (connectionGrants) {
      expect(primaryOp(r.ops, "use")).toBe("create");
      expect(await held(loader, "connection", conn)).toEqual(["ACCESS CONNECTION"]);
    }
  });

  it("refresh finds no drift", async () => {
    expectOk(await stack.refresh());
    expectOk(await stack.preview({ expectNoChanges: true }));
  });

  it("ALL adds WRITE in place, and a privilege revoked outside Pulumi is drift that up repairs", async () => {
    await write(["ALL"]);
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "read")).toBe("update");
    expect(await held(analyst, "stage", stage)).toEqual(["READ", "WRITE"]);
    expectOk(await stack.preview({ expectNoChanges: true }));
    await exec(`REVOKE WRITE ON STAGE ${stage} FROM ROLE ${analyst}`);
    expectOk(await stack.refresh());
    const p = await stack.preview();
    expect(primaryOp(p.ops, "read")).toBe("update");
    expectOk(await stack.up());
    expect(await held(analyst, "stage", stage)).toEqual(["READ", "WRITE"]);
  });

  it("removing a grant from the program revokes exactly its privileges", async () => {
    await write(["READ", "WRITE"], false);
    const r = await stack.up();
    expectOk(r);
    if (connectionGrants) {
      expect(primaryOp(r.ops, "use")).toBe("delete");
      expect(await held(loader, "connection", conn)).toEqual([]);
    }
    expect(await held(analyst, "stage", stage)).toEqual(["READ", "WRITE"]);
  });

  it("destroy revokes before it drops the stage", async () => {
    expectOk(await stack.destroy());
    expect(await held(analyst, "stage", stage)).toEqual([]);
    expect((await query("SHOW STAGES")).map((r) => r.name)).not.toContain(stage);
  });
});

(connectionGrants ? describe.skip : describe)(
  "ConnectionGrant on a server without connection privileges",
  () => {
    let stack: TestStack;
    beforeAll(async () => {
      stack = await new TestStack().init();
    });
    afterAll(() => stack?.cleanup());

    it("is refused at preview, naming the first version that has them", async () => {
      await stack.setConfig("resources", [
        { kind: "ConnectionGrant", name: "use", args: { connection: "c", role: "r" } },
      ]);
      const out = expectFailed(await stack.preview());
      expect(out).toContain(
        `GRANT ... ON CONNECTION needs Databend 1.2.780 or later; this server is ${engine}`,
      );
    });
  },
);

describe("a role with READ on a stage reads with the stage's copied credentials (README)", () => {
  const conn = n("copied_conn");
  const stage = n("copied_stage");
  const role = n("copied_reader");

  let roleSet = false;

  afterAll(async () => {
    if (roleSet) await exec("SET ROLE account_admin");
    await exec(`DROP STAGE IF EXISTS ${stage}`);
    await exec(`DROP CONNECTION IF EXISTS ${conn}`);
    await exec(`DROP ROLE IF EXISTS ${role}`);
  });

  it("runs the README's statements: no ACCESS CONNECTION, and the stage still reads after DROP CONNECTION", async () => {
    await exec(
      `CREATE CONNECTION ${conn} STORAGE_TYPE = 's3' ENDPOINT_URL = '${env.AWS_ENDPOINT_URL}' REGION = 'us-east-1' ` +
        `ACCESS_KEY_ID = '${env.AWS_ACCESS_KEY_ID}' SECRET_ACCESS_KEY = '${env.AWS_SECRET_ACCESS_KEY}'`,
    );
    await exec(`CREATE STAGE ${stage} URL = 's3://${bucket}/in/' CONNECTION = (CONNECTION_NAME = '${conn}')`);
    await exec(`CREATE ROLE ${role}`);
    await exec(`GRANT READ ON STAGE ${stage} TO ROLE ${role}`);
    expect(await held(role, "stage", stage)).toEqual(["READ"]);
    expect(await held(role, "connection", conn)).toEqual([]);
    // 1.2.453 lets root set no role but public (2206): there the statements run as root's own.
    roleSet = await exec(`SET ROLE ${role}`).then(
      () => true,
      (e: unknown) => {
        if (!String(e).includes("[2206]")) throw e;
        return false;
      },
    );
    if (versionAtLeast(engine, "1.2.780"))
      await exec("SET enable_experimental_connection_privilege_check = 1");
    expect((await query(`LIST @${stage}`)).map((r) => String(r.name))).toEqual(["a.csv"]);
    await exec(`DROP CONNECTION ${conn}`);
    // The stage never consults its connection again: it reads with the parameters it copied.
    expect((await query(`LIST @${stage}`)).map((r) => String(r.name))).toEqual(["a.csv"]);
  });
});

describe("pulumi import of a hand-made stage grant (plugin)", () => {
  const stage = n("imp_gstage");
  const role = n("imp_role");
  const program = new YamlProgram("yaml-grant-import");
  let stack: TestStack;

  beforeAll(async () => {
    await exec(`CREATE STAGE ${stage}`);
    await exec(`CREATE ROLE ${role}`);
    await exec(`GRANT READ, WRITE ON STAGE ${stage} TO ROLE ${role}`);
    program.write([]);
    stack = await new TestStack({ program: program.dir }).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    program.remove();
    await exec(`DROP STAGE IF EXISTS ${stage}`);
    await exec(`DROP ROLE IF EXISTS ${role}`);
  });

  it("imports `<stage>/<role>` with the privileges the role holds; the generated program has no changes", async () => {
    const out = path.join(program.dir, "grant.yaml");
    await stack.cli(["import", "databend:index:StageGrant", "g", `${stage}/${role}`, "--yes", "--out", out]);
    const generated = fs.readFileSync(out, "utf8");
    expect(generated).toContain(`stage: ${stage}`);
    expect(generated).toContain(`role: ${role}`);
    expect(generated).toMatch(/privileges:\s+- READ\s+- WRITE/);
    program.writeGenerated(generated);
    expectOk(await stack.preview({ expectNoChanges: true }));
  });
});
