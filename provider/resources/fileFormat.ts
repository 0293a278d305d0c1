import { createHash } from "crypto";
import type { SqlRow, SqlSession } from "../client/sqlSession";
import { isDatabendError } from "../errors/DatabendError";
import { withMoreHint } from "../errors/mapError";
import { ValidationError } from "../errors/ValidationError";
import { adoptRequest, ADOPT_VARIABLE } from "../settings";
import {
  FileFormatOptions,
  renderCreateFileFormat,
  renderDropFileFormat,
  renderFormatOptions,
  renderShowFileFormats,
} from "../sql/fileFormat";
import { FILE_FORMATS, isFileFormatType } from "../storage/fileFormats";
import { formatOptionsFromText } from "../storage/fileFormatText";
import { validateFileFormatInputs } from "../validation/fileFormatResourceSchema";
import { containsUnknown, isUnknown } from "../validation/unknowns";
import { noticePlannedTakeOver, noticeTakenOver, wildcardRefusal } from "./adoption";
import { claimName, keptForSuccessor } from "./claims";
import {
  Props,
  ResourceHandlers,
  STATE_VERSION,
  compact,
  inputsFromOutputs,
  withoutHostKeys,
} from "./handlers";
import { notify } from "./notices";
import { reconcileFileFormat, StageDeps } from "./stage";

/** FileFormat inputs after `check`. */
export interface FileFormatSpec {
  /** The named format's Databend name. */
  name: string;
  /** Its type and options, as a stage's inline `fileFormat` takes them. */
  format: FileFormatOptions;
  /** Take over an existing format of the same name. */
  adopt: boolean;
}

/** What the handlers need besides a SQL session: what a stage needs (the DSN check at preview). */
export type FileFormatDeps = StageDeps;

const HINTS: Record<number, string> = {
  2509: "A file format of this name already exists",
};

/** Parses checked inputs (or prior outputs) into a {@link FileFormatSpec}. */
export function parseFileFormat(props: Props): FileFormatSpec {
  const p = withoutHostKeys(props);
  if (typeof p.name !== "string" || !isFileFormatType(p.type)) {
    throw new ValidationError("FileFormat", [{ property: "type", reason: "is missing or unknown" }]);
  }
  const format: Record<string, unknown> = { type: p.type };
  for (const key of Object.keys(FILE_FORMATS[p.type])) if (p[key] !== undefined) format[key] = p[key];
  return { name: p.name, format: format as FileFormatOptions, adopt: p.adopt === true };
}

/**
 * A short digest of the type and options as sent: it changes when, and only when, the format
 * changes, so a stage that names this format can tell its copy is older (see docs/copy-semantics.md).
 */
export function fileFormatFingerprint(format: FileFormatOptions): string {
  return `ff1:${createHash("sha256").update(renderFormatOptions(format)).digest("hex").slice(0, 16)}`;
}

/** The outputs (state) of a file format: its inputs, with the fingerprint. */
export function fileFormatOutputs(f: FileFormatSpec): Props {
  return compact({
    name: f.name,
    ...f.format,
    adopt: f.adopt ? true : undefined,
    fingerprint: fileFormatFingerprint(f.format),
    stateVersion: STATE_VERSION,
  });
}

/** The row of `name` in SHOW FILE FORMATS, or undefined. */
async function showRow(s: SqlSession, name: string): Promise<SqlRow | undefined> {
  const rows = await s.query(renderShowFileFormats(), { action: `read file format ${name}`, hints: HINTS });
  return rows.find((r) => r.name === name);
}

/**
 * The format as the server has it, in the user's terms: the options `mine` sets, compared with what
 * SHOW FILE FORMATS prints (options it does not print are kept as given); with no `mine` (import),
 * every option of the table the server prints.
 */
export function liveFormat(mine: FileFormatOptions | undefined, text: string): FileFormatOptions | undefined {
  const live = formatOptionsFromText(text);
  if (!live) return undefined;
  if (!mine) {
    const all: Record<string, unknown> = { type: live.type };
    const printedKeys = new Set(Object.keys(live.options));
    for (const [key, spec] of Object.entries(FILE_FORMATS[live.type])) {
      if (printedKeys.has(spec.serverKey ?? spec.sql.toLowerCase())) all[key] = IMPORTED;
    }
    const read = reconcileFileFormat(all as FileFormatOptions, live.options) as Record<string, unknown>;
    const kept = Object.entries(read).filter(([, v]) => v !== IMPORTED && !lostInYaml(v));
    return Object.fromEntries(kept) as FileFormatOptions;
  }
  return reconcileFileFormat(mine, live.options) as FileFormatOptions;
}

/**
 * Values `pulumi import` leaves out of an imported format: Pulumi's YAML code generator writes
 * whitespace-only text (a `\n` record delimiter, a `\t` delimiter) as a block scalar, and `NULL`
 * unquoted, and both read back as other values. Servers' defaults, mostly; the plugin's import notice says so.
 */
function lostInYaml(v: unknown): boolean {
  return typeof v === "string" && ((v !== "" && v.trim() === "") || v === "NULL");
}

/** Placeholder for "read every printed option" in {@link liveFormat}. */
const IMPORTED = "\u0000imported";

