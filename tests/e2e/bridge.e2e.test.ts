import { stackEnv } from "../support/stackEnv";

/**
 * The local Databend endpoint behaves like a server towards clients: every HTTP session has its own
 * database, role and settings (one client's USE or SET is invisible to another), responses carry the
 * session and result settings, login reports a semver version, and reads served from the bridge's
 * read cache equal the engine's own answers.
 */

interface DriverRow {
  data(): Record<string, unknown>;
  values(): unknown[];
}
interface DriverConn {
  exec(sql: string): Promise<number>;
  queryRow(sql: string): Promise<DriverRow | null>;
  queryAll(sql: string): Promise<DriverRow[]>;
  close(): Promise<void>;
}

const open: DriverConn[] = [];

async function connect(dsn = stackEnv().DATABEND_DSN as string): Promise<DriverConn> {
  const { Client } = require("databend-driver") as {
    Client: new (dsn: string) => { getConn(): Promise<DriverConn> };
  };
  const conn = await new Client(dsn).getConn();
  open.push(conn);
  return conn;
}

async function scalar(conn: DriverConn, sql: string): Promise<unknown> {
  return (await conn.queryRow(sql))?.values()[0];
}

const timezone = (conn: DriverConn) =>
  scalar(conn, "SELECT value FROM system.settings WHERE name = 'timezone'");

/** The parts of a login or query response these tests read. */
interface RawResponse {
  status: number;
  data?: unknown[][];
  session?: Record<string, unknown>;
  settings?: Record<string, string>;
  error?: { code: number; message: string };
  version?: string;
}

