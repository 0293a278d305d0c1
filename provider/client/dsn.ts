import { maskDsn, maskSecrets, userInfoEnd } from "../secrets/mask";
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
  /** True when the password holds a raw `@`, `:`, `/`, `?` or `#`, which must be percent-encoded. */
  readonly rawSpecialInPassword: boolean;
}

/**
 * Splits a DSN into user info and `host:port`. The user info ends at the last `@`, so a password with a
 * raw `/`, `?` or `#` (which must be percent-encoded, and is reported) never leaks into the host part.
 */
function authority(dsn: string): { userinfo: string; hostport: string; afterHost: number } {
  const scheme = /^[a-z+]+:\/\//i.exec(dsn)?.[0] ?? "";
  const rest = dsn.slice(scheme.length);
  const at = userInfoEnd(rest);
  const hostStart = at < 0 ? 0 : at + 1;
  const end = rest.slice(hostStart).search(/[/?#]/);
  const hostEnd = end < 0 ? rest.length : hostStart + end;
  return {
    userinfo: at < 0 ? "" : rest.slice(0, at),
    hostport: rest.slice(hostStart, hostEnd),
    afterHost: scheme.length + hostEnd,
  };
}

/** Reads what messages need from `dsn`. */
export function describeDsn(dsn: string, source: DsnSource): DsnInfo {
  const { userinfo, hostport } = authority(dsn);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? "" : userinfo.slice(colon + 1);
  return {
    endpoint: maskSecrets(hostport, [password]) || "(no host)",
    user: safeDecode(user),
    source,
    masked: maskDsn(dsn),
    rawSpecialInPassword: /[@:/?#]/.test(password),
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
  const { afterHost } = authority(dsn);
  const hash = dsn.indexOf("#", afterHost);
  const base = hash < 0 ? dsn : dsn.slice(0, hash);
  const q = base.indexOf("?", afterHost);
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
  const q = dsn.indexOf("?", authority(dsn).afterHost);
  const v = Number(new URLSearchParams(q < 0 ? "" : dsn.slice(q + 1)).get("page_request_timeout_secs"));
  return Number.isFinite(v) && v > 0 ? v : 60;
}
