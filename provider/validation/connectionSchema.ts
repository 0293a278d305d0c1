import type { ValidateFunction } from "ajv";
import type { CheckFailure } from "../errors/ValidationError";
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE } from "../sql/quote";
import {
  STORAGE_SPECS,
  STORAGE_TYPES,
  StorageSpec,
  StorageType,
  isStorageType,
} from "../storage/storageSpecs";
import { ajv } from "./ajv";
import { printableFailures, suggestIdentifier, toCheckFailures } from "./failures";
import { paramValueFailures } from "./paramValues";
import { splitUnknowns } from "./unknowns";

/** JSON schema of one storage type's parameters (used by Connection and by a Stage's credentials). */
export function paramsSchemaProperties(spec: StorageSpec): Record<string, object> {
  const props: Record<string, object> = {};
  for (const [key, p] of Object.entries(spec.params)) {
    props[key] =
      p.type === "boolean"
        ? { type: "boolean" }
        : p.pattern
          ? { type: "string", minLength: 1, pattern: p.pattern, description: p.patternHint ?? p.pattern }
          : { type: "string", minLength: 1 };
  }
  return props;
}

/** Properties every Connection accepts besides its storage parameters. */
const COMMON = {
  name: { type: "string", pattern: IDENTIFIER_PATTERN, description: IDENTIFIER_RULE },
  adopt: { type: "boolean" },
  fingerprint: { type: "string" },
  secretMasks: { type: "object", additionalProperties: { type: "string" } },
};

function connectionSchema(type: StorageType): object {
  const spec = STORAGE_SPECS[type];
  return {
    type: "object",
    properties: { ...COMMON, storageType: { const: type }, ...paramsSchemaProperties(spec) },
    required: ["name", "storageType", ...spec.required],
    additionalProperties: false,
    dependentRequired: spec.requires,
  };
}

const compiled = new Map<StorageType, ValidateFunction>();

function validatorFor(type: StorageType): ValidateFunction {
  let v = compiled.get(type);
  if (!v) {
    v = ajv.compile(connectionSchema(type));
    compiled.set(type, v);
  }
  return v;
}

/** Storage types whose parameters include `key`. */
export function typesWithParam(key: string): StorageType[] {
  return STORAGE_TYPES.filter((t) => key in STORAGE_SPECS[t].params);
}

/** Message for a parameter that is not one of `type`'s. */
export function notAParamOf(type: StorageType, key: string): string {
  const allowed = Object.keys(STORAGE_SPECS[type].params);
  const owners = typesWithParam(key);
  return (
    `is not a parameter of storage type '${type}'` +
    (owners.length ? ` (it belongs to ${owners.map((o) => `'${o}'`).join(", ")})` : "") +
    `; allowed: ${allowed.length ? allowed.join(", ") : "none"}`
  );
}

/**
 * Why an `hf` connection is refused: every Databend version (1.2.453 to at least 1.2.934) binds a
 * connection as a URI with an empty path, which is never a valid Hugging Face repository, so `CREATE
 * CONNECTION ... STORAGE_TYPE = 'hf'` always fails with error 4000. A stage with inline credentials works.
 */
export const HF_CONNECTION_REASON =
  "cannot be 'hf': every Databend version refuses CREATE CONNECTION with STORAGE_TYPE = 'hf' (error 4000, " +
  '"input uri is not a valid huggingface uri"). Use a Stage with url "hf://<owner>/<repo>/<path>/" and ' +
  "inline credentials ({ repoType, revision, token }) instead";

/**
 * Validates Connection inputs (without `__provider`). Unknown values (preview) are not failures.
 * Returns every failure, each naming the property and what is allowed.
 */
export function validateConnectionInputs(inputs: Readonly<Record<string, unknown>>): CheckFailure[] {
  const { known, unknown } = splitUnknowns(inputs);
  const type = known.storageType;
  if (!isStorageType(type)) {
    if (unknown.has("storageType")) return [];
    return [
      {
        property: "storageType",
        reason: `must be one of ${STORAGE_TYPES.join(", ")}${type === undefined ? " (it is required)" : `, not ${JSON.stringify(type)}`}`,
      },
    ];
  }
  const validate = validatorFor(type);
  const failures = validate(known)
    ? []
    : toCheckFailures(
        validate.errors,
        {
          notAllowed: (p) => notAParamOf(type, p),
          missing: () => `is required for storage type '${type}'`,
        },
        unknown,
      );
  failures.push(...paramValueFailures(type, known));
  if (type === "hf") failures.unshift({ property: "storageType", reason: HF_CONNECTION_REASON });
  return printableFailures(withNameHint(failures, known.name), DISPLAYABLE_INPUTS);
}

/** Inputs whose values Pulumi may print beside a failure: plain, top-level, never secret. */
const DISPLAYABLE_INPUTS: ReadonlySet<string> = new Set([
  "name",
  "storageType",
  "adopt",
  ...STORAGE_TYPES.flatMap((t) =>
    Object.entries(STORAGE_SPECS[t].params)
      .filter(([, p]) => !p.secret)
      .map(([k]) => k),
  ),
]);

/**
 * Explains a rejected `name`: when the user gave none, it is the resource name, and a Pulumi-style
 * resource name (`toronto-conn`) is not a Databend identifier; suggest one that is (a reserved word gets
 * the kind as a suffix: `inner_stage`).
 */
export function withNameHint(
  failures: CheckFailure[],
  name: unknown,
  kind: "connection" | "stage" = "connection",
): CheckFailure[] {
  return failures.map((f) =>
    f.property === "name" && typeof name === "string"
      ? {
          ...f,
          reason:
            `${f.reason}. The Databend name defaults to the resource name when \`name\` is not given; ` +
            `pass a valid one, for example name: "${suggestIdentifier(name, kind)}"`,
        }
      : f,
  );
}
