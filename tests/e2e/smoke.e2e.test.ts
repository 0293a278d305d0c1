import { expectOk } from "../support/assertions";
import { primaryOp } from "../support/engineEvents";
import { resetStatements, statements } from "../support/bridge";
import { stackEnv } from "../support/stackEnv";
import { Driver, TestStack } from "../support/testStack";

interface DriverRow {
  data(): Record<string, unknown>;
}
interface DriverConn {
  exec(sql: string): Promise<number>;
  queryRow(sql: string): Promise<{ values(): unknown[] } | null>;
  queryAll(sql: string): Promise<DriverRow[]>;
  close(): Promise<void>;
}

describe.each<Driver>(["cli", "automation"])("the real Pulumi engine (%s)", (driver) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await new TestStack({ driver }).init();
    await stack.setConfig("resources", [{ kind: "Trivial", name: "hello", args: { value: "world" } }]);
  });
  afterAll(() => stack?.cleanup());

  it("creates a trivial dynamic resource", async () => {
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "hello")).toBe("create");
    expect((await stack.stackOutputs()).hello).toMatchObject({ value: "world" });
  });

  it("previews with no changes", async () => {
    const r = await stack.preview({ expectNoChanges: true });
    expectOk(r);
    expect(primaryOp(r.ops, "hello")).toBe("same");
  });

  it("destroys it", async () => {
    const r = await stack.destroy();
    expectOk(r);
    expect(primaryOp(r.ops, "hello")).toBe("delete");
  });
});

describe("the local Databend endpoint, through databend-driver", () => {
  let conn: DriverConn;
  beforeAll(async () => {
    const { Client } = require("databend-driver") as {
      Client: new (dsn: string) => { getConn(): Promise<DriverConn> };
    };
    conn = await new Client(stackEnv().DATABEND_DSN as string).getConn();
  });
  afterAll(async () => {
    await conn.exec("DROP CONNECTION IF EXISTS smoke_fs");
    await conn.close();
  });

  it("runs SELECT 1", async () => {
    const row = await conn.queryRow("SELECT 1");
    expect(row?.values()).toEqual([1]);
  });

  it("creates and describes an fs connection, and counts the statements", async () => {
    await resetStatements();
    await conn.exec("CREATE CONNECTION smoke_fs STORAGE_TYPE='fs'");
    const rows = await conn.queryAll("DESC CONNECTION smoke_fs");
    expect(rows.map((r) => r.data())).toEqual([
      expect.objectContaining({ name: "smoke_fs", storage_type: "fs" }),
    ]);
    const log = await statements();
    expect(log.count).toBe(2);
    expect(log.statements[0]).toContain("CREATE CONNECTION smoke_fs");
  });
});
