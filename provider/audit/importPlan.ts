import type { SqlRow } from "../client/sqlSession";
import { readOwnerMarker } from "../resources/ownerMarker";
import { maskedMatches } from "../storage/masking";
import { parseStageRow, StageRow } from "../storage/stageRow";
import { STORAGE_SPECS, StorageType, paramForSqlKey, storageTypeForScheme } from "../storage/storageSpecs";
import { fileFormatTypeFromServer } from "../storage/fileFormats";
import {
  auditCopies,
  isCredentialParam,
  SERVER_DEFAULTS,
  shownConnections,
  StageCopyAudit,
} from "./copyAudit";

/**
 * What `pulumi-databend import` writes, before it is rendered in a language: every connection and
 * stage of the account, each stage linked to the connection its copy matches (the copy audit's
 * `exact` or `probable`), and every value Databend masks as a config key to fill in. Pure: from the rows
 * of one `SHOW CONNECTIONS` and one `SHOW STAGES` (or `system.stages`).
 */

/** One parameter of an imported object: a value read in clear, or a config key to fill in. */
export type ImportedValue =
  { readonly value: string | boolean } | { readonly config: string; readonly secret: boolean };

/** A connection to import. */
export interface ImportedConnection {
  /** Its Databend name (also the resource name). */
  readonly name: string;
  /** Its storage type. */
  readonly storageType: StorageType;
  /** Its parameters by API name. */
  readonly params: Readonly<Record<string, ImportedValue>>;
}

/** A stage to import. */
export interface ImportedStage {
  /** Its Databend name (also the resource name). */
  readonly name: string;
  /** Its URL, for an external stage. */
  readonly url?: string;
  /** The connection it is linked to (the audit's `exact` or `probable` match). */
  readonly connection?: string;
  /** The audit's verdict, for an external stage. */
  readonly audit?: StageCopyAudit;
  /**
   * Its storage parameters as the stage shows them (server defaults left out), when it is linked to no
   * connection: what `credentials` must say for the stage to keep them.
   */
  readonly credentials?: Readonly<Record<string, ImportedValue>>;
  /** The file format type, when not Parquet (the default); its other options are not carried over. */
  readonly fileFormatType?: string;
  /** The user's comment (the owner marker of a stack left out). */
  readonly comment?: string;
}

/** The whole program to write. */
export interface ImportPlan {
  /** Connections, by name. */
  readonly connections: readonly ImportedConnection[];
  /** Stages, by name. */
  readonly stages: readonly ImportedStage[];
}

/** The config key for parameter `param` of object `name`. */
export function configKey(name: string, param: string): string {
  return `${name}_${param}`;
}

const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

function shown(v: unknown): string | boolean | undefined {
  if (typeof v === "boolean") return v;
  if (typeof v === "string" && v !== "") return v;
  return undefined;
}

/** A stage's parameters of `type` as it shows them, by API name (empty values left out). */
function stageValues(type: StorageType, row: StageRow): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (const [sqlKey, raw] of Object.entries(row.storageParams)) {
    const key = paramForSqlKey(type, sqlKey);
    const v = shown(raw);
    if (key && v !== undefined && out[key] === undefined) out[key] = v;
  }
  return out;
}

/** A parameter read from the account: clear when it is no credential and shown in clear, else config. */
function importedValue(
  type: StorageType,
  owner: string,
  key: string,
  clear: string | boolean | undefined,
): ImportedValue {
  const spec = STORAGE_SPECS[type].params[key];
  if (clear !== undefined && !isCredentialParam(type, key)) return { value: clear };
  return { config: configKey(owner, key), secret: spec?.secret === true };
}

/**
 * The import plan of an account. A connection's values are all masked in `SHOW CONNECTIONS`; a
 * location value (endpoint, region, role ARN, ...) is taken in clear from a stage that copies the
 * connection exactly, when one does and its value gives the connection's mask. Everything else
 * (credentials always) becomes a config key.
 */
export function importPlan(connectionRows: readonly SqlRow[], stageRows: readonly SqlRow[]): ImportPlan {
  const audit = auditCopies(connectionRows, stageRows);
  const verdicts = new Map(audit.stages.map((s) => [s.stage, s] as const));
  const rows = stageRows.map((r) => parseStageRow(r));
  const connections = shownConnections(connectionRows)
    .map((c): ImportedConnection => {
      // A stage holding exactly this connection's parameters (alone, or among equal candidates).
      const exact = rows.find((r) => {
        const v = verdicts.get(r.name);
        if (v?.match === "exact") return v.connection === c.name;
        return v?.match === "ambiguous" && !v.stale && v.candidates.includes(c.name);
      });
      const clear = exact ? stageValues(c.type, exact) : {};
      const params: Record<string, ImportedValue> = {};
      for (const [key, masked] of Object.entries(c.params)) {
        const value = clear[key];
        const usable = value !== undefined && maskedMatches(String(value), masked) ? value : undefined;
        params[key] = importedValue(c.type, c.name, key, usable);
      }
      return { name: c.name, storageType: c.type, params };
    })
    .sort(byName);
  const stages = rows
    .map((row): ImportedStage => {
      const comment = readOwnerMarker(row.comment).text;
      const type = fileFormatType(row);
      const base = {
        name: row.name,
        ...(comment ? { comment } : {}),
        ...(type ? { fileFormatType: type } : {}),
      };
      if (row.stageType !== "External") return base;
      const verdict = verdicts.get(row.name);
      const linked = verdict && (verdict.match === "exact" || verdict.match === "probable");
      if (linked)
        return { ...base, url: row.url, audit: verdict, connection: verdict.connection ?? undefined };
      const storage = storageTypeForScheme(row.storageType ?? "");
      const credentials: Record<string, ImportedValue> = {};
      if (storage) {
        const defaults = SERVER_DEFAULTS[storage] ?? {};
        for (const [key, value] of Object.entries(stageValues(storage, row))) {
          if (defaults[key] === String(value) || value === false) continue;
          credentials[key] = importedValue(storage, row.name, key, value);
        }
      }
      return {
        ...base,
        url: row.url,
        audit: verdict,
        ...(Object.keys(credentials).length ? { credentials } : {}),
      };
    })
    .sort(byName);
  return { connections, stages };
}

/** The stage's file format type in the package's spelling (`CSV`), or undefined for Parquet. */
function fileFormatType(row: StageRow): string | undefined {
  const t = fileFormatTypeFromServer(row.fileFormat.type);
  return t === undefined || t === "PARQUET" ? undefined : t;
}
