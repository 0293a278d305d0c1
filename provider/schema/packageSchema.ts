/**
 * The Pulumi package schema of the `databend` provider plugin, generated from the tables the
 * provider validates with (storage specs, file formats, the ajv input schemas) and from the SDK's
 * TSDoc (`sdkDocs.json`, extracted from `sdk/` and checked by a unit test). Nothing here is written
 * twice by hand: a new storage parameter, file-format option or input appears in the schema by
 * itself. Pure data; no Pulumi runtime code.
 */
import { FILE_FORMATS, FILE_FORMAT_TYPES, FILE_FORMAT_TYPE_SPECS } from "../storage/fileFormats";
import { STORAGE_SPECS, STORAGE_TYPES } from "../storage/storageSpecs";
import {
  STAGE_ACCESS_ROLE_INPUTS,
  STAGE_ACCESS_ROLE_INPUT_SCHEMA,
} from "../validation/stageAccessRoleSchema";
import { PUBLIC_STAGE_INPUTS, STAGE_INPUT_SCHEMA } from "../validation/stageSchema";
import { GRANT_OBJECTS, GrantObjectKind } from "../sql/grant";
import { INLINE_ONLY_FORMAT_TYPES } from "../validation/fileFormatResourceSchema";
import sdkDocs from "./sdkDocs.json";

/** A property in the Pulumi package schema. */
export interface SchemaProperty {
  /** Primitive type (`string`, `boolean`, `integer`, `number`, `object`, `array`). */
  type?: string;
  /** A reference to a type, a resource or `pulumi.json#/Any`. */
  $ref?: string;
  /** Element type of a map (`type: object`). */
  additionalProperties?: SchemaProperty;
  /** Element type of an array (`type: array`). */
  items?: SchemaProperty;
  /** Whether the value is a secret. */
  secret?: boolean;
  /** Markdown description. */
  description?: string;
}

/** An object type (resource, function inputs/outputs, named type). */
export interface SchemaObject {
  /** Markdown description. */
  description?: string;
  /** Always `object` for named types. */
  type?: "object";
  /** Properties by name. */
  properties: Record<string, SchemaProperty>;
  /** Properties that are always present (outputs) or must be given (inputs). */
  required?: string[];
}

/** A resource in the schema. */
export interface SchemaResource extends SchemaObject {
  /** Inputs by name. */
  inputProperties: Record<string, SchemaProperty>;
  /** Inputs that must be given. */
  requiredInputs?: string[];
}

/** A function (invoke) in the schema. */
export interface SchemaFunction {
  /** Markdown description. */
  description: string;
  /** Its arguments. */
  inputs: SchemaObject;
  /** Its result. */
  outputs: SchemaObject;
}

/** The package schema (the subset of Pulumi's package schema this provider uses). */
export interface PackageSchema {
  /** Package name: `databend`. */
  name: string;
  /** Package version (the npm package's). */
  version: string;
  /** Human-readable name. */
  displayName: string;
  /** One-line description. */
  description: string;
  /** Provider configuration (`databend:dsn`). */
  config: { variables: Record<string, SchemaProperty> };
  /** The provider resource's inputs (same as config). */
  provider: SchemaResource;
  /** Resources by token. */
  resources: Record<string, SchemaResource>;
  /** Functions by token. */
  functions: Record<string, SchemaFunction>;
  /** Named object types by token. */
  types: Record<string, SchemaObject>;
}

/** Type tokens of the package. YAML programs may omit the `index` module (`databend:Connection`). */
export const TOKENS = {
  connection: "databend:index:Connection",
  stage: "databend:index:Stage",
  stageAccessRole: "databend:aws:StageAccessRole",
  getTrustPolicy: "databend:aws:getTrustPolicy",
  getBucketAccessPolicy: "databend:aws:getBucketAccessPolicy",
  getCopyAudit: "databend:index:getCopyAudit",
  stageCopyAudit: "databend:index:StageCopyAudit",
  capturedConnection: "databend:index:CapturedConnection",
  fileFormat: "databend:index:FileFormat",
  stageGrant: "databend:index:StageGrant",
  connectionGrant: "databend:index:ConnectionGrant",
} as const;

