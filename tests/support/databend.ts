import { stackEnv } from "./stackEnv";

/** A row as databend-driver returns it. */
export interface DriverRow {
  data(): Record<string, unknown>;
}
/** The parts of a databend-driver connection the tests use. */
export interface DriverConn {
  exec(sql: string): Promise<number>;
  queryAll(sql: string): Promise<DriverRow[]>;
  close(): Promise<void>;
}

let conn: Promise<DriverConn> | undefined;

/** A databend-driver connection to the local stack, shared by a test file. */
function connection(): Promise<DriverConn> {
  if (!conn) {
    const { Client } = require("databend-driver") as {
      Client: new (dsn: string) => { getConn(): Promise<DriverConn> };
    };
    conn = new Client(stackEnv().DATABEND_DSN as string).getConn();
  }
  return conn;
}

/** Runs a query on the local Databend and returns its rows as objects. */
export async function query(sql: string): Promise<Record<string, unknown>[]> {
  const rows = await (await connection()).queryAll(sql);
  return rows.map((r) => r.data());
}

/** Runs a statement on the local Databend (for out-of-band changes in tests). */
export async function exec(sql: string): Promise<void> {
  await (await connection()).exec(sql);
}

/** The names of all connections on the local Databend. */
export async function connectionNames(): Promise<string[]> {
  return (await query("SHOW CONNECTIONS")).map((r) => String(r.name));
}

/** Closes the shared connection (call in afterAll). */
export async function closeDatabend(): Promise<void> {
  if (conn) await (await conn).close();
  conn = undefined;
}
