import { maskDsn } from "../secrets/mask";
import type { DsnSource } from "../settings";

/**
 * The parts of a Databend DSN (`databend://user:password@host:port/database?options`) that messages
 * and connection settings need. The password is never kept here.
 */
export interface DsnInfo {
  /** `host:port` as written (the default port is implied by `sslmode`). */
  readonly endpoint: string;
  /** The user name. */
  readonly user: string;
  /** Where the DSN came from. */
  readonly source: DsnSource;
  /** The DSN with its password masked, for messages. */
  readonly masked: string;
  /** True when the password part holds a raw `@` or `:`, which must be percent-encoded. */
  readonly rawSpecialInPassword: boolean;
}

function authority(dsn: string): { userinfo: string; hostport: string } {
  const rest = dsn.replace(/^[a-z+]+:\/\//i, "");
  const end = rest.search(/[/?#]/);
  const beforePath = end < 0 ? rest : rest.slice(0, end);
  // The query string may hold `@` (not here: the path came first); user info ends at the last `@`.
  const at = beforePath.lastIndexOf("@");
  return at < 0
    ? { userinfo: "", hostport: beforePath }
    : { userinfo: beforePath.slice(0, at), hostport: beforePath.slice(at + 1) };
}

/** Reads what messages need from `dsn`. */
export function describeDsn(dsn: string, source: DsnSource): DsnInfo {
  const { userinfo, hostport } = authority(dsn);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? "" : userinfo.slice(colon + 1);
  return {
    endpoint: hostport || "(no host)",
    user: safeDecode(user),
    source,
    masked: maskDsn(dsn),
    rawSpecialInPassword: /[@:]/.test(password) || userinfo.indexOf("@") >= 0,
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The DSN the driver is given: the user's, plus the provider's timeouts where the user set none, and
 * the driver's own retries switched off. The driver would re-send any statement after a timeout,
 * including a CREATE the server may already be running; the provider retries only statements that are
 * safe to repeat, itself.
 */
export function driverDsn(dsn: string, timeouts: { connect: number; query: number }): string {
  const hash = dsn.indexOf("#");
  const base = hash < 0 ? dsn : dsn.slice(0, hash);
  const q = base.indexOf("?");
  const head = q < 0 ? base : base.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : base.slice(q + 1));
  if (!params.has("connect_timeout")) params.set("connect_timeout", String(Math.ceil(timeouts.connect)));
  if (!params.has("page_request_timeout_secs"))
    params.set("page_request_timeout_secs", String(Math.ceil(timeouts.query)));
  params.set("retry_count", "0");
  return `${head}?${params.toString()}`;
}

/** The per-response timeout in seconds that `dsn` (as returned by {@link driverDsn}) asks for. */
export function queryTimeoutOf(dsn: string): number {
  const q = dsn.indexOf("?");
  const v = Number(new URLSearchParams(q < 0 ? "" : dsn.slice(q + 1)).get("page_request_timeout_secs"));
  return Number.isFinite(v) && v > 0 ? v : 60;
}
