import type { ValidateFunction } from "ajv";
import type { CheckFailure } from "../errors/ValidationError";
import { GRANT_OBJECTS, GrantObjectKind } from "../sql/grant";
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE } from "../sql/quote";
import { ajv } from "./ajv";
import { printableFailures, toCheckFailures } from "./failures";
import { splitUnknowns } from "./unknowns";

const identifier = { type: "string", pattern: IDENTIFIER_PATTERN, description: IDENTIFIER_RULE };

/** The JSON schema of a grant's inputs on `kind` (`stage` or `connection` names the object). */
export function grantInputSchema(kind: GrantObjectKind): Record<string, unknown> {
  return {
    type: "object",
    properties: {
      [kind]: identifier,
      role: identifier,
      privileges: {
        type: "array",
        minItems: 1,
        uniqueItems: true,
        items: { enum: [...GRANT_OBJECTS[kind].privileges, "ALL"] },
      },
      adopt: { type: "boolean" },
    },
    required: [kind, "role", "privileges"],
    additionalProperties: false,
  };
}

/** The public inputs of a grant on `kind`. */
export function grantInputs(kind: GrantObjectKind): string[] {
  return [kind, "role", "privileges", "adopt"];
}

const validators = new Map<GrantObjectKind, ValidateFunction>();

/** Validates a grant's inputs; unknown values (preview) are skipped. */
export function validateGrantInputs(
  kind: GrantObjectKind,
  inputs: Readonly<Record<string, unknown>>,
): CheckFailure[] {
  let v = validators.get(kind);
  if (!v) {
    v = ajv.compile(grantInputSchema(kind));
    validators.set(kind, v);
  }
  const { known, unknown } = splitUnknowns(inputs);
  if (v(known)) return [];
  const failures = toCheckFailures(
    v.errors,
    {
      notAllowed: () => `is not an input of a ${kind} grant; allowed: ${grantInputs(kind).join(", ")}`,
      missing: () => "is required",
    },
    unknown,
  ).map((f) =>
    f.property.startsWith("privileges")
      ? {
          property: "privileges",
          reason: `${f.reason} (privileges on a ${kind}: ${[...GRANT_OBJECTS[kind].privileges, "ALL"].join(", ")})`,
        }
      : f,
  );
  return printableFailures(failures, new Set([kind, "role", "privileges", "adopt"]));
}

/** The privileges `given` stands for, `ALL` expanded, in the table's order. */
export function expandPrivileges(kind: GrantObjectKind, given: readonly unknown[]): string[] {
  const all = GRANT_OBJECTS[kind].privileges;
  return given.includes("ALL") ? [...all] : all.filter((p) => given.includes(p));
}