/** Provider settings (`databend:<key>`), from the TSDoc of the provider's `ProviderSettings`. */
function configVariables(): Record<string, SchemaProperty> {
  return {
    dsn: {
      type: "string",
      secret: true,
      description: `${doc("ProviderSettings", "dsn")} When unset, the \`DATABEND_DSN\` environment variable is used.`,
    },
    connectTimeout: { type: "integer", description: doc("ProviderSettings", "connectTimeoutSeconds") },
    queryTimeout: { type: "integer", description: doc("ProviderSettings", "queryTimeoutSeconds") },
  };
}

type Docs = Record<string, { description: string; properties: Record<string, string> }>;
const DOCS: Docs = sdkDocs;

function doc(decl: string, prop?: string): string {
  const d = DOCS[decl];
  if (!d) return "";
  return prop === undefined ? d.description : (d.properties[prop] ?? "");
}

/** The SDK interface holding one storage type's Connection arguments (`S3ConnectionArgs`). */
export function connectionArgsDecl(type: string): string {
  return `${type.charAt(0).toUpperCase()}${type.slice(1)}ConnectionArgs`;
}

const ANY_MAP: SchemaProperty = { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } };

/** Storage parameters across every storage type, typed and described per type. */
export function storageParamProperties(): Record<string, SchemaProperty> {
  const out: Record<string, SchemaProperty> = {};
  const texts = new Map<string, Map<string, string[]>>();
  for (const t of STORAGE_TYPES) {
    for (const [key, p] of Object.entries(STORAGE_SPECS[t].params)) {
      const prev = out[key];
      out[key] = { type: p.type, ...(p.secret || prev?.secret ? { secret: true } : {}) };
      const text = doc(connectionArgsDecl(t), key) || p.doc;
      const byText = texts.get(key) ?? new Map<string, string[]>();
      byText.set(text, [...(byText.get(text) ?? []), t]);
      texts.set(key, byText);
    }
  }
  for (const [key, byText] of texts) {
    const parts = [...byText].map(([text, types]) => `${types.map((t) => `\`${t}\``).join(", ")}: ${text}`);
    (out[key] as SchemaProperty).description = parts.join("\n\n");
  }
  return out;
}

/** Markdown list of the storage types and their parameters. */
function storageTypesDoc(): string {
  return STORAGE_TYPES.map((t) => {
    const params = Object.keys(STORAGE_SPECS[t].params);
    return `- \`${t}\`: ${doc(connectionArgsDecl(t))} Parameters: ${params.length ? params.map((p) => `\`${p}\``).join(", ") : "none"}.`;
  }).join("\n");
}

/** Markdown list of the file formats and their options, with the Databend version each needs. */
function fileFormatsDoc(): string {
  const plus = (since: string | undefined) => (since ? ` (${since}+)` : "");
  const lines = FILE_FORMAT_TYPES.map((t) => {
    const opts = Object.entries(FILE_FORMATS[t]).map(([k, o]) => `\`${k}\`${plus(o.since)}`);
    const since = FILE_FORMAT_TYPE_SPECS[t].since;
    return `- \`type: ${t}\`${since ? ` (Databend ${since} or later)` : ""}${opts.length ? `, options ${opts.join(", ")}` : ""}`;
  });
  return [
    ...lines,
    "- or `formatName` alone: a named file format",
    "",
    "Preview refuses an option the server is too old for, naming the version that first accepts it (docs/coverage.md).",
  ].join("\n");
}

