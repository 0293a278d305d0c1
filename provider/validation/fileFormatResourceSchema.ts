import type { CheckFailure } from "../errors/ValidationError";
import { FILE_FORMATS } from "../storage/fileFormats";
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE } from "../sql/quote";
import { ajv } from "./ajv";
import { withNameHint } from "./connectionSchema";
import { printableFailures, toCheckFailures } from "./failures";
import { validateStageInputs } from "./stageSchema";
import { splitUnknowns } from "./unknowns";

/** Inputs of a FileFormat besides its type and options. */
const OWN_INPUTS = ["name", "adopt"] as const;

/**
 * Types a stage accepts inline that `CREATE FILE FORMAT` refuses on every supported server (its
 * grammar on 1.2.453, 1.2.810 and 1.2.895 takes CSV, TSV, NDJSON, PARQUET, JSON and XML only).
 */
export const INLINE_ONLY_FORMAT_TYPES: ReadonlySet<string> = new Set(["ORC", "AVRO"]);

const validateOwn = ajv.compile({
  type: "object",
  properties: {
    name: { type: "string", pattern: IDENTIFIER_PATTERN, description: IDENTIFIER_RULE },
    adopt: { type: "boolean" },
  },
  required: ["name"],
});

/**
 * Validates FileFormat inputs: the name, then the type and options with the very rules a stage's
 * inline `fileFormat` is checked with (one table, one validator), reported under the option's own
 * name (`fieldDelimiter`, not `fileFormat.fieldDelimiter`).
 */
export function validateFileFormatInputs(inputs: Readonly<Record<string, unknown>>): CheckFailure[] {
  const { known, unknown } = splitUnknowns(inputs);
  const failures: CheckFailure[] = [];
  const own: Record<string, unknown> = {};
  const format: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(inputs)) {
    if ((OWN_INPUTS as readonly string[]).includes(k)) own[k] = known[k];
    else if (k !== "fingerprint") format[k] = v;
  }
  if (!validateOwn(Object.fromEntries(Object.entries(own).filter(([, v]) => v !== undefined)))) {
    failures.push(
      ...toCheckFailures(
        validateOwn.errors,
        { notAllowed: () => "is not allowed", missing: () => "is required" },
        unknown,
      ),
    );
  }
  if ("formatName" in format) {
    failures.push({
      property: "formatName",
      reason: "is not a FileFormat input: a FileFormat is the named format; give its type and options",
    });
    delete format.formatName;
  }
  if (typeof format.type === "string" && INLINE_ONLY_FORMAT_TYPES.has(format.type)) {
    failures.push({
      property: "type",
      reason:
        `${format.type} cannot be a named file format (Databend's CREATE FILE FORMAT does not take it); ` +
        "set it inline on the stage instead (`fileFormat: { type: ... }`)",
    });
  } else {
    const stageFailures = validateStageInputs({ name: "file_format_check", fileFormat: format });
    for (const f of stageFailures) {
      const text = f.property === "" ? f.reason : `${f.property} ${f.reason}`;
      const m = /^fileFormat(?:\.(\S+))? (.*)$/s.exec(text);
      failures.push(m ? { property: m[1] ?? "type", reason: m[2] ?? "" } : { property: "", reason: text });
    }
  }
  return printableFailures(withNameHint(failures, known.name), DISPLAYABLE);
}

/** A FileFormat's inputs are never secret: Pulumi may print any of them beside a failure. */
const DISPLAYABLE: ReadonlySet<string> = new Set([
  "name",
  "adopt",
  "type",
  ...Object.values(FILE_FORMATS).flatMap((options) => Object.keys(options)),
]);
