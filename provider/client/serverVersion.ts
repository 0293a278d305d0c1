import { DatabendError } from "../errors/DatabendError";
import { debugLog } from "../debugLog";

/**
 * The oldest Databend server this provider supports: the oldest engine it is proven against end to
 * end (PyPI `databend` 1.2.453, the oldest one published), which has CREATE CONNECTION and stages
 * that take a connection's parameters (`CONNECTION = (CONNECTION_NAME = ...)`).
 */
export const MIN_SERVER_VERSION = "1.2.453";

/** Extracts `1.2.895` from version strings such as `v1.2.895-nightly-abc(rust-1.85...)`; `0.0.0` when none. */
export function parseServerVersion(text: string): string {
  const m = /(\d+)\.(\d+)\.(\d+)/.exec(text);
  return m ? `${m[1]}.${m[2]}.${m[3]}` : "0.0.0";
}

/** True when `version` is at least `min` (both `x.y.z`). */
export function versionAtLeast(version: string, min: string): boolean {
  const a = version.split(".").map(Number);
  const b = min.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  }
  return true;
}

/**
 * Reads the server's `SELECT version()` text (once per provider process: the session caches it),
 * reports it in the host's debug log (`pulumi up --debug`), and refuses a server older than
 * {@link MIN_SERVER_VERSION}. Returns the `x.y.z` version.
 */
export function acceptServerVersion(text: string): string {
  const version = parseServerVersion(text);
  debugLog(`pulumi-databend: Databend server version ${version} (${text || "unknown"})`);
  if (!versionAtLeast(version, MIN_SERVER_VERSION)) {
    throw new DatabendError(
      `connect to Databend: the server is version ${version} (${text || "no version reported"}), older than ` +
        `${MIN_SERVER_VERSION}, the oldest version this provider supports (it needs CREATE CONNECTION and stages ` +
        "that use a connection); upgrade the server",
      { code: "InvalidInput", retryable: false },
    );
  }
  return version;
}