function connectionResource(): SchemaResource {
  const params = storageParamProperties();
  const common = {
    name: { type: "string", description: doc("ConnectionArgsBase", "name") },
    storageType: {
      type: "string",
      description: `One of ${STORAGE_TYPES.map((t) => `\`${t}\``).join(", ")}; it decides which parameters apply.`,
    },
  };
  return {
    description: `${doc("Connection")}\n\nStorage types:\n${storageTypesDoc()}`,
    inputProperties: {
      ...common,
      ...params,
      adopt: { type: "boolean", description: doc("ConnectionArgsBase", "adopt") },
    },
    requiredInputs: ["storageType"],
    properties: {
      ...common,
      ...params,
      adopt: { type: "boolean", description: doc("ConnectionArgsBase", "adopt") },
      fingerprint: { type: "string", description: doc("Connection", "fingerprint") },
      staleCopies: {
        type: "array",
        items: { type: "string" },
        description: doc("Connection", "staleCopies"),
      },
      secretMasks: SECRET_MASKS_PROPERTY,
    },
    required: ["name", "storageType", "fingerprint"],
  };
}

/** Pulumi schema property for an ajv property schema (types only; constraints stay in `check`). */
export function fromJsonSchema(s: Readonly<Record<string, unknown>>): SchemaProperty {
  if (Array.isArray(s.enum)) return { type: "string" };
  switch (s.type) {
    case "boolean":
    case "integer":
    case "number":
    case "string":
      return { type: s.type };
    case "object": {
      const ap = s.additionalProperties;
      return ap && typeof ap === "object"
        ? { type: "object", additionalProperties: fromJsonSchema(ap as Record<string, unknown>) }
        : { ...ANY_MAP };
    }
    default:
      return { $ref: "pulumi.json#/Any" };
  }
}

/** The `secretMasks` output of a Connection and a Stage (see provider/secrets/secretDrift.ts). */
const SECRET_MASKS_PROPERTY: SchemaProperty = {
  type: "object",
  additionalProperties: { type: "string" },
  description:
    "One salted digest of Databend's masked form per secret parameter (never a secret or a mask in " +
    "clear): refresh recognises the secret by it, and a parameter changed outside Pulumi reads " +
    "`(changed outside Pulumi)` until the next `up`.",
};

function stageResource(): SchemaResource {
  const ajvProps = STAGE_INPUT_SCHEMA.properties as Record<string, Record<string, unknown>>;
  const inputs: Record<string, SchemaProperty> = {};
  for (const key of PUBLIC_STAGE_INPUTS) {
    if (key === "connection") {
      inputs.connection = {
        $ref: `#/resources/${TOKENS.connection}`,
        description: doc("StageArgs", "connection"),
      };
      continue;
    }
    const schema = ajvProps[key];
    if (!schema) throw new Error(`stage input ${key} is not in the validation schema`);
    inputs[key] = { ...fromJsonSchema(schema), description: doc("StageArgs", key) };
  }
  inputs.connectionName = {
    ...fromJsonSchema(ajvProps.connectionName ?? {}),
    description:
      "The connection's name, instead of `connection` (for a connection managed elsewhere, or " +
      "`${conn.name}`). With `connection` or a connection of this program, the stage knows when the " +
      "connection changed since it copied it.",
  };
  (inputs.credentials as SchemaProperty).secret = true;
  (inputs.credentials as SchemaProperty).description +=
    `\n\nThe parameters of the URL's storage type:\n${storageTypesDoc()}`;
  (inputs.fileFormat as SchemaProperty).description += `\n\nOne of:\n${fileFormatsDoc()}`;
  const outputs: Record<string, SchemaProperty> = { ...inputs };
  delete outputs.connection;
  delete outputs.credentials; // never an output: its fingerprint is
  outputs.credentialsFingerprint = {
    type: "string",
    description: "A salted digest of `credentials`, which changes when, and only when, they change.",
  };
  for (const key of ["connectionStorageType", "connectionFingerprint"]) {
    outputs[key] = {
      ...fromJsonSchema(ajvProps[key] ?? {}),
      description: `The connection's ${key === "connectionStorageType" ? "storage type" : "fingerprint"} as this deployment saw it.`,
    };
  }
  outputs.stageType = { type: "string", description: doc("Stage", "stageType") };
  outputs.secretMasks = SECRET_MASKS_PROPERTY;
  outputs.readable = { type: "boolean", description: doc("Stage", "readable") };
  outputs.verifiedAt = { type: "string", description: doc("Stage", "verifiedAt") };
  outputs.accessProblem = { type: "string", description: doc("Stage", "accessProblem") };
  outputs.capturedConnection = {
    $ref: `#/types/${TOKENS.capturedConnection}`,
    description: doc("Stage", "capturedConnection"),
  };
  return {
    description: doc("Stage"),
    inputProperties: inputs,
    properties: outputs,
    required: ["name", "stageType", "onConnectionChange", "forceDestroy", "adopt"],
  };
}

/** The SDK interface holding one file format type's options (`CsvFileFormat`). */
function formatDecl(type: string): string {
  return `${type.charAt(0)}${type.slice(1).toLowerCase()}FileFormat`;
}

