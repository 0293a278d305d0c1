import { MASK, maskDsn, userInfoEnd } from "../secrets/mask";
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
 * A DSN as databend-driver reads it. The driver hands the DSN to the Rust `url` crate, which parses a
 * `databend://` URL by the WHATWG rules for non-special schemes: tabs and line breaks are removed,
 * the authority ends at the first `/`, `?` or `#` after `://`, the user info ends at the last `@`
 * inside the authority, the query runs from the first `?` after it to the first `#`, and everything
 * from that `#` on (the fragment) is ignored.
 */
export interface DsnParts {
  /** `databend://` (the scheme and the two slashes, as written). */
  readonly scheme: string;
  /** The user info as written (`user:password`), without its `@`; undefined when there is no `@`. */
  readonly userinfo?: string;
  /** `host:port` as written. */
  readonly hostport: string;
  /** The path (`/database`), possibly empty. */
  readonly path: string;
  /** The query string without its `?`; undefined when there is none. */
  readonly query?: string;
  /** The fragment without its `#`; undefined when there is none. */
  readonly fragment?: string;
}

/** Splits `dsn` exactly where databend-driver does (see {@link DsnParts}). */
export function readDsn(dsn: string): DsnParts {
  const text = cleaned(dsn);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? "";
  const rest = text.slice(scheme.length);
  const authorityEnd = firstOf(rest, "/?#", 0);
  const authority = rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf("@");
  const hash = rest.indexOf("#", authorityEnd);
  const beforeHash = hash < 0 ? rest : rest.slice(0, hash);
  const q = beforeHash.indexOf("?", authorityEnd);
  return {
    scheme,
    userinfo: at < 0 ? undefined : authority.slice(0, at),
    hostport: authority.slice(at + 1),
    path: beforeHash.slice(authorityEnd, q < 0 ? beforeHash.length : q),
    query: q < 0 ? undefined : beforeHash.slice(q + 1),
    fragment: hash < 0 ? undefined : rest.slice(hash + 1),
  };
}

/** As the URL standard: leading and trailing C0 controls and spaces dropped, tabs and newlines removed. */
function cleaned(dsn: string): string {
  // eslint-disable-next-line no-control-regex
  return dsn.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
}

function firstOf(s: string, chars: string, from: number): number {
  for (let i = from; i < s.length; i++) if (chars.includes(s.charAt(i))) return i;
  return s.length;
}

/** How every reserved character of a DSN's user name or password is written percent-encoded. */
export const DSN_ENCODING_RULE =
  "percent-encode reserved characters of the user name and password: %40 for @, %3A for :, %2F for /, " +
  "%3F for ?, %23 for #, %25 for %";

const ENCODED: Readonly<Record<string, string>> = { "#": "%23", "?": "%3F", "/": "%2F", "@": "%40" };

/**
 * Where an `@` sits that the driver does not read as the end of the user info: in the path, in the
 * fragment, or in the name of a query option (option names never hold one; values may). Such an `@`
 * means a raw `/`, `?` or `#` in the password ended the host part early. -1 when there is none.
 */
function strayAt(parts: DsnParts, text: string): number {
  const afterAuthority =
    parts.scheme.length +
    (parts.userinfo === undefined ? 0 : parts.userinfo.length + 1) +
    parts.hostport.length;
  let found = -1;
  const pathAt = parts.path.lastIndexOf("@");
  if (pathAt >= 0) found = afterAuthority + pathAt;
  if (parts.query !== undefined) {
    const queryStart = afterAuthority + parts.path.length + 1;
    let offset = 0;
    for (const pair of parts.query.split("&")) {
      const name = pair.split("=")[0] ?? "";
      if (name.includes("@")) found = queryStart + offset + name.lastIndexOf("@");
      offset += pair.length + 1;
    }
  }
  // In a fragment, as a person reads it: the last '@' before its first '?'.
  const fragmentAt = parts.fragment === undefined ? -1 : userInfoEnd(parts.fragment);
  if (parts.fragment !== undefined && fragmentAt >= 0)
    found = text.length - parts.fragment.length + fragmentAt;
  return found;
}

