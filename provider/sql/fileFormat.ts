import { ident } from "./quote";
import { FileFormatInput, renderFileFormatOptions } from "./stage";

/** A named file format's type and options, as a stage's inline `fileFormat` takes them. */
export type FileFormatOptions = Exclude<FileFormatInput, { formatName: string }>;

/**
 * `TYPE = CSV OPTION = value ...`: the options exactly as a stage's `FILE_FORMAT = (...)` sends them
 * (the stage's renderer, so a named format and an inline one cannot disagree).
 */
export function renderFormatOptions(ff: FileFormatOptions): string {
  return renderFileFormatOptions(ff);
}

/** `CREATE [OR REPLACE] FILE FORMAT name TYPE = ... options`. */
export function renderCreateFileFormat(
  name: string,
  ff: FileFormatOptions,
  opts: { orReplace?: boolean } = {},
): string {
  return `CREATE ${opts.orReplace ? "OR REPLACE " : ""}FILE FORMAT ${ident(name)} ${renderFormatOptions(ff)}`;
}

/** `DROP FILE FORMAT IF EXISTS name`: deleting what is already gone succeeds. */
export function renderDropFileFormat(name: string): string {
  return `DROP FILE FORMAT IF EXISTS ${ident(name)}`;
}

/** `SHOW FILE FORMATS`: every named file format (`name`, `format_options`). */
export function renderShowFileFormats(): string {
  return "SHOW FILE FORMATS";
}
