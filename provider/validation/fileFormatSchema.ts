import type { ValidateFunction } from "ajv";
import type { CheckFailure } from "../errors/ValidationError";
import {
  FILE_FORMATS,
  FILE_FORMAT_TYPES,
  FileFormatType,
  FormatOptionSpec,
  fileFormatGates,
  fileFormatValueProblems,
  isFileFormatType,
} from "../storage/fileFormats";
import { ajv } from "./ajv";
import { toCheckFailures } from "./failures";
import { versionGateFailures } from "./versionGates";

/** The JSON schema of one option (types and closed sets; value rules are checked in code). */
export function formatOptionSchema(o: FormatOptionSpec): Record<string, unknown> {
  switch (o.type) {
    case "integer":
      // Larger numbers are not exact in JavaScript and, past u64, fail Databend's parser (1005).
      return { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER };
    case "boolean":
      return { type: "boolean" };
    case "enum":
      return { enum: o.values };
    case "stringList":
      return { type: "array", items: { type: "string" } };
    default:
      return { type: "string" };
  }
}

/** The JSON schema of a file format of type `t`: `type` plus that type's options, nothing else. */
export function fileFormatSchema(t: FileFormatType): Record<string, unknown> {
  const props: Record<string, unknown> = { type: { const: t } };
  for (const [key, o] of Object.entries(FILE_FORMATS[t])) props[key] = formatOptionSchema(o);
  return { type: "object", properties: props, required: ["type"], additionalProperties: false };
}

const validators = new Map<FileFormatType, ValidateFunction>();

function validatorFor(t: FileFormatType): ValidateFunction {
  let v = validators.get(t);
  if (!v) {
    v = ajv.compile(fileFormatSchema(t));
    validators.set(t, v);
  }
  return v;
}

/**
 * Validates a file format object (`{ type, ...options }`, not `formatName`): the type, each option's
 * JSON type and closed set (ajv), the value domains Databend checks (QUOTE, ESCAPE, NAN_DISPLAY,
 * delimiters, ...) and, when `serverVersion` is given, the version gates: an option that server does
 * not take is refused naming the first version that does. Properties in the failures are relative to
 * the format (`type`, `fieldDelimiter`); prefix them where the format is nested.
 */
export function validateFileFormat(
  ff: Readonly<Record<string, unknown>>,
  serverVersion?: string,
): CheckFailure[] {
  if (!isFileFormatType(ff.type)) {
    return [{ property: "type", reason: `must be one of ${FILE_FORMAT_TYPES.join(", ")}` }];
  }
  const t = ff.type;
  const v = validatorFor(t);
  if (!v(ff)) {
    return toCheckFailures(v.errors, {
      notAllowed: () =>
        `is not an option of file format ${t}; allowed: ${Object.keys(FILE_FORMATS[t]).join(", ") || "none"}`,
      missing: () => "is required",
    });
  }
  const failures: CheckFailure[] = fileFormatValueProblems(ff);
  if (serverVersion !== undefined) failures.push(...versionGateFailures(fileFormatGates(ff), serverVersion));
  return failures;
}