/**
 * Why `dsn` cannot be given to the driver as written, or undefined when it can. A raw `#`, `?` or `/`
 * in the password makes the driver end the host part early, so it would send the credentials to a
 * host written inside the password; such a DSN is refused before any connection, naming the
 * percent-encoding that fixes it. So is a `#` anywhere (the driver ignores the rest, options included)
 * and a DSN the driver cannot parse. The password is never part of the message.
 */
export function dsnReadingProblem(dsn: string, source: DsnSource): string | undefined {
  const text = cleaned(dsn);
  const parts = readDsn(text);
  if (!/^databend(\+https?)?:\/\/$/i.test(parts.scheme))
    return (
      `the DSN in ${source} is not a Databend DSN: expected databend://user:password@host:port/database?sslmode=disable ` +
      "(schemes databend, databend+http, databend+https)"
    );
  const at = strayAt(parts, text);
  if (at >= 0) {
    const rest = text.slice(parts.scheme.length, at);
    const password = rest.slice(rest.indexOf(":") + 1);
    const raw = Object.keys(ENCODED).filter((c) => password.includes(c));
    const named = readDsn(parts.scheme + text.slice(at + 1)).hostport;
    return (
      `the DSN in ${source} has a raw ${raw.map((c) => `'${c}'`).join(" and ")} in its password: the Databend driver ` +
      "ends the host part at the first '/', '?' or '#' and the user info at the last '@' before it, so it would " +
      `send the credentials to a host written inside the password instead of ${named || "the host named last"}. ` +
      `Encode ${raw.map((c) => `'${c}' as ${ENCODED[c]}`).join(", ")} (${DSN_ENCODING_RULE})`
    );
  }
  if (parts.fragment !== undefined)
    return (
      `the DSN in ${source} has a raw '#': the Databend driver ignores it and everything after it, options ` +
      "included. Remove it, or encode a '#' inside a value as %23"
    );
  let url: URL;
  try {
    // Node's URL parser follows the same standard as the driver's (Rust `url`) for `databend://` URLs.
    url = new URL(text);
  } catch {
    return (
      `the DSN in ${source} is not a valid URL, so the Databend driver cannot read it: expected ` +
      `databend://user:password@host:port/database?sslmode=disable; ${DSN_ENCODING_RULE}`
    );
  }
  if (url.hostname === "")
    return `the DSN in ${source} names no host: expected databend://user:password@host:port/database`;
  return undefined;
}

/** Reads what messages need from `dsn`. */
export function describeDsn(dsn: string, source: DsnSource): DsnInfo {
  const { userinfo = "", hostport } = readDsn(dsn);
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const password = colon < 0 ? "" : userinfo.slice(colon + 1);
  return {
    // The driver's own host part, which a refused DSN (see dsnReadingProblem) is the only way to fill
    // with password text; a password written there whole is still hidden.
    endpoint: (password.length >= 3 ? hostport.split(password).join(MASK) : hostport) || "(no host)",
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
  const { scheme, userinfo, hostport, path, query } = readDsn(dsn);
  // Rebuilt from the driver's own reading, so the options land in the query string it reads (a
  // fragment, which it ignores, is dropped).
  const head = `${scheme}${userinfo === undefined ? "" : `${userinfo}@`}${hostport}${path}`;
  const params = new URLSearchParams(query ?? "");
  if (!params.has("connect_timeout")) params.set("connect_timeout", String(Math.ceil(timeouts.connect)));
  if (!params.has("page_request_timeout_secs"))
    params.set("page_request_timeout_secs", String(Math.ceil(timeouts.query)));
  params.set("retry_count", "0");
  return `${head}?${params.toString()}`;
}

/** The per-response timeout in seconds that `dsn` (as returned by {@link driverDsn}) asks for. */
export function queryTimeoutOf(dsn: string): number {
  const v = Number(new URLSearchParams(readDsn(dsn).query ?? "").get("page_request_timeout_secs"));
  return Number.isFinite(v) && v > 0 ? v : 60;
}
