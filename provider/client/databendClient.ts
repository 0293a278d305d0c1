import { DatabendError } from "../errors/DatabendError";
import { toDatabendError } from "../errors/mapError";
import { dsnPassword, dsnPasswordAsWritten, maskSecrets } from "../secrets/mask";
import { NO_DSN_MESSAGE, findDsn, resolveTimeouts } from "../settings";
import { DsnInfo, describeDsn, driverDsn, dsnReadingProblem, queryTimeoutOf } from "./dsn";
import { acceptServerVersion } from "./serverVersion";
import { SqlRow, SqlSession, StatementContext } from "./sqlSession";

/** The parts of databend-driver's API this module uses. */
interface DriverRow {
  data(): Record<string, unknown>;
}
interface DriverConnection {
  exec(sql: string): Promise<number>;
  queryAll(sql: string): Promise<DriverRow[]>;
  close(): Promise<void>;
}
interface DriverModule {
  Client: new (dsn: string) => { getConn(): Promise<DriverConnection> };
}

const sessions = new Map<string, Promise<DriverSession>>();

/** How often a statement that is safe to repeat is retried after a transport failure. */
const IDEMPOTENT_RETRIES = 2;

/**
 * The SQL session for the configured DSN. One client per provider process: every resource shares it.
 * `databend-driver` is a native module, so it is required here, at call time, never captured.
 */
export async function getSession(): Promise<SqlSession> {
  const found = findDsn();
  if (!found) throw new DatabendError(NO_DSN_MESSAGE, { code: "InvalidInput", retryable: false });
  // Refused before the driver sees it: no byte may go to a host the DSN does not name.
  const problem = dsnReadingProblem(found.dsn, found.source);
  if (problem)
    throw new DatabendError(`connect to Databend: ${problem}`, { code: "InvalidInput", retryable: false });
  const dsn = driverDsn(found.dsn, resolveTimeouts());
  let s = sessions.get(dsn);
  if (!s) {
    s = DriverSession.open(dsn, describeDsn(found.dsn, found.source));
    sessions.set(dsn, s);
    s.catch(() => sessions.delete(dsn));
  }
  return s;
}

/** Closes every open session (for hosts that exit explicitly). */
export async function closeSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  await Promise.allSettled(all.map(async (s) => (await s).close()));
}

/** Rejects with a transport error when `p` has not settled after `seconds`. */
function bounded<T>(p: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${seconds} s`)), seconds * 1000);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Explains a failure to reach or log in to the endpoint: which `host:port` was tried, which setting
 * it came from, and what to do. The password never appears.
 */
export function connectionFailure(
  e: unknown,
  info: DsnInfo,
  secrets: readonly (string | undefined)[],
): DatabendError {
  const raw = maskSecrets(e instanceof Error ? e.message : String(e), secrets);
  const text = raw.replace(/\s*\[v\d+\.\d+\.\d+\]\s*$/, "").replace(/\s+/g, " ");
  const where = `the Databend endpoint at ${info.endpoint} (from ${info.source})`;
  const encode = " The password in the DSN must be percent-encoded: write %40 for @, %3A for :, %25 for %.";
  if (/\[5100\]|\[2201\]|AuthFailure|\(401 /.test(raw)) {
    return new DatabendError(
      `connect to Databend: ${where} rejected user '${info.user}': ${text}. Fix the user name and password in ${info.source}.` +
        (info.rawSpecialInPassword ? encode : ""),
      { code: "Auth", retryable: false, serverCode: 5100, cause: new Error(text) },
    );
  }
  if (/ParseError|invalid port|relative URL|invalid (?:domain|IPv\d)/i.test(raw)) {
    return new DatabendError(
      `connect to Databend: ${info.source} is not a valid DSN (${text}); expected ` +
        "databend://user:password@host:port/database?sslmode=disable." +
        (info.rawSpecialInPassword ? encode : ""),
      { code: "InvalidInput", retryable: false, cause: new Error(text) },
    );
  }
  const status = notDatabendStatus(raw);
  if (status) {
    return new DatabendError(
      `connect to Databend: not a Databend endpoint at ${info.endpoint} (from ${info.source}): it answered HTTP ${status}` +
        `${HTML_BODY.test(raw) ? " with an HTML page" : ""} to Databend's HTTP query protocol. ` +
        "Check the host and port (Databend's HTTP handler listens on 8000 by default).",
      { code: "Transport", retryable: false, cause: new Error(text) },
    );
  }
  return new DatabendError(
    `connect to Databend: cannot reach ${where}: ${text}. Check the host and port, that the server runs, ` +
      "and databend:connectTimeout if it is slow to answer.",
    { code: "Transport", retryable: true, cause: new Error(text) },
  );
}

