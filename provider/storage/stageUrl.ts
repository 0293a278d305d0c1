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
  if (!path.endsWith("/"))
    return { reason: `path must end with '/' (Databend requires it for stages): ${url}/` };
  if (/\/\//.test(path))
    return {
      reason:
        "must not contain an empty path segment ('//'): Databend collapses it, and every refresh would report drift",
    };
  return { scheme, storageType, bucket, path };
}

/** True when {@link parseStageUrl} failed. */
export function isUrlProblem(u: StageUrl | StageUrlProblem): u is StageUrlProblem {
  return "reason" in u;
}
