/**
 * Storage types and their parameters, as Databend's binder reads them (databend.md section 2).
 * One table drives the TypeScript types, the JSON schemas, SQL rendering and secret handling.
 */

/** How one storage parameter is named, typed and treated. */
export interface ParamSpec {
  /** The lower-case key Databend reads (`secret_access_key`). */
  readonly sql: string;
  /** Whether the value is a credential: stored as a Pulumi secret and masked everywhere. */
  readonly secret: boolean;
  /** Value type in the public API; booleans are sent as `'true'`/`'false'`. */
  readonly type: "string" | "boolean";
  /** Other keys Databend accepts for the same parameter (read back on refresh). */
  readonly aliases?: readonly string[];
  /** Extra JSON-schema constraints for strings. */
  readonly pattern?: string;
  /** What the pattern means, for error messages. */
  readonly patternHint?: string;
  /** One-line description for docs and errors. */
  readonly doc: string;
  /**
   * The shape Databend expects of the value, when it has one: why `value` does not have it (never
   * quoting it), with the fix, or undefined.
   */
  readonly shape?: (value: string) => string | undefined;
}

/** The command that makes a GCS `credential` from a key file, named in every message about it. */
export const GCS_CREDENTIAL_FIX =
  "Fix: pass the key file base64-encoded on one line: `base64 -w0 key.json` (macOS: `base64 -i key.json`)";

/**
 * Databend reads a GCS `credential` as base64 (the standard alphabet, one line) of the service
 * account's JSON key file; anything else is stored, and fails only when the stage is used (a
 * metadata-server error that does not mention base64).
 */
export function gcsCredentialProblem(value: string): string | undefined {
  const v = value.trim();
  if (v === "") return undefined; // refused as empty by the schema
  if (v.startsWith("{")) {
    return `must be the service-account key file base64-encoded, not its JSON text. ${GCS_CREDENTIAL_FIX}`;
  }
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v) || v.length % 4 !== 0) {
    return `must be the base64 (one line, standard alphabet) of a JSON service-account key file. ${GCS_CREDENTIAL_FIX}`;
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(v, "base64").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  if (!decoded || typeof decoded !== "object" || Array.isArray(decoded)) {
    return `is base64, but not of a JSON key file (it must decode to a JSON object). ${GCS_CREDENTIAL_FIX}`;
  }
  return undefined;
}

/** A storage type: its URL scheme, parameters, required parameters and pairs that go together. */
export interface StorageSpec {
  /** URL scheme of stages on this storage (`s3` in `s3://bucket/path/`). */
  readonly scheme: string;
  /** Parameters by camelCase API name. */
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Parameters that must be given. */
  readonly required: readonly string[];
  /** `a: [b]` means: when `a` is given, `b` must be given too. */
  readonly requires: Readonly<Record<string, readonly string[]>>;
}

const endpointUrl = (doc: string): ParamSpec => ({ sql: "endpoint_url", secret: false, type: "string", doc });

/** An AWS IAM role ARN. */
export const IAM_ROLE_ARN_PATTERN = "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$";

