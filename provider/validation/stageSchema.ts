import type { ValidateFunction } from "ajv";
import type { CheckFailure } from "../errors/ValidationError";
import { IDENTIFIER_PATTERN, IDENTIFIER_RULE } from "../sql/quote";
import { fileFormatGates } from "../storage/fileFormats";
import { isUrlProblem, parseStageUrl } from "../storage/stageUrl";
import { STORAGE_SPECS, STORAGE_TYPES, StorageType } from "../storage/storageSpecs";
import { ajv } from "./ajv";
import { notAParamOf, paramsSchemaProperties, withNameHint } from "./connectionSchema";
import { printableFailures, toCheckFailures } from "./failures";
import { validateFileFormat } from "./fileFormatSchema";
import { paramValueFailures } from "./paramValues";
import { splitUnknowns } from "./unknowns";
import { InputGate, prefixGates } from "./versionGates";

const identifier = { type: "string", pattern: IDENTIFIER_PATTERN, description: IDENTIFIER_RULE };

/** Top-level shape of Stage inputs; nested credentials and file format are checked per type below. */
export const STAGE_INPUT_SCHEMA = {
  type: "object",
  properties: {
    name: identifier,
    url: { type: "string", minLength: 1 },
    connectionName: identifier,
    connectionStorageType: { enum: STORAGE_TYPES },
    connectionFingerprint: { type: "string" },
    connectionSecretMasks: { type: "object", additionalProperties: { type: "string" } },
    credentials: { type: "object" },
    fileFormat: { type: "object" },
    comment: { type: "string" },
    onConnectionChange: { enum: ["keep", "recreate"] },
    forceDestroy: { type: "boolean" },
    adopt: { type: "boolean" },
    verify: { type: "boolean" },
    verifyTimeoutSeconds: { type: "integer", minimum: 0, maximum: 900 },
  },
  required: ["name"],
  additionalProperties: false,
};

/** Stage inputs as the SDK names them. */
export const PUBLIC_STAGE_INPUTS = [
  "name",
  "url",
  "connection",
  "credentials",
  "fileFormat",
  "comment",
  "onConnectionChange",
  "forceDestroy",
  "adopt",
  "verify",
  "verifyTimeoutSeconds",
];

const validateStage: ValidateFunction = ajv.compile(STAGE_INPUT_SCHEMA);
const credentialValidators = new Map<StorageType, ValidateFunction>();
const validateFormatName = ajv.compile({
  type: "object",
  // formatFingerprint: the named FileFormat's fingerprint, so a change of the format re-copies it.
  properties: { formatName: { type: "string", minLength: 1 }, formatFingerprint: { type: "string" } },
  required: ["formatName"],
  additionalProperties: false,
});

function credentialsValidator(t: StorageType): ValidateFunction {
  let v = credentialValidators.get(t);
  if (!v) {
    const spec = STORAGE_SPECS[t];
    v = ajv.compile({
      type: "object",
      properties: paramsSchemaProperties(spec),
      required: spec.required,
      additionalProperties: false,
      dependentRequired: spec.requires,
    });
    credentialValidators.set(t, v);
  }
  return v;
}

function prefixed(failures: CheckFailure[], prefix: string): CheckFailure[] {
  return failures.map((f) => ({ ...f, property: f.property ? `${prefix}.${f.property}` : prefix }));
}

/**
 * Validates Stage inputs (without `__provider`): shape, URL scheme and trailing `/`, the scheme
 * against the connection's storage type, `connection` xor `credentials`, credentials per storage
 * type and file-format options per type. Unknown values (preview) are skipped.
 */