/** FileFormat: a name, a type, and the options of every type (check() says which type takes which). */
function fileFormatResource(): SchemaResource {
  const options: Record<string, SchemaProperty> = {};
  for (const t of FILE_FORMAT_TYPES) {
    if (INLINE_ONLY_FORMAT_TYPES.has(t)) continue;
    for (const [key, o] of Object.entries(FILE_FORMATS[t])) {
      const types = FILE_FORMAT_TYPES.filter(
        (x) => !INLINE_ONLY_FORMAT_TYPES.has(x) && key in FILE_FORMATS[x],
      );
      const text = doc(formatDecl(t), key) || `The \`${o.sql}\` option.`;
      options[key] ??= {
        type: o.type === "integer" ? "integer" : o.type === "boolean" ? "boolean" : "string",
        description: `${text} Types: ${types.join(", ")}.`,
      };
    }
  }
  const inputs: Record<string, SchemaProperty> = {
    name: { type: "string", description: doc("FileFormatArgsBase", "name") },
    type: {
      type: "string",
      description: `One of ${FILE_FORMAT_TYPES.filter((t) => !INLINE_ONLY_FORMAT_TYPES.has(t))
        .map((t) => `\`${t}\``)
        .join(", ")}; it decides which options apply.`,
    },
    ...options,
    adopt: { type: "boolean", description: doc("FileFormatArgsBase", "adopt") },
  };
  return {
    description: doc("FileFormat"),
    inputProperties: inputs,
    requiredInputs: ["type"],
    properties: { ...inputs, fingerprint: { type: "string", description: doc("FileFormat", "fingerprint") } },
    required: ["name", "type", "fingerprint"],
  };
}

/** StageGrant or ConnectionGrant: the object and role by name, and the privileges. */
function grantResource(kind: GrantObjectKind): SchemaResource {
  const decl = kind === "stage" ? "StageGrantArgs" : "ConnectionGrantArgs";
  const inputs: Record<string, SchemaProperty> = {
    [kind]: { type: "string", description: `${doc(decl, kind)} In YAML: its name (\`\${x.name}\`).` },
    role: { type: "string", description: doc("GrantArgsBase", "role") },
    privileges: {
      type: "array",
      items: { type: "string" },
      description: `${doc(decl, "privileges")} One or more of ${[...GRANT_OBJECTS[kind].privileges, "ALL"]
        .map((p) => `\`${p}\``)
        .join(", ")}.`,
    },
    adopt: { type: "boolean", description: doc("GrantArgsBase", "adopt") },
  };
  return {
    description: doc(kind === "stage" ? "StageGrant" : "ConnectionGrant"),
    inputProperties: inputs,
    requiredInputs: kind === "stage" ? [kind, "role", "privileges"] : [kind, "role"],
    properties: inputs,
    required: [kind, "role", "privileges"],
  };
}

/** Outputs of StageAccessRole that carry the external ID (the SDK marks the same one secret). */
export const STAGE_ACCESS_ROLE_SECRET_OUTPUTS: readonly string[] = ["externalId"];

function stageAccessRoleResource(): SchemaResource {
  const ajvProps = STAGE_ACCESS_ROLE_INPUT_SCHEMA.properties as Record<string, Record<string, unknown>>;
  const inputs: Record<string, SchemaProperty> = {};
  for (const key of STAGE_ACCESS_ROLE_INPUTS) {
    const schema = ajvProps[key];
    if (!schema) throw new Error(`StageAccessRole input ${key} is not in the validation schema`);
    inputs[key] = { ...fromJsonSchema(schema), description: doc("StageAccessRoleArgs", key) };
  }
  (inputs.externalId as SchemaProperty).secret = true;
  const outputs: Record<string, SchemaProperty> = { ...inputs };
  for (const key of ["roleArn", "accessPolicy", "stageUrl"]) {
    outputs[key] = { type: "string", description: doc("StageAccessRole", key) };
  }
  outputs.externalId = {
    ...outputs.externalId,
    description:
      "The external ID, when it was generated (a given one is your input and never an output). Secret.",
  };
  outputs.trustPolicyFingerprint = {
    type: "string",
    description:
      "A salted digest of the trust policy (which holds the external ID); the document itself comes from " +
      "`databend:aws:getTrustPolicy`.",
  };
  for (const key of STAGE_ACCESS_ROLE_SECRET_OUTPUTS) outputs[key] = { ...outputs[key], secret: true };
  return {
    description: doc("StageAccessRole"),
    inputProperties: inputs,
    requiredInputs: ["databendPrincipalArn", "bucket"],
    properties: outputs,
    required: [
      "roleArn",
      "roleName",
      "accessPolicy",
      "bucket",
      "prefix",
      "access",
      "stageUrl",
      "trustPolicyFingerprint",
    ],
  };
}

const POLICY_OUTPUTS: SchemaObject = {
  properties: {
    json: { type: "string", description: "The document as JSON (two-space indented), as sent to IAM." },
    document: { $ref: "pulumi.json#/Any", description: "The document as an object." },
  },
  required: ["json", "document"],
};

function policyFunction(decl: string, argsDecl: string, props: string[], required: string[]): SchemaFunction {
  const properties: Record<string, SchemaProperty> = {};
  for (const p of props) properties[p] = { type: "string", description: doc(argsDecl, p) };
  return { description: doc(decl), inputs: { properties, required }, outputs: POLICY_OUTPUTS };
}

/** `getCopyAudit`: no arguments (the provider's DSN), the audit's `stages` as the result. */
function copyAuditFunction(): SchemaFunction {
  return {
    description: doc("getCopyAudit"),
    inputs: { properties: {} },
    outputs: {
      properties: {
        stages: {
          type: "array",
          items: { $ref: `#/types/${TOKENS.stageCopyAudit}` },
          description: doc("CopyAudit", "stages"),
        },
      },
      required: ["stages"],
    },
  };
}