/** An HTML page in the driver's error text (the body it quotes after the status or the decode error). */
const HTML_BODY = /(?:\)|body: )\s*<(?:!doctype|html|head|body|title|h1|p|div|center)\b/i;

/**
 * The HTTP status of an answer that cannot come from Databend's query protocol (which answers errors
 * as JSON with a code), e.g. a web server's 404 or 501 page, or any page in HTML: a 500 page, or a 200
 * page the driver cannot decode (`200` then). Gateway answers (502, 503, 504) stay failures to reach:
 * a proxy in front of a Databend that is down sends them. Undefined otherwise.
 */
export function notDatabendStatus(raw: string): string | undefined {
  if (/\[\d{3,5}\]/.test(raw)) return undefined; // Databend's own error code
  const status = /ResponseError: \((\d{3})/.exec(raw)?.[1];
  const html = HTML_BODY.test(raw);
  if (!status) return html && /DecodeError/.test(raw) ? "200" : undefined;
  if (["502", "503", "504"].includes(status)) return undefined;
  return status === "501" || (status.startsWith("4") && status !== "401") || html ? status : undefined;
}

class DriverSession implements SqlSession {
  private version?: Promise<string>;

  private constructor(
    private readonly conn: DriverConnection,
    private readonly info: DsnInfo,
    private readonly dsnSecret: string | undefined,
    private readonly timeoutSeconds: number,
  ) {}

  static async open(dsn: string, info: DsnInfo): Promise<DriverSession> {
    const secret = dsnPassword(dsn);
    const { connect } = resolveTimeouts();
    let conn: DriverConnection;
    try {
      const driver = require("databend-driver") as DriverModule;
      conn = await bounded(new driver.Client(dsn).getConn(), connect + 5, "login");
    } catch (e) {
      // The password in both forms, not the whole DSN: its host and options are no secret.
      throw connectionFailure(e, info, [secret, dsnPasswordAsWritten(dsn)]);
    }
    // Version detection: once per provider process (sessions are cached), logged, and refused when too old.
    const session = new DriverSession(conn, info, secret, queryTimeoutOf(dsn) + 5);
    await session.serverVersion();
    return session;
  }

  private async run<T>(sql: string, ctx: StatementContext, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await bounded(call(), this.timeoutSeconds, `statement (${ctx.action})`);
      } catch (e) {
        // The driver accepts a 404 on login (old servers), so a web server is found out here.
        if (notDatabendStatus(e instanceof Error ? e.message : String(e))) {
          throw connectionFailure(e, this.info, [...(ctx.secrets ?? []), this.dsnSecret]);
        }
        const err = toDatabendError(e, {
          ...ctx,
          statement: sql,
          secrets: [...(ctx.secrets ?? []), this.dsnSecret],
          endpoint: `${this.info.endpoint} (from ${this.info.source})`,
        });
        if (err.code === "Transport" && ctx.idempotent && attempt < IDEMPOTENT_RETRIES) {
          await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
          continue;
        }
        throw err;
      }
    }
  }

  async exec(sql: string, ctx: StatementContext): Promise<void> {
    await this.run(sql, ctx, () => this.conn.exec(sql));
  }

  async query(sql: string, ctx: StatementContext): Promise<SqlRow[]> {
    const rows = await this.run(sql, { idempotent: true, ...ctx }, () => this.conn.queryAll(sql));
    return rows.map((r) => r.data());
  }

  serverVersion(): Promise<string> {
    this.version ??= this.query("SELECT version() AS v", { action: "read the Databend server version" }).then(
      (rows) => acceptServerVersion(String(rows[0]?.v ?? "")),
    );
    return this.version;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

export { parseServerVersion, versionAtLeast } from "./serverVersion";