const specs = {
  s3: {
    scheme: "s3",
    params: {
      endpointUrl: endpointUrl("S3 endpoint; defaults to https://s3.amazonaws.com."),
      region: { sql: "region", secret: false, type: "string", doc: "Bucket region; skips region detection." },
      accessKeyId: {
        sql: "access_key_id",
        secret: false,
        type: "string",
        aliases: ["aws_key_id"],
        doc: "Access key ID.",
      },
      secretAccessKey: {
        sql: "secret_access_key",
        secret: true,
        type: "string",
        aliases: ["aws_secret_key"],
        doc: "Secret access key.",
      },
      sessionToken: {
        sql: "session_token",
        secret: true,
        type: "string",
        aliases: ["aws_token", "security_token"],
        doc: "Temporary session token.",
      },
      roleArn: {
        sql: "role_arn",
        secret: false,
        type: "string",
        aliases: ["aws_role_arn"],
        pattern: IAM_ROLE_ARN_PATTERN,
        patternHint: "an IAM role ARN such as arn:aws:iam::123456789012:role/databend-access",
        doc: "IAM role Databend assumes.",
      },
      externalId: {
        sql: "external_id",
        secret: true,
        type: "string",
        aliases: ["aws_external_id"],
        doc: "External ID required by the role's trust policy.",
      },
      enableVirtualHostStyle: {
        sql: "enable_virtual_host_style",
        secret: false,
        type: "boolean",
        doc: "Use virtual-host-style bucket addressing.",
      },
      masterKey: {
        sql: "master_key",
        secret: true,
        type: "string",
        doc: "Client-side encryption master key.",
      },
    },
    required: [],
    requires: {
      accessKeyId: ["secretAccessKey"],
      secretAccessKey: ["accessKeyId"],
      sessionToken: ["accessKeyId"],
      externalId: ["roleArn"],
    },
  },
  azblob: {
    scheme: "azblob",
    params: {
      endpointUrl: endpointUrl("Blob service endpoint, e.g. https://<account>.blob.core.windows.net."),
      accountName: { sql: "account_name", secret: false, type: "string", doc: "Storage account name." },
      accountKey: { sql: "account_key", secret: true, type: "string", doc: "Storage account key." },
    },
    required: ["endpointUrl"],
    requires: { accountKey: ["accountName"] },
  },
  gcs: {
    scheme: "gcs",
    params: {
      endpointUrl: endpointUrl("GCS endpoint; defaults to https://storage.googleapis.com."),
      credential: {
        sql: "credential",
        secret: true,
        type: "string",
        doc: "Base64-encoded service account key JSON (`base64 -w0 key.json`).",
        shape: gcsCredentialProblem,
      },
    },
    required: [],
    requires: {},
  },
  oss: {
    scheme: "oss",
    params: {
      endpointUrl: endpointUrl("OSS endpoint, e.g. https://oss-cn-hangzhou.aliyuncs.com."),
      accessKeyId: { sql: "access_key_id", secret: false, type: "string", doc: "AccessKey ID." },
      accessKeySecret: { sql: "access_key_secret", secret: true, type: "string", doc: "AccessKey secret." },
      roleArn: {
        sql: "role_arn",
        secret: false,
        type: "string",
        pattern: "^acs:ram::[0-9]+:role/[A-Za-z0-9._-]+$",
        patternHint: "a RAM role ARN such as acs:ram::1234567890123456:role/databend",
        doc: "RAM role to assume.",
      },
    },
    required: ["endpointUrl"],
    requires: { accessKeyId: ["accessKeySecret"], accessKeySecret: ["accessKeyId"] },
  },
  cos: {
    scheme: "cos",
    params: {
      endpointUrl: endpointUrl("COS endpoint, e.g. https://cos.ap-beijing.myqcloud.com."),
      secretId: { sql: "secret_id", secret: true, type: "string", doc: "SecretId." },
      secretKey: { sql: "secret_key", secret: true, type: "string", doc: "SecretKey." },
    },
    required: ["endpointUrl"],
    requires: { secretId: ["secretKey"], secretKey: ["secretId"] },
  },
  obs: {
    scheme: "obs",
    params: {
      endpointUrl: endpointUrl("OBS endpoint."),
      accessKeyId: { sql: "access_key_id", secret: false, type: "string", doc: "Access key ID." },
      secretAccessKey: { sql: "secret_access_key", secret: true, type: "string", doc: "Secret access key." },
    },
    required: ["endpointUrl"],
    requires: { accessKeyId: ["secretAccessKey"], secretAccessKey: ["accessKeyId"] },
  },
  hf: {
    scheme: "hf",
    params: {
      repoType: {
        sql: "repo_type",
        secret: false,
        type: "string",
        pattern: "^(dataset|model)$",
        patternHint: "dataset or model",
        doc: "Repository type; defaults to dataset.",
      },
      revision: { sql: "revision", secret: false, type: "string", doc: "Revision; defaults to main." },
      token: { sql: "token", secret: true, type: "string", doc: "Hugging Face access token." },
    },
    required: [],
    requires: {},
  },
  webhdfs: {
    scheme: "webhdfs",
    params: {
      https: { sql: "https", secret: false, type: "boolean", doc: "Use HTTPS; defaults to true." },
      delegation: { sql: "delegation", secret: true, type: "string", doc: "Delegation token." },
      disableListBatch: {
        sql: "disable_list_batch",
        secret: false,
        type: "boolean",
        doc: "Disable batched listing.",
      },
      userName: { sql: "user_name", secret: false, type: "string", doc: "User name." },
    },
    required: [],
    requires: {},
  },
  fs: {
    scheme: "fs",
    params: {},
    required: [],
    requires: {},
  },
} as const satisfies Record<string, StorageSpec>;

