import type { ErrorObject } from "ajv";
import type { CheckFailure } from "../errors/ValidationError";
import { isReservedWord } from "../sql/reservedWords";

/** Per-schema wording used when turning ajv errors into messages. */
export interface FailureWording {
  /** Message for a property that is not allowed here (`additionalProperties`). */
  notAllowed(property: string, parent: string): string;
  /** Message for a missing required property. */
  missing(property: string, parent: string): string;
}

function jsonPointerToPath(pointer: string): string {
  return pointer
    .split("/")
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .join(".");
}

function join(parent: string, child: string): string {
  return parent ? `${parent}.${child}` : child;
}

/**
 * Turns ajv errors into check failures that name the property and say what is allowed. Branches on
 * `keyword` and `params`, never on ajv's message text. Failures about `unknownPaths` are dropped.
 */
export function toCheckFailures(
  errors: readonly ErrorObject[] | null | undefined,
  wording: FailureWording,
  unknownPaths: ReadonlySet<string> = new Set(),
): CheckFailure[] {
  const out: CheckFailure[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const at = jsonPointerToPath(e.instancePath);
    let f: CheckFailure;
    switch (e.keyword) {
      case "additionalProperties": {
        const p = String((e.params as { additionalProperty: string }).additionalProperty);
        f = { property: join(at, p), reason: wording.notAllowed(p, at) };
        break;
      }
      case "required": {
        const p = String((e.params as { missingProperty: string }).missingProperty);
        f = { property: join(at, p), reason: wording.missing(p, at) };
        break;
      }
      case "dependentRequired": {
        const { property, missingProperty } = e.params as { property: string; missingProperty: string };
        f = { property: join(at, missingProperty), reason: `is required when ${property} is given` };
        break;
      }
      case "minLength":
        f = { property: at, reason: "must not be empty" };
        break;
      case "enum":
        f = {
          property: at,
          reason: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(", ")}`,
        };
        break;
      case "const":
        f = {
          property: at,
          reason: `must be ${String((e.params as { allowedValue: unknown }).allowedValue)}`,
        };
        break;
      case "type":
        f = { property: at, reason: `must be a ${String((e.params as { type: string }).type)}` };
        break;
      case "pattern":
      case "errorMessage":
      default: {
        const hint = (e.parentSchema as { description?: string } | undefined)?.description;
        f = { property: at, reason: hint ? `must be ${hint}` : (e.message ?? "is invalid") };
      }
    }
    if ([...unknownPaths].some((u) => f.property === u || f.property.startsWith(u + "."))) continue;
    const key = `${f.property}\u0000${f.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f);
    }
  }
  return out;
}

/**
 * Makes failures safe to print. Pulumi prints a failure as "property P value {V} has a problem", with
 * V the input's value: fine for a plain, known input, but a leak for a secret or a mistyped key (whose
 * value may be a secret), and noise (`{<nil>}`) for a nested path. Every other failure is reported on
 * the resource instead, with the property named in the reason.
 */
export function printableFailures(
  failures: readonly CheckFailure[],
  displayable: ReadonlySet<string>,
): CheckFailure[] {
  return failures.map((f) =>
    f.property === "" || displayable.has(f.property)
      ? f
      : { property: "", reason: `${f.property} ${f.reason}` },
  );
}

/**
 * A plain identifier close to `name` (lower case, `_` for anything else), for "did you mean" hints.
 * A reserved word gets the object kind as a suffix (`inner` becomes `inner_stage`), never itself back.
 */
export function suggestIdentifier(name: string, kind = "object"): string {
  let s = name.toLowerCase().replace(/[^a-z0-9_]/g, "_");
  if (!/^[a-z_]/.test(s)) s = `_${s}`;
  s = s.slice(0, 255);
  return isReservedWord(s) ? `${s}_${kind}` : s;
}
