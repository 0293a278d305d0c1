import { STORAGE_SPECS, STORAGE_TYPES, StorageType, storageTypeForScheme } from "./storageSpecs";

/** A parsed external stage URL. */
export interface StageUrl {
  scheme: string;
  storageType: StorageType;
  /** Bucket, container or host. */
  bucket: string;
  /** Path inside it, `/` or ending in `/`. */
  path: string;
}

/** Why a URL was rejected, naming what is allowed. */
export type StageUrlProblem = { reason: string };

const SCHEMES = STORAGE_TYPES.map((t) => STORAGE_SPECS[t].scheme);

/**
 * Parses `scheme://bucket/path/`. The scheme must be a known storage scheme and the path must end in
 * `/` (Databend requires it for stages), so problems surface at preview instead of at CREATE STAGE.
 */
export function parseStageUrl(url: string): StageUrl | StageUrlProblem {
  if ([...url].some((ch) => /\s/.test(ch) || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f))
    return {
      reason:
        "must not contain spaces, line breaks or control characters (Databend strips them, and every refresh would report drift)",
    };
  const m = /^([A-Za-z][A-Za-z0-9+]*):\/\/([^/?#]*)(\/[^?#]*)?$/.exec(url);
  if (!m)
    return { reason: `must look like <scheme>://<bucket>/<path>/ with scheme one of ${SCHEMES.join(", ")}` };
  const scheme = (m[1] as string).toLowerCase();
  const storageType = storageTypeForScheme(scheme);
  if (!storageType) return { reason: `has unknown scheme '${scheme}'; allowed: ${SCHEMES.join(", ")}` };
  const bucket = m[2] ?? "";
  const path = m[3] ?? "/";
  if (scheme !== "fs" && bucket === "")
    return { reason: "must name a bucket (or container) after the scheme" };
  if (scheme === "fs" && bucket !== "")
    return { reason: "must start with fs:/// (an fs URL names no host; Databend refuses fs://<host>/)" };
  const hostRule = scheme === "fs" ? undefined : bucketProblem(bucket, url);
  if (hostRule) return { reason: hostRule };
  if (scheme !== "fs" && /%[0-9A-Fa-f]{2}/.test(path))
    return {
      reason:
        "path must not hold percent-encoded characters (such as %20): Databend decodes them, and every refresh would report drift",
    };
  if (!path.endsWith("/"))
    return { reason: `path must end with '/' (Databend requires it for stages): ${url}/` };
  if (/\/\//.test(path))
    return {
      reason:
        "must not contain an empty path segment ('//'): Databend collapses it, and every refresh would report drift",
    };
  return { scheme, storageType, bucket, path };
}

/**
 * Characters Databend's URL parser (the Rust `url` crate, by the URL standard's rules for a host of a
 * non-special scheme) refuses in a bucket or host: the standard's forbidden host code points.
 */
const FORBIDDEN_IN_BUCKET = ["<", ">", "^", "|", "\\", "[", "]"];

/**
 * Why Databend would refuse (or silently change) the bucket part `bucket` of `url`, naming the rule;
 * undefined when it accepts it as written. Databend parses a stage URL with the URL standard: the
 * bucket is a host with an optional `:port`, and anything else fails CREATE STAGE with a syntax error
 * that echoes the whole statement, credentials included.
 */
function bucketProblem(bucket: string, url: string): string | undefined {
  if (bucket.includes("@"))
    return (
      `bucket '${bucket}' must not contain '@': Databend's URL parser reads what precedes it as user info and ` +
      "drops it (credentials go in `credentials` or a connection)"
    );
  const ipv6 = /^\[[^\]]*\]/.exec(bucket)?.[0];
  const host = ipv6 ?? bucket.replace(/:[^:]*$/, "");
  const port = bucket.slice(host.length);
  if (host === "") return `must name a bucket (or host) before ':'`;
  if (!ipv6) {
    const bad = [...new Set([...host].filter((c) => FORBIDDEN_IN_BUCKET.includes(c) || c === ":"))];
    if (bad.length > 0)
      return (
        `bucket '${bucket}' has ${bad.map((c) => `'${c}'`).join(", ")}, which Databend's URL parser refuses in a ` +
        "bucket or host (the URL standard's forbidden host characters: < > ^ | \\ [ ] and '[' ']' only around an IPv6 address)"
      );
    if (!/^[\x21-\x7e]+$/.test(host))
      return `bucket '${bucket}' must be ASCII: Databend's URL parser percent-encodes other characters, and every refresh would report drift`;
  }
  if (port !== "" && (!/^:(0|[1-9]\d{0,4})$/.test(port) || Number(port.slice(1)) > 65535))
    return (
      `the port after ':' in '${bucket}' must be a number from 0 to 65535 without leading zeros (Databend's URL ` +
      "parser refuses anything else, drops an empty port and strips leading zeros, and every refresh would report drift)"
    );
  try {
    // Node's URL parser follows the same standard as Databend's for these non-special schemes.
    new URL(url);
  } catch {
    return `bucket '${bucket}' is not a host Databend's URL parser accepts (an IPv6 address must be written [::1])`;
  }
  return undefined;
}

/** True when {@link parseStageUrl} failed. */
export function isUrlProblem(u: StageUrl | StageUrlProblem): u is StageUrlProblem {
  return "reason" in u;
}