/** Every storage type this package manages. */
export type StorageType = keyof typeof specs;

/** The storage specifications, by storage type. */
export const STORAGE_SPECS: Readonly<Record<StorageType, StorageSpec>> = specs;

/** Storage types in a stable order. */
export const STORAGE_TYPES = Object.keys(specs) as StorageType[];

/** True when `t` names a known storage type. */
export function isStorageType(t: unknown): t is StorageType {
  return typeof t === "string" && Object.prototype.hasOwnProperty.call(specs, t);
}

/** Storage type for a URL scheme (`s3` → `s3`), or undefined. */
export function storageTypeForScheme(scheme: string): StorageType | undefined {
  const lower = scheme.toLowerCase() === "huggingface" ? "hf" : scheme.toLowerCase();
  return STORAGE_TYPES.find((t) => STORAGE_SPECS[t].scheme === lower);
}

/** Every secret parameter name across all storage types. */
export const SECRET_PARAMS: ReadonlySet<string> = new Set(
  STORAGE_TYPES.flatMap((t) =>
    Object.entries(STORAGE_SPECS[t].params)
      .filter(([, p]) => p.secret)
      .map(([name]) => name),
  ),
);

/** Every parameter name across all storage types. */
export const ALL_PARAMS: ReadonlySet<string> = new Set(
  STORAGE_TYPES.flatMap((t) => Object.keys(STORAGE_SPECS[t].params)),
);

/** Storage parameter values as the provider sees them (booleans already resolved). */
export type StorageParams = Record<string, string | boolean>;

/** Picks this storage type's parameters out of `source`, ignoring other keys. */
export function pickParams(type: StorageType, source: Readonly<Record<string, unknown>>): StorageParams {
  const out: StorageParams = {};
  for (const key of Object.keys(STORAGE_SPECS[type].params)) {
    const v = source[key];
    if (typeof v === "string" || typeof v === "boolean") out[key] = v;
  }
  return out;
}

/** Renders parameters as `[SQL_KEY, 'value']` pairs in the table's order. */
export function toSqlPairs(type: StorageType, params: StorageParams): [string, string][] {
  return Object.entries(STORAGE_SPECS[type].params)
    .filter(([key]) => params[key] !== undefined)
    .map(([key, spec]) => [spec.sql, String(params[key])]);
}

/** The values of the secret parameters in `params` (for masking). */
export function secretValues(type: StorageType, params: StorageParams): string[] {
  return Object.entries(STORAGE_SPECS[type].params)
    .filter(([key, spec]) => spec.secret && typeof params[key] === "string")
    .map(([key]) => params[key] as string);
}

/** Maps a server-side key (or alias) back to its API name for `type`. */
export function paramForSqlKey(type: StorageType, sqlKey: string): string | undefined {
  const k = sqlKey.toLowerCase();
  return Object.entries(STORAGE_SPECS[type].params).find(
    ([, spec]) => spec.sql === k || (spec.aliases ?? []).includes(k),
  )?.[0];
}

/** Every key Databend may hold for a parameter of `type`: each SQL key and its aliases, lower-case. */
export function sqlKeysOf(type: StorageType): string[] {
  return Object.values(STORAGE_SPECS[type].params).flatMap((spec) => [spec.sql, ...(spec.aliases ?? [])]);
}
