/**
 * Provider-process settings. They are set by `configure()` from Pulumi config (or by a plugin host)
 * and read at call time, so no credential is ever captured into serialized provider code.
 */

/** Settings a host passes to {@link configure}. */
export interface ProviderSettings {
  /** Databend DSN, e.g. `databend://user:password@host:8000/default?sslmode=disable`. */
  dsn?: string;
  /** AWS region from Pulumi config (`aws:region`). */
  awsRegion?: string;
  /** Seconds to wait for a connection to the Databend endpoint (`databend:connectTimeout`). */
  connectTimeoutSeconds?: number;
  /** Seconds to wait for one response of a statement (`databend:queryTimeout`). */
  queryTimeoutSeconds?: number;
}

/** Default connect timeout: a dead endpoint fails in seconds, not minutes. */
export const DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
/** Default per-response timeout of a statement (DDL answers in milliseconds; LIST of a big stage may not). */
export const DEFAULT_QUERY_TIMEOUT_SECONDS = 60;

let current: ProviderSettings = {};

function positive(n: unknown): number | undefined {
  const v = typeof n === "string" && n.trim() !== "" ? Number(n) : n;
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** Replaces the process-wide settings. Empty strings count as unset. */
export function configure(settings: ProviderSettings): void {
  current = {
    dsn: settings.dsn || undefined,
    awsRegion: settings.awsRegion || undefined,
    connectTimeoutSeconds: positive(settings.connectTimeoutSeconds),
    queryTimeoutSeconds: positive(settings.queryTimeoutSeconds),
  };
}

/** The configured settings. */
export function getSettings(): Readonly<ProviderSettings> {
  return current;
}

/** Where the DSN came from, for messages. */
export type DsnSource = "databend:dsn" | "DATABEND_DSN";

/** The message given when no DSN is configured (at preview, by `check`, and at `up`). */
export const NO_DSN_MESSAGE =
  "no Databend DSN: run `pulumi config set --secret databend:dsn 'databend://user:password@host:8000/default'` " +
  "or set the DATABEND_DSN environment variable";

/** The DSN and where it came from, or undefined when none is configured. */
export function findDsn(): { dsn: string; source: DsnSource } | undefined {
  if (current.dsn) return { dsn: current.dsn, source: "databend:dsn" };
  const env = process.env.DATABEND_DSN;
  return env ? { dsn: env, source: "DATABEND_DSN" } : undefined;
}

/** The DSN from config `databend:dsn`, else `DATABEND_DSN`; throws a clear error when neither is set. */
export function resolveDsn(): string {
  const found = findDsn();
  if (!found) throw new Error(NO_DSN_MESSAGE);
  return found.dsn;
}

/** Timeouts in seconds: config, else the defaults. */
export function resolveTimeouts(): { connect: number; query: number } {
  return {
    connect: current.connectTimeoutSeconds ?? DEFAULT_CONNECT_TIMEOUT_SECONDS,
    query: current.queryTimeoutSeconds ?? DEFAULT_QUERY_TIMEOUT_SECONDS,
  };
}

/** The AWS region from config `aws:region`, else the SDK's own chain (AWS_REGION, profile). */
export function resolveAwsRegion(): string | undefined {
  return current.awsRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}

// True when the comma-separated list in `variable` names `name`, or (where `wildcard` counts) is `*`.
function listedIn(variable: string, name: string, wildcard = true): boolean {
  const raw = process.env[variable];
  if (!raw) return false;
  return raw
    .split(",")
    .map((s) => s.trim())
    .some((s) => (wildcard && s === "*") || s === name);
}

/**
 * Environment variable naming the stages to re-capture in this run (comma-separated Databend names, or
 * `*`): `DATABEND_RECAPTURE=my_s3_stage pulumi up`. One-shot by design: nothing is written to the
 * program or to stack config.
 */
export const RECAPTURE_VARIABLE = "DATABEND_RECAPTURE";

/** True when this run was asked to re-capture stage `name`. */
export function recaptureRequested(name: string): boolean {
  return listedIn(RECAPTURE_VARIABLE, name);
}

/**
 * Environment variable naming objects to take over in this run when they already exist
 * (comma-separated Databend or IAM role names, or `*`): the recovery after an interrupted deployment
 * left objects behind, without editing the program. The same as `adopt: true` for this run.
 */
export const ADOPT_VARIABLE = "DATABEND_ADOPT";

/** True when this run was asked to take over an existing object named `name`. */
export function adoptRequested(name: string): boolean {
  return listedIn(ADOPT_VARIABLE, name);
}

/**
 * How this run was asked to take over an existing object named `name`: `explicit` when the user named
 * it (`adopt: true`, or `DATABEND_ADOPT` lists the name itself), so taking it over is their decision;
 * `wildcard` when only `DATABEND_ADOPT='*'` covers it, so it is taken over only with proof that this
 * stack made it; undefined when not at all.
 */
export function adoptRequest(name: string, flag = false): "explicit" | "wildcard" | undefined {
  if (flag) return "explicit";
  const raw = process.env[ADOPT_VARIABLE];
  if (!raw) return undefined;
  const listed = raw.split(",").map((s) => s.trim());
  if (listed.includes(name)) return "explicit";
  return listed.includes("*") ? "wildcard" : undefined;
}

/**
 * Environment variable naming stages to drop with their files in this run although their state has no
 * `forceDestroy: true` (comma-separated Databend names; no wildcard: each name is a decision to delete
 * files). The way out of a delete that still carries the settings it was planned with, such as the old
 * name of a renamed internal stage: `DATABEND_FORCE_DESTROY=raw pulumi up`.
 */
export const FORCE_DESTROY_VARIABLE = "DATABEND_FORCE_DESTROY";

/** True when this run was asked to drop stage `name` even if it holds files. */
export function forceDestroyRequested(name: string): boolean {
  return listedIn(FORCE_DESTROY_VARIABLE, name, false);
}

/**
 * Environment variable naming stages whose delete in this run keeps them in Databend, files and all,
 * and only removes them from the stack's state (comma-separated Databend names; no wildcard):
 * `DATABEND_KEEP=raw pulumi up`. The other way out of a delete refused because the stage holds files.
 */
export const KEEP_VARIABLE = "DATABEND_KEEP";

/** True when this run was asked to keep stage `name` in Databend when its resource is deleted. */
export function keepRequested(name: string): boolean {
  return listedIn(KEEP_VARIABLE, name, false);
}
