import {
  FILE_FORMATS,
  FILE_FORMAT_TYPE_SPECS,
  FormatOptionSpec,
  isFileFormatType,
} from "../storage/fileFormats";
import { StorageParams, StorageType, toSqlPairs } from "../storage/storageSpecs";
import { ident, literal, optionKey, options } from "./quote";

/** A stage's file format: a named file format, or a type with options. */
export type FileFormatInput =
  { formatName: string; formatFingerprint?: string } | ({ type: string } & Record<string, unknown>);

/** Where an external stage's credentials come from. */
export type StageSource =
  | { kind: "connection"; connectionName: string }
  | { kind: "credentials"; storageType: StorageType; params: StorageParams }
  | { kind: "none" };

/** `CONNECTION = (...)` for a stage URL, or empty when there is nothing to say. */
export function renderStageConnection(source: StageSource): string {
  if (source.kind === "connection")
    return ` CONNECTION = (CONNECTION_NAME = ${literal(ident(source.connectionName))})`;
  if (source.kind === "credentials") {
    const pairs = toSqlPairs(source.storageType, source.params);
    return pairs.length ? ` CONNECTION = (${options(pairs)})` : "";
  }
  return "";
}

/**
 * The options of a file format as `CREATE FILE FORMAT` and `FILE_FORMAT = (...)` take them:
 * `TYPE = CSV FIELD_DELIMITER = '|' ...`. Integers and booleans come from validated typed inputs,
 * enum values are keywords from the closed set (or literals where a grammar lacks the keyword),
 * text is quoted, lists are `('a', 'b')`.
 */
export function renderFileFormatOptions(ff: { type: string } & Record<string, unknown>): string {
  const type = String(ff.type);
  if (!isFileFormatType(type)) throw new TypeError(`unknown file format type ${JSON.stringify(type)}`);
  const parts = [`TYPE = ${FILE_FORMAT_TYPE_SPECS[type].sql}`]; // from the table, checked above
  for (const [key, o] of Object.entries(FILE_FORMATS[type])) {
    const v = ff[key];
    if (v === undefined || v === null) continue;
    parts.push(`${optionKey(o.sql)} = ${renderOptionValue(key, o, v)}`);
  }
  return parts.join(" ");
}

function renderOptionValue(key: string, o: FormatOptionSpec, v: unknown): string {
  switch (o.type) {
    case "integer":
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0)
        throw new TypeError(`${key} must be an integer`);
      return String(v);
    case "boolean":
      if (typeof v !== "boolean") throw new TypeError(`${key} must be a boolean`);
      return v ? "TRUE" : "FALSE";
    case "enum":
      if (typeof v !== "string" || !(o.values ?? []).includes(v)) {
        throw new TypeError(`${key} must be one of ${(o.values ?? []).join(", ")}`);
      }
      return o.quoted?.includes(v) ? literal(v) : v; // a keyword from the closed set, checked above
    case "stringList":
      if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
        throw new TypeError(`${key} must be a list of strings`);
      }
      return `(${v.map((x) => literal(x)).join(", ")})`;
    default:
      return literal(String(v));
  }
}

/** `FILE_FORMAT = (...)`: a named file format, or a type with its options. */
export function renderFileFormat(ff: FileFormatInput): string {
  if ("formatName" in ff) return `FILE_FORMAT = (FORMAT_NAME = ${literal(String(ff.formatName))})`;
  return `FILE_FORMAT = (${renderFileFormatOptions(ff)})`;
}

/** `CREATE STAGE name [URL = '...' CONNECTION = (...)] [FILE_FORMAT = (...)]` (COMMENT is set by ALTER). */
export function renderCreateStage(
  name: string,
  spec: { url?: string; source: StageSource; fileFormat?: FileFormatInput },
  opts: { orReplace?: boolean } = {},
): string {
  let sql = `CREATE ${opts.orReplace ? "OR REPLACE " : ""}STAGE ${ident(name)}`;
  if (spec.url !== undefined) sql += ` URL = ${literal(spec.url)}${renderStageConnection(spec.source)}`;
  if (spec.fileFormat) sql += ` ${renderFileFormat(spec.fileFormat)}`;
  return sql;
}

/** `ALTER STAGE name SET URL = '...' CONNECTION = (...)`: re-copies credentials (Databend 1.2.867+). */
export function renderAlterStageUrl(name: string, url: string, source: StageSource): string {
  return `ALTER STAGE ${ident(name)} SET URL = ${literal(url)}${renderStageConnection(source)}`;
}

/** `ALTER STAGE name SET FILE_FORMAT = (...)`, or `UNSET FILE_FORMAT` to go back to the default. */
export function renderAlterStageFileFormat(name: string, ff: FileFormatInput | undefined): string {
  return ff
    ? `ALTER STAGE ${ident(name)} SET ${renderFileFormat(ff)}`
    : `ALTER STAGE ${ident(name)} UNSET FILE_FORMAT`;
}

/** `ALTER STAGE name SET COMMENT = '...'`, or `UNSET COMMENT`. */
export function renderAlterStageComment(name: string, comment: string | undefined): string {
  return comment !== undefined && comment !== ""
    ? `ALTER STAGE ${ident(name)} SET COMMENT = ${literal(comment)}`
    : `ALTER STAGE ${ident(name)} UNSET COMMENT`;
}

/** `DESC STAGE name` (zero rows when the stage does not exist). */
export function renderDescStage(name: string): string {
  return `DESC STAGE ${ident(name)}`;
}

/** `LIST @name`: the files an internal stage holds. */
export function renderListStage(name: string): string {
  return `LIST @${ident(name)}`;
}

/** The sub-folder `verify` lists: nothing lives there, so the probe costs one listing call however many files the stage holds. */
export const VERIFY_PROBE_FOLDER = "_pulumi_databend_verify/";

/**
 * `LIST @name/_pulumi_databend_verify/`: lists an (empty) sub-folder of the stage from Databend, which
 * needs the same credentials, bucket and permission to list as the whole stage, at a constant cost.
 */
export function renderVerifyStage(name: string): string {
  return `LIST @${ident(name)}/${VERIFY_PROBE_FOLDER}`;
}

/** `DROP STAGE IF EXISTS name`. */
export function renderDropStage(name: string): string {
  return `DROP STAGE IF EXISTS ${ident(name)}`;
}

/** `SHOW STAGES`: every stage (from 1.2.870, with the same columns as DESC STAGE). */
export function renderShowStages(): string {
  return "SHOW STAGES";
}

/** Every stage with DESC STAGE's columns on every server (what SHOW STAGES lacks before 1.2.870). */
export function renderSelectStages(): string {
  return "SELECT * FROM system.stages ORDER BY name";
}