/** POSTs to the endpoint as root, without a driver (so no session is carried over). */
async function rawPost(path: string, body: unknown): Promise<RawResponse> {
  const r = await fetch(`${stackEnv().DATABEND_BRIDGE_URL}${path}`, {
    method: "POST",
    headers: {
      Authorization: `Basic ${Buffer.from("root:").toString("base64")}`,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
  return { status: r.status, ...((await r.json()) as Omit<RawResponse, "status">) };
}

afterAll(async () => {
  const admin = await connect();
  await admin.exec("DROP STAGE IF EXISTS bridge_int");
  await admin.exec("DROP STAGE IF EXISTS bridge_ext");
  await admin.exec("DROP CONNECTION IF EXISTS bridge_conn");
  await admin.exec("DROP DATABASE IF EXISTS bridge_iso");
  await Promise.allSettled(open.map((c) => c.close()));
});

describe("the local Databend endpoint keeps HTTP sessions apart", () => {
  it("does not show client A's USE and SET to client B, or to a new session", async () => {
    const a = await connect();
    await a.exec("CREATE DATABASE IF NOT EXISTS bridge_iso");
    await a.exec("USE bridge_iso");
    await a.exec("SET timezone = 'Asia/Shanghai'");
    expect(await scalar(a, "SELECT current_database()")).toBe("bridge_iso");
    expect(await timezone(a)).toBe("Asia/Shanghai");

    const b = await connect();
    expect(await scalar(b, "SELECT current_database()")).toBe("default");
    expect(await timezone(b)).toBe("UTC");
    await b.exec("SET timezone = 'Europe/Paris'");

    expect(await scalar(a, "SELECT current_database()")).toBe("bridge_iso");
    expect(await timezone(a)).toBe("Asia/Shanghai");
    expect(await timezone(b)).toBe("Europe/Paris");

    await a.exec("UNSET timezone");
    expect(await timezone(a)).toBe("UTC");
    expect(await timezone(b)).toBe("Europe/Paris");
  });

  it("starts a session without a database in `default`", async () => {
    const a = await connect();
    await a.exec("CREATE DATABASE IF NOT EXISTS bridge_iso");
    await a.exec("USE bridge_iso");
    const dsn = (stackEnv().DATABEND_DSN as string).replace(/\/default\?/, "?");
    const fresh = await connect(dsn);
    expect(await scalar(fresh, "SELECT current_database()")).toBe("default");
    const raw = await rawPost("/v1/query", { sql: "SELECT current_database()" });
    expect(raw.data).toEqual([["default"]]);
  });

  it("returns the session and result settings as the real handler does", async () => {
    const r = await rawPost("/v1/query", {
      sql: "SELECT 1",
      session: { database: "default", settings: { timezone: "Asia/Tokyo" } },
    });
    expect(r.session).toMatchObject({
      catalog: "default",
      database: "default",
      role: expect.any(String), // account_admin; `public` on 1.2.453
      txn_state: "AutoCommit",
      settings: { timezone: "Asia/Tokyo" },
    });
    expect(typeof r.session?.internal).toBe("string");
    expect(r.settings).toMatchObject({ timezone: "Asia/Tokyo" });
    const set = await rawPost("/v1/query", { sql: "SET max_threads = 3", session: r.session });
    expect(set.session?.settings).toEqual({ max_threads: "3", timezone: "Asia/Tokyo" });
  });

  it("reports a semver version such as 1.2.895-nightly at login", async () => {
    const login = await rawPost("/v1/session/login", {});
    expect(login.version).toMatch(/^\d+\.\d+\.\d+(-nightly)?$/);
    const a = await connect();
    expect(String(await scalar(a, "SELECT version()"))).toContain(`v${String(login.version)}`);
  });

  it("rejects a login to a database that does not exist", async () => {
    const r = await rawPost("/v1/session/login", { database: "no_such_db_here" });
    expect(r.status).toBe(400);
    expect(r.error?.code).toBe(1003);
  });
});

describe("reads of stages and connections served from the bridge's read cache", () => {
  it("equal the engine's own rows, and follow every change", async () => {
    const a = await connect();
    await a.exec("CREATE STAGE bridge_int FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|')");
    await a.exec(
      "CREATE CONNECTION bridge_conn STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'bridgekey' SECRET_ACCESS_KEY = 'bridgesecret' ENDPOINT_URL = 'http://127.0.0.1:9' REGION = 'us-east-1'",
    );
    await a.exec(
      "CREATE STAGE bridge_ext URL = 's3://bridge-bucket/p/' CONNECTION = (CONNECTION_NAME = 'bridge_conn')",
    );
    const engineRow = async (name: string) =>
      (await a.queryAll(`SELECT * FROM system.stages WHERE name = '${name}'`)).map((r) => r.data());
    const desc = async (name: string) => (await a.queryAll(`DESC STAGE ${name}`)).map((r) => r.data());
    for (const name of ["bridge_int", "bridge_ext"]) {
      const first = await desc(name);
      expect(first).toHaveLength(1);
      expect(first).toEqual(await engineRow(name));
      expect(await desc(name)).toEqual(first); // served from the snapshot
    }
    expect(await desc("bridge_missing")).toEqual([]);

    const before = await desc("bridge_ext");
    // CREATE OR REPLACE rather than ALTER STAGE, which servers before 1.2.867 lack.
    await a.exec(
      "CREATE OR REPLACE STAGE bridge_ext URL = 's3://bridge-bucket/changed/' CONNECTION = (CONNECTION_NAME = 'bridge_conn')",
    );
    const after = await desc("bridge_ext");
    expect(after).not.toEqual(before);
    expect(after).toEqual(await engineRow("bridge_ext"));
    expect(JSON.stringify(after)).toContain("/changed/");
    await a.exec("DROP STAGE bridge_ext");
    expect(await desc("bridge_ext")).toEqual([]);

    const show = async () => (await a.queryAll("SHOW CONNECTIONS")).map((r) => r.data());
    expect((await show()).map((r) => r.name)).toContain("bridge_conn");
    await a.exec("DROP CONNECTION bridge_conn");
    expect((await show()).map((r) => r.name)).not.toContain("bridge_conn");
  });
});