export function validateStageInputs(inputs: Readonly<Record<string, unknown>>): CheckFailure[] {
  const { known, unknown } = splitUnknowns(inputs);
  const failures: CheckFailure[] = [];
  if (!validateStage(known)) {
    failures.push(
      ...toCheckFailures(
        validateStage.errors,
        {
          notAllowed: () => `is not a Stage input; allowed: ${PUBLIC_STAGE_INPUTS.join(", ")}`,
          missing: () => "is required",
        },
        unknown,
      ),
    );
  }
  const hasConnection = known.connectionName !== undefined || unknown.has("connectionName");
  const hasCredentials =
    known.credentials !== undefined || [...unknown].some((u) => u.startsWith("credentials"));
  if (hasConnection && hasCredentials) {
    failures.push({
      property: "credentials",
      reason: "cannot be given together with connection; use one or the other",
    });
  }
  const urlKnown = typeof known.url === "string";
  if (!urlKnown && !unknown.has("url") && (hasConnection || hasCredentials)) {
    failures.push({
      property: "url",
      reason: "is required when connection or credentials is given (an internal stage has neither)",
    });
  }
  if (urlKnown) {
    const u = parseStageUrl(known.url as string);
    if (isUrlProblem(u)) {
      failures.push({ property: "url", reason: u.reason });
    } else {
      const ct = known.connectionStorageType;
      if (typeof ct === "string" && ct !== u.storageType) {
        failures.push({
          property: "url",
          reason: `has scheme '${u.scheme}' but the connection's storage type is '${ct}'; use a URL that starts with ${STORAGE_SPECS[ct as StorageType]?.scheme ?? ct}://`,
        });
      }
      const creds = known.credentials;
      if (creds && typeof creds === "object") {
        failures.push(...paramValueFailures(u.storageType, creds as Record<string, unknown>, "credentials."));
        const v = credentialsValidator(u.storageType);
        if (!v(creds)) {
          failures.push(
            ...prefixed(
              toCheckFailures(
                v.errors,
                {
                  notAllowed: (p) => notAParamOf(u.storageType, p),
                  missing: () => `is required for storage type '${u.storageType}'`,
                },
                new Set([...unknown].filter((p) => p.startsWith("credentials.")).map((p) => p.slice(12))),
              ),
              "credentials",
            ),
          );
        }
      }
    }
  }
  const ff = known.fileFormat as Record<string, unknown> | undefined;
  if (ff && typeof ff === "object" && ![...unknown].some((u) => u.startsWith("fileFormat"))) {
    if ("formatName" in ff) {
      if (!validateFormatName(ff)) {
        failures.push(
          ...prefixed(
            toCheckFailures(validateFormatName.errors, {
              notAllowed: () =>
                "cannot be combined with formatName (a named file format carries its own options)",
              missing: () => "is required",
            }),
            "fileFormat",
          ),
        );
      }
    } else {
      failures.push(...prefixed(validateFileFormat(ff), "fileFormat"));
    }
  }
  return printableStageFailures(withNameHint(failures, known.name, "stage"));
}

/** Stage failures made safe to print (see printableFailures): only plain top-level inputs keep their property. */
export function printableStageFailures(failures: readonly CheckFailure[]): CheckFailure[] {
  return printableFailures(failures, DISPLAYABLE_INPUTS);
}

/** Stage inputs whose values Pulumi may print beside a failure (plain, top-level, never secret). */
const DISPLAYABLE_INPUTS: ReadonlySet<string> = new Set([
  "name",
  "url",
  "connectionName",
  "comment",
  "onConnectionChange",
  "forceDestroy",
  "adopt",
  "verify",
  "verifyTimeoutSeconds",
]);

/** The first Databend version that stores a stage on `azblob://` (older ones fail with error 2001). */
export const AZBLOB_STAGE_SINCE = "1.2.923";

/**
 * The version gates known Stage inputs hit: the file format's type, options and values, and an
 * `azblob://` URL. Check reads the server version only when one of them is above the oldest
 * supported version.
 */
export function stageVersionGates(inputs: Readonly<Record<string, unknown>>): InputGate[] {
  const gates: InputGate[] = [];
  if (typeof inputs.url === "string" && /^azblob:\/\//i.test(inputs.url)) {
    gates.push({ property: "url", since: AZBLOB_STAGE_SINCE, what: "a stage on azblob://" });
  }
  const ff = inputs.fileFormat;
  if (ff && typeof ff === "object" && !("formatName" in ff)) {
    gates.push(...prefixGates(fileFormatGates(ff as Record<string, unknown>), "fileFormat"));
  }
  return gates;
}