function sameFormat(a: FileFormatOptions, b: FileFormatOptions): boolean {
  return renderFormatOptions(a) === renderFormatOptions(b);
}

/**
 * Named file format CRUD. A stage made with `FILE_FORMAT = (FORMAT_NAME = 'f')` copies the format's
 * options at that moment: replacing or dropping the format later does not change the stage.
 */
export function fileFormatHandlers(
  session: () => Promise<SqlSession>,
  deps: FileFormatDeps = {},
): ResourceHandlers {
  async function createOrReplace(f: FileFormatSpec, orReplace: boolean, action: string): Promise<void> {
    const s = await session();
    await s.exec(renderCreateFileFormat(f.name, f.format, { orReplace }), {
      action,
      hints: HINTS,
      idempotent: orReplace,
    });
  }

  async function sameSettings(f: FileFormatSpec): Promise<boolean> {
    try {
      const row = await showRow(await session(), f.name);
      const live = row ? liveFormat(f.format, String(row.format_options ?? "")) : undefined;
      return !!live && sameFormat(live, f.format);
    } catch {
      return false;
    }
  }

  return {
    async check(olds, news) {
      const inputs = withoutHostKeys(news);
      delete inputs.fingerprint;
      const failures = validateFileFormatInputs(inputs);
      const dsnProblem = deps.dsnProblem?.();
      if (dsnProblem) failures.push({ property: "", reason: dsnProblem });
      noticePlannedTakeOver("file format", inputs.name, inputs.adopt === true, olds.name !== undefined);
      return { inputs, failures };
    },

    async diff(_id, olds, news) {
      if (isUnknown(news.name)) return { changes: true };
      if (news.name !== olds.name) return { changes: true, replaces: ["name"], deleteBeforeReplace: false };
      claimName("fileFormat", String(news.name));
      if (containsUnknown(news)) return { changes: true };
      const before = parseFileFormat(olds);
      const after = parseFileFormat(news);
      return {
        changes:
          !sameFormat(before.format, after.format) ||
          before.adopt !== after.adopt ||
          olds.stateVersion !== STATE_VERSION,
      };
    },

    async create(inputs) {
      const f = parseFileFormat(inputs);
      try {
        await createOrReplace(f, false, `create file format ${f.name}`);
      } catch (e) {
        if (!(isDatabendError(e) && e.serverCode === 2509)) throw e;
        const request = adoptRequest(f.name, f.adopt);
        const takeOver = `take it over (its options are replaced by yours) with \`adopt: true\` or \`${ADOPT_VARIABLE}=${f.name} pulumi up\``;
        if (!request) {
          throw withMoreHint(
            e,
            `File format '${f.name}' already exists: ${takeOver}, or choose another name`,
          );
        }
        const proven = request === "wildcard" && (await sameSettings(f));
        const evidence =
          request === "explicit"
            ? "its options were not compared: every option is now this resource's"
            : proven
              ? "its type and every option SHOW FILE FORMATS prints equal this resource's (Databend keeps no marker on a file format)"
              : "its type or options differ from this resource's, or it could not be read";
        if (request === "wildcard" && !proven) {
          throw withMoreHint(e, wildcardRefusal("file format", f.name, evidence, true));
        }
        await createOrReplace(f, true, `adopt file format ${f.name}`);
        noticeTakenOver("file format", f.name, request, { proven, evidence });
      }
      claimName("fileFormat", f.name);
      return { id: f.name, outs: fileFormatOutputs(f) };
    },

    async read(id, props) {
      const s = await session();
      const row = await showRow(s, id);
      if (!row) return { id: "" };
      const state = withoutHostKeys(props);
      const importing = state.type === undefined;
      const mine =
        importing || !isFileFormatType(state.type) ? undefined : parseFileFormat({ ...state, name: id });
      const live = liveFormat(mine?.format, String(row.format_options ?? ""));
      if (!live) {
        // A type this package does not model: keep a marker so the next `up` replaces its options.
        const outs = { name: id, type: "UNKNOWN", stateVersion: STATE_VERSION };
        return { id, props: outs, inputs: inputsFromOutputs(outs, []) };
      }
      const f: FileFormatSpec = { name: id, format: live, adopt: state.adopt === true };
      const outs = fileFormatOutputs(f);
      return { id, props: outs, inputs: inputsFromOutputs(outs, ["fingerprint"]) };
    },

    async update(_id, olds, news) {
      const f = parseFileFormat(news);
      if (!sameFormat(parseFileFormat(olds).format, f.format)) {
        await createOrReplace(f, true, `update file format ${f.name}`);
        notify(
          "info",
          `file format '${f.name}' was replaced: stages created with it keep the options they copied; a Stage ` +
            "of this program that names it is updated to copy the new options (ALTER STAGE, Databend 1.2.867+)",
        );
      }
      claimName("fileFormat", f.name);
      return { outs: fileFormatOutputs(f) };
    },

    async delete(id) {
      if (keptForSuccessor("fileFormat", id, "file format")) return;
      const s = await session();
      await s.exec(renderDropFileFormat(id), {
        action: `delete file format ${id}`,
        hints: HINTS,
        idempotent: true,
      });
    },
  };
}