/** One stage of the copy audit. */
function stageCopyAuditType(): SchemaObject {
  const str = (k: string): SchemaProperty => ({ type: "string", description: doc("StageCopyAudit", k) });
  const list = (k: string): SchemaProperty => ({ ...str(k), type: "array", items: { type: "string" } });
  return {
    type: "object",
    description: doc("StageCopyAudit"),
    properties: {
      stage: str("stage"),
      url: str("url"),
      connection: str("connection"),
      match: str("match"),
      stale: { type: "boolean", description: doc("StageCopyAudit", "stale") },
      differs: list("differs"),
      candidates: list("candidates"),
    },
    required: ["stage", "url", "match", "stale", "differs", "candidates"],
  };
}

/** Generates the package schema for `version`. */
export function packageSchema(version: string): PackageSchema {
  const settings = configVariables();
  const trust = policyFunction(
    "trustPolicy",
    "TrustPolicyArgs",
    ["databendPrincipalArn", "externalId"],
    ["databendPrincipalArn", "externalId"],
  );
  (trust.inputs.properties.externalId as SchemaProperty).secret = true;
  trust.outputs = {
    ...POLICY_OUTPUTS,
    properties: Object.fromEntries(
      Object.entries(POLICY_OUTPUTS.properties).map(([k, v]) => [k, { ...v, secret: true }]),
    ),
  };
  return {
    name: "databend",
    version,
    displayName: "Databend",
    description: "Databend connections and stages, and the AWS IAM role behind a ROLE_ARN connection.",
    config: { variables: settings },
    provider: { description: "The databend provider.", properties: settings, inputProperties: settings },
    resources: {
      [TOKENS.connection]: connectionResource(),
      [TOKENS.stage]: stageResource(),
      [TOKENS.stageAccessRole]: stageAccessRoleResource(),
      [TOKENS.fileFormat]: fileFormatResource(),
      [TOKENS.stageGrant]: grantResource("stage"),
      [TOKENS.connectionGrant]: grantResource("connection"),
    },
    functions: {
      [TOKENS.getTrustPolicy]: trust,
      [TOKENS.getBucketAccessPolicy]: policyFunction(
        "bucketAccessPolicy",
        "BucketAccessPolicyArgs",
        ["bucket", "prefix", "access", "partition"],
        ["bucket", "access"],
      ),
      [TOKENS.getCopyAudit]: copyAuditFunction(),
    },
    types: {
      [TOKENS.capturedConnection]: {
        type: "object",
        description: doc("CapturedConnection"),
        properties: Object.fromEntries(
          ["name", "storageType", "fingerprint", "capturedAt"].map((k) => [
            k,
            { type: "string", description: doc("CapturedConnection", k) },
          ]),
        ),
        required: ["name", "storageType", "fingerprint", "capturedAt"],
      },
      [TOKENS.stageCopyAudit]: stageCopyAuditType(),
    },
  };
}
