/**
 * One DESC STAGE (or SHOW STAGES / `system.stages`) row, read the same way from every server
 * layout:
 * - 1.2.870 and later: 13 columns, with `storage_type`, `url`, `endpoint`, and `storage_params` /
 *   `file_format_options` as JSON (Variant) text;
 * - before 1.2.870: `stage_params` and `file_format_options` as Rust Debug strings, plus
 *   `number_of_files` (and, in the 1.2.453 generation, `copy_options`).
 */
import { debugField, debugVariant, parseRustDebug } from "./rustDebug";

/** A stage as the server describes it, in one shape whatever the layout. */
export interface StageRow {
  /** The stage name. */
  readonly name: string;
  /** `Internal`, `External`, `User` or `LegacyInternal`. */
  readonly stageType: string;
  /** Storage type of an external stage (`s3`, `azblob`, `gcs`, ...). */
  readonly storageType?: string;
  /** An external stage's URL as the server rebuilds it, e.g. `s3://bucket/path/`. */
  readonly url?: string;
  /** The storage endpoint of an external stage. */
  readonly endpoint?: string;
  /** Storage parameters as the server shows them (secrets masked), with `type` (`S3`, ...). */
  readonly storageParams: Readonly<Record<string, unknown>>;
  /** File format options, with `type` (`Csv`, `Parquet`, `Text`, ...); newer layout's key names. */
  readonly fileFormat: Readonly<Record<string, unknown>>;
  /** The comment, when not empty. */
  readonly comment?: string;
  /** Files in an internal stage (older layout only). */
  readonly numberOfFiles?: number;
  /** `columns` for the 13-column layout, `debug` for the older one. */
  readonly layout: "columns" | "debug";
}

/** URL scheme per storage variant of the older layout (`StorageParams::url()`), and the field naming the bucket. */
const STORAGES: Readonly<Record<string, { scheme: string; bucket: string }>> = {
  S3: { scheme: "s3", bucket: "bucket" },
  Gcs: { scheme: "gcs", bucket: "bucket" },
  Azblob: { scheme: "azblob", bucket: "container" },
  Oss: { scheme: "oss", bucket: "bucket" },
  Obs: { scheme: "obs", bucket: "bucket" },
  Cos: { scheme: "cos", bucket: "bucket" },
  Huggingface: { scheme: "hf", bucket: "repo_id" },
};

function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function jsonObject(v: unknown): Record<string, unknown> {
  if (v && typeof v === "object" && !Array.isArray(v)) return v as Record<string, unknown>;
  if (typeof v !== "string" || v === "") return {};
  try {
    const parsed: unknown = JSON.parse(v);
    return parsed && typeof parsed === "object" && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function debugOf(v: unknown): ReturnType<typeof parseRustDebug> | undefined {
  if (typeof v !== "string" || v === "") return undefined;
  try {
    return parseRustDebug(v);
  } catch {
    return undefined;
  }
}

/** `Csv(CsvFileFormatParams { .. })` as `{type: "Csv", ..}`. */
function debugFileFormat(v: unknown): Record<string, unknown> {
  const parsed = debugOf(v);
  const variant = parsed && debugVariant(parsed);
  return variant ? { ...variant[1], type: variant[0] } : {};
}

function fromDebug(
  row: Record<string, unknown>,
  stageType: string,
): Omit<StageRow, "name" | "comment" | "layout"> {
  const parsed = debugOf(row.stage_params);
  const storage = parsed && debugField(parsed, "storage");
  const variant = storage && debugVariant(storage);
  const internal = stageType !== "External";
  const files = Number(row.number_of_files);
  const common = {
    stageType,
    fileFormat: debugFileFormat(row.file_format_options),
    numberOfFiles:
      row.number_of_files === null || row.number_of_files === undefined || !Number.isFinite(files)
        ? undefined
        : files,
  };
  if (!variant || internal) return { ...common, storageParams: {} };
  const [kind, params] = variant;
  const spec = STORAGES[kind];
  const bucket = spec ? text(params[spec.bucket]) : undefined;
  const root = typeof params.root === "string" ? params.root : "/";
  return {
    ...common,
    storageType: spec?.scheme ?? kind.toLowerCase(),
    url: spec && bucket ? `${spec.scheme}://${bucket}${root}` : undefined,
    endpoint: text(params.endpoint_url),
    storageParams: { ...params, type: kind },
  };
}

/** Reads one DESC STAGE row (as `Row.data()` returns it) of any supported server layout. */
export function parseStageRow(row: Record<string, unknown>): StageRow {
  const stageType = String(row.stage_type ?? "");
  const base = { name: String(row.name ?? ""), comment: text(row.comment) };
  if (!("storage_params" in row) && "stage_params" in row) {
    return { ...base, ...fromDebug(row, stageType), layout: "debug" };
  }
  return {
    ...base,
    stageType,
    storageType: text(row.storage_type),
    url: text(row.url),
    endpoint: text(row.endpoint),
    storageParams: jsonObject(row.storage_params),
    fileFormat: jsonObject(row.file_format_options),
    layout: "columns",
  };
}
