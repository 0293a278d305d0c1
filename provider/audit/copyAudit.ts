import type { SqlRow } from "../client/sqlSession";
import { maskedMatches } from "../storage/masking";
import { parseStageRow, StageRow } from "../storage/stageRow";
import { parseStorageParamsDisplay } from "../storage/storageParamsDisplay";
import {
  STORAGE_SPECS,
  StorageType,
  paramForSqlKey,
  sqlKeysOf,
  storageTypeForScheme,
} from "../storage/storageSpecs";

/**
 * The account-wide stale-copy audit: which connection each external stage's copy matches, and whether
 * that copy is stale. A pure function of the rows of one `SHOW CONNECTIONS` and one `SHOW STAGES` (or
 * `system.stages` on servers before 1.2.870), of every layout and both mask generations.
 *
 * Databend does not record which connection a stage copied (it copies the parameters at creation), so
 * the audit compares what each side shows:
 * - a connection shows every value masked (`******123` before 1.2.919, `ab***yz` after);
 * - a stage shows its location parameters (endpoint, region, role ARN, ...) in clear and its
 *   credentials masked with the same mask as the connection's.
 *
 * A parameter is a *credential* when it is a secret of this package's storage table, or an access key
 * ID (which Databend masks in stages too): the parameters a key rotation changes. Every other parameter
 * of the storage type is a *location* parameter. A stage and a connection of the same storage type
 * - *agree on location* when every location parameter is set on both with consistent values (the
 *   stage's clear value masks to the connection's masked one), or on neither (a stage showing a
 *   server default, such as S3's `https://s3.amazonaws.com` endpoint, counts as not set, and a region
 *   the server derived from an AWS endpoint is not compared when the connection sets none);
 * - *agree on credentials* when every credential parameter is set on both with the same masked value,
 *   or on neither.
 *
 * The output never holds a secret, a mask or a digest of one: only names, URLs and parameter names.
 */

/** How a stage's copy relates to the connections of the account. */
export type CopyMatch = "exact" | "probable" | "ambiguous" | "none";

/** The audit of one external stage. */
export interface StageCopyAudit {
  /** The stage's name. */
  readonly stage: string;
  /** The stage's URL as the server shows it (`s3://bucket/path/`). */
  readonly url: string;
  /** The one connection the copy matches (`exact` or `probable`), else null. */
  readonly connection: string | null;
  /**
   * - `exact`: exactly one connection agrees with the stage on location and on credentials (several
   *   connections may agree on location, but only this one on credentials too);
   * - `probable`: no connection agrees on credentials, and exactly one agrees on location: the stage
   *   most likely copied it before its credentials changed (or was created with other inline
   *   credentials for the same location);
   * - `ambiguous`: several connections agree on location and credentials (or, none agreeing on
   *   credentials, several agree on location): `candidates` names them, `connection` is null;
   * - `none`: no connection of the stage's storage type agrees on location.
   */
  readonly match: CopyMatch;
  /**
   * True when the copy is stale: the stage agrees on location with a connection (`probable`, or
   * `ambiguous` among location-only candidates) but holds other credentials than that connection
   * holds now. Such a stage still uses the old credentials: revoking them breaks it.
   */
  readonly stale: boolean;
  /** The credential parameters (API names, e.g. `secretAccessKey`) that differ when `stale`, sorted. */
  readonly differs: readonly string[];
  /** The connections an `ambiguous` match could be, sorted; empty for the other matches. */
  readonly candidates: readonly string[];
}

/** The result of the audit: every external stage, by name. */
export interface CopyAudit {
  /** Every external stage of the account, sorted by name. */
  readonly stages: readonly StageCopyAudit[];
}

/** Values a stage shows when the connection did not set the parameter (server defaults), by API name. */
export const SERVER_DEFAULTS: Partial<Record<StorageType, Readonly<Record<string, string>>>> = {
  s3: { endpointUrl: "https://s3.amazonaws.com", enableVirtualHostStyle: "false" },
  gcs: { endpointUrl: "https://storage.googleapis.com" },
  hf: { repoType: "dataset", revision: "main" },
  webhdfs: { https: "true", disableListBatch: "false" },
};

/**
 * Parameters a stage may show although its connection did not set them, because the server derived
 * them (S3's region, from an AWS endpoint): left out of the comparison when the connection has none.
 */
const DERIVED_BY_SERVER: Partial<Record<StorageType, ReadonlySet<string>>> = {
  s3: new Set(["region"]),
};

/** Parameters Databend masks in stage rows although this package does not treat them as secret. */
const MASKED_IN_STAGES: ReadonlySet<string> = new Set(["accessKeyId"]);

/** True when `key` (an API name of `type`) is a credential: what a key rotation changes. */
export function isCredentialParam(type: StorageType, key: string): boolean {
  const spec = STORAGE_SPECS[type].params[key];
  return spec !== undefined && (spec.secret || MASKED_IN_STAGES.has(key));
}

/** A connection as `SHOW CONNECTIONS` shows it: masked values by API name. */
interface ShownConnection {
  readonly name: string;
  readonly type: StorageType;
  readonly params: Readonly<Record<string, string>>;
}

function shownValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = typeof v === "string" ? v : typeof v === "boolean" || typeof v === "number" ? String(v) : "";
  return s === "" ? undefined : s;
}

/** The connections of one `SHOW CONNECTIONS`, of storage types this package knows. */
export function shownConnections(rows: readonly SqlRow[]): ShownConnection[] {
  const out: ShownConnection[] = [];
  for (const row of rows) {
    const type = String(row.storage_type ?? "").toLowerCase();
    const known = storageTypeForScheme(type);
    if (!known || known !== type) continue;
    const params: Record<string, string> = {};
    const display = parseStorageParamsDisplay(String(row.storage_params ?? ""), sqlKeysOf(known));
    for (const [sqlKey, masked] of Object.entries(display)) {
      const key = paramForSqlKey(known, sqlKey);
      if (key && masked !== "") params[key] = masked;
    }
    out.push({ name: String(row.name ?? ""), type: known, params });
  }
  return out;
}

/** A stage's parameters by API name, as shown (server defaults dropped). */
function stageParams(type: StorageType, row: StageRow): Record<string, string> {
  const out: Record<string, string> = {};
  const defaults = SERVER_DEFAULTS[type] ?? {};
  for (const [sqlKey, raw] of Object.entries(row.storageParams)) {
    const key = paramForSqlKey(type, sqlKey);
    const v = shownValue(raw);
    if (!key || v === undefined || out[key] !== undefined) continue;
    out[key] = v;
  }
  for (const [key, d] of Object.entries(defaults)) if (out[key] === d) delete out[key];
  return out;
}

/** How one connection compares with one stage: undefined when they disagree on location. */
function compare(
  type: StorageType,
  conn: ShownConnection,
  stage: Record<string, string>,
): string[] | undefined {
  const defaults = SERVER_DEFAULTS[type] ?? {};
  const differs: string[] = [];
  for (const key of Object.keys(STORAGE_SPECS[type].params)) {
    const masked = conn.params[key];
    if (masked === undefined && DERIVED_BY_SERVER[type]?.has(key)) continue;
    const shown = stage[key] ?? (masked === undefined ? undefined : defaults[key]);
    const same =
      masked === undefined || shown === undefined ? masked === shown : maskedMatches(shown, masked);
    if (same) continue;
    if (!isCredentialParam(type, key)) return undefined;
    differs.push(key);
  }
  return differs;
}

/** Audits one stage against every connection. */
function auditStage(row: StageRow, connections: readonly ShownConnection[]): StageCopyAudit {
  const base = { stage: row.name, url: row.url ?? "" };
  const none: StageCopyAudit = {
    ...base,
    connection: null,
    match: "none",
    stale: false,
    differs: [],
    candidates: [],
  };
  const type = storageTypeForScheme(row.storageType ?? String(row.storageParams.type ?? ""));
  if (!type) return none;
  const params = stageParams(type, row);
  const exact: string[] = [];
  const probable: { name: string; differs: string[] }[] = [];
  for (const c of connections) {
    if (c.type !== type) continue;
    const differs = compare(type, c, params);
    if (!differs) continue;
    if (differs.length === 0) exact.push(c.name);
    else probable.push({ name: c.name, differs });
  }
  exact.sort();
  probable.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (exact.length === 1) return { ...none, connection: exact[0] as string, match: "exact" };
  if (exact.length > 1) return { ...none, match: "ambiguous", candidates: exact };
  const only = probable[0];
  if (probable.length === 1 && only)
    return {
      ...none,
      connection: only.name,
      match: "probable",
      stale: true,
      differs: [...only.differs].sort(),
    };
  if (probable.length > 1) {
    const differs = [...new Set(probable.flatMap((p) => p.differs))].sort();
    return { ...none, match: "ambiguous", stale: true, differs, candidates: probable.map((p) => p.name) };
  }
  return none;
}

/**
 * Audits every external stage of `stageRows` (one `SHOW STAGES` or `SELECT * FROM system.stages`)
 * against every connection of `connectionRows` (one `SHOW CONNECTIONS`). Internal and user stages are
 * left out.
 */
export function auditCopies(connectionRows: readonly SqlRow[], stageRows: readonly SqlRow[]): CopyAudit {
  const connections = shownConnections(connectionRows);
  const stages = stageRows
    .map((r) => parseStageRow(r))
    .filter((s) => s.stageType === "External")
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((s) => auditStage(s, connections));
  return { stages };
}

/** The stages whose copy is stale. */
export function staleStages(audit: CopyAudit): StageCopyAudit[] {
  return audit.stages.filter((s) => s.stale);
}
