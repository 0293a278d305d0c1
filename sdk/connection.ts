import * as pulumi from "@pulumi/pulumi";
import { SECRET_PARAMS } from "../provider/storage/storageSpecs";
import { DynamicResource } from "./dynamicResource";

type In<T> = pulumi.Input<T>;

/** Arguments every connection takes. */
export interface ConnectionArgsBase {
  /**
   * The connection's name in Databend: lowercase letters, digits and underscores, not starting with a
   * digit. Changing this forces replacement (the new connection is created before the old one is
   * dropped; stages built on the old one keep working). Defaults to the resource name.
   */
  readonly name?: In<string>;
  /**
   * Take over a connection of the same name that already exists in Databend (its parameters are
   * replaced by these). Without it, creating over an existing connection fails, so nothing is
   * overwritten by surprise. `pulumi import` does not work for dynamic resources; this is the way in.
   * Defaults to `false`.
   */
  readonly adopt?: In<boolean>;
}

/** Amazon S3 (or S3-compatible) storage. Give access keys, or `roleArn` (with `externalId`), or neither. */
export interface S3ConnectionArgs extends ConnectionArgsBase {
  /** Storage type `s3`. */
  readonly storageType: "s3";
  /** S3 endpoint. Defaults to `https://s3.amazonaws.com`. */
  readonly endpointUrl?: In<string>;
  /** Bucket region. Setting it skips Databend's region detection. */
  readonly region?: In<string>;
  /** Access key ID; requires `secretAccessKey`. */
  readonly accessKeyId?: In<string>;
  /** Secret access key; requires `accessKeyId`. Stored as a secret. */
  readonly secretAccessKey?: In<string>;
  /** Temporary session token; requires `accessKeyId`. Stored as a secret. */
  readonly sessionToken?: In<string>;
  /** ARN of the IAM role Databend assumes (`arn:aws:iam::<account>:role/<name>`). See `aws.StageAccessRole`. */
  readonly roleArn?: In<string>;
  /** External ID the role's trust policy requires; requires `roleArn`. Stored as a secret. */
  readonly externalId?: In<string>;
  /** Use virtual-host-style addressing (`bucket.endpoint`). Defaults to `false`. */
  readonly enableVirtualHostStyle?: In<boolean>;
  /** Client-side encryption master key. Stored as a secret. */
  readonly masterKey?: In<string>;
}

/** Azure Blob Storage. */
export interface AzblobConnectionArgs extends ConnectionArgsBase {
  /** Storage type `azblob`. */
  readonly storageType: "azblob";
  /** Blob endpoint, e.g. `https://<account>.blob.core.windows.net`. Required. */
  readonly endpointUrl: In<string>;
  /** Storage account name. */
  readonly accountName?: In<string>;
  /** Storage account key; requires `accountName`. Stored as a secret. */
  readonly accountKey?: In<string>;
}

/** Google Cloud Storage. */
export interface GcsConnectionArgs extends ConnectionArgsBase {
  /** Storage type `gcs`. */
  readonly storageType: "gcs";
  /** GCS endpoint. Defaults to `https://storage.googleapis.com`. */
  readonly endpointUrl?: In<string>;
  /** Base64-encoded service-account key JSON. Stored as a secret. */
  readonly credential?: In<string>;
}

/** Alibaba Cloud OSS. */
export interface OssConnectionArgs extends ConnectionArgsBase {
  /** Storage type `oss`. */
  readonly storageType: "oss";
  /** OSS endpoint. Required. */
  readonly endpointUrl: In<string>;
  /** AccessKey ID; requires `accessKeySecret`. */
  readonly accessKeyId?: In<string>;
  /** AccessKey secret; requires `accessKeyId`. Stored as a secret. */
  readonly accessKeySecret?: In<string>;
  /** RAM role ARN (`acs:ram::<account>:role/<name>`). */
  readonly roleArn?: In<string>;
}

/** Tencent Cloud COS. */
export interface CosConnectionArgs extends ConnectionArgsBase {
  /** Storage type `cos`. */
  readonly storageType: "cos";
  /** COS endpoint. Required. */
  readonly endpointUrl: In<string>;
  /** SecretId; requires `secretKey`. Stored as a secret. */
  readonly secretId?: In<string>;
  /** SecretKey; requires `secretId`. Stored as a secret. */
  readonly secretKey?: In<string>;
}

/** Huawei Cloud OBS. */
export interface ObsConnectionArgs extends ConnectionArgsBase {
  /** Storage type `obs`. */
  readonly storageType: "obs";
  /** OBS endpoint. Required. */
  readonly endpointUrl: In<string>;
  /** Access key ID; requires `secretAccessKey`. */
  readonly accessKeyId?: In<string>;
  /** Secret access key; requires `accessKeyId`. Stored as a secret. */
  readonly secretAccessKey?: In<string>;
}

/** Hugging Face repositories. */
export interface HfConnectionArgs extends ConnectionArgsBase {
  /** Storage type `hf`. */
  readonly storageType: "hf";
  /** `dataset` or `model`. Defaults to `dataset`. */
  readonly repoType?: In<"dataset" | "model">;
  /** Revision. Defaults to `main`. */
  readonly revision?: In<string>;
  /** Access token. Stored as a secret. */
  readonly token?: In<string>;
}

/** WebHDFS. */
export interface WebhdfsConnectionArgs extends ConnectionArgsBase {
  /** Storage type `webhdfs`. */
  readonly storageType: "webhdfs";
  /** Use HTTPS. Defaults to `true`. */
  readonly https?: In<boolean>;
  /** Delegation token. Stored as a secret. */
  readonly delegation?: In<string>;
  /** Disable batched listing. */
  readonly disableListBatch?: In<boolean>;
  /** User name. */
  readonly userName?: In<string>;
}

/** The Databend server's local file system (useful for tests and single-node setups). */
export interface FsConnectionArgs extends ConnectionArgsBase {
  /** Storage type `fs`. */
  readonly storageType: "fs";
}

/**
 * Arguments of a {@link Connection}: a union discriminated by `storageType`, so a parameter of another
 * storage type does not compile.
 */
export type ConnectionArgs =
  | S3ConnectionArgs
  | AzblobConnectionArgs
  | GcsConnectionArgs
  | OssConnectionArgs
  | CosConnectionArgs
  | ObsConnectionArgs
  | HfConnectionArgs
  | WebhdfsConnectionArgs
  | FsConnectionArgs;

/** Every storage type a {@link Connection} accepts. */
export type ConnectionStorageType = ConnectionArgs["storageType"];

/**
 * A Databend CONNECTION: named storage parameters that stages (and tables) copy when they are
 * created.
 *
 * A parameter change updates the connection in place with `CREATE OR REPLACE CONNECTION` (Databend has
 * no ALTER for parameters); a name change replaces it. Stages built on it are never updated, replaced
 * or deleted because of it: they keep the copy they took, and {@link Stage} warns when that copy is
 * older than the connection.
 *
 * @example
 * ```ts
 * const cfg = new pulumi.Config();
 * const toronto = new Connection("toronto", {
 *   storageType: "s3",
 *   accessKeyId: cfg.require("awsKeyId"),
 *   secretAccessKey: cfg.requireSecret("awsSecretKey"),
 * });
 * ```
 */
export class Connection extends DynamicResource {
  /** The connection's name in Databend. */
  declare readonly name: pulumi.Output<string>;
  /** The storage type. */
  declare readonly storageType: pulumi.Output<ConnectionStorageType>;
  /**
   * A short digest of the effective parameters (storage type and every value): it changes when, and
   * only when, they change. The provider derives it in `check` (so it is known at preview time, and
   * stages can tell that their copy is stale), only when the parameters changed.
   */
  declare readonly fingerprint: pulumi.Output<string>;
  /**
   * The stages, managed by this stack, another one or nobody, that still held a copy of the old
   * parameters right after the last parameter change (names only; a warning lists them too). Stages of
   * this stack with `onConnectionChange: "recreate"` re-capture later in the same update; run
   * `pulumi-databend audit` for the account as it is now. Unset before the first change.
   */
  declare readonly staleCopies: pulumi.Output<string[] | undefined>;
  /**
   * One salted digest of Databend's masked form per secret parameter (no secret, no mask in clear):
   * what refresh recognises the secret by, to show a secret changed outside Pulumi as drift. A
   * parameter changed outside Pulumi reads `(changed outside Pulumi)` until the next `up`.
   */
  declare readonly secretMasks: pulumi.Output<Record<string, string> | undefined>;

  constructor(resourceName: string, args: ConnectionArgs, opts?: pulumi.CustomResourceOptions) {
    const storageType = args.storageType;
    const bag = args as unknown as Record<string, pulumi.Input<unknown> | undefined>;
    const props: Record<string, pulumi.Input<unknown> | undefined> = {
      name: args.name ?? resourceName,
      storageType,
      fingerprint: undefined,
      staleCopies: undefined,
      secretMasks: undefined,
    };
    if (args.adopt !== undefined) props.adopt = args.adopt;
    for (const [key, value] of Object.entries(bag)) {
      if (key in props || value === undefined) continue;
      // Unknown keys still go through, so the provider's check() names them at preview time.
      props[key] = SECRET_PARAMS.has(key) ? pulumi.secret(value) : value;
    }
    super("connection", "Connection", resourceName, props, withSecretOutputs(opts, Object.keys(props)));
  }
}

// The options, with the secret parameters this connection was given marked as secret outputs.
function withSecretOutputs(
  opts: pulumi.CustomResourceOptions | undefined,
  given: readonly string[],
): pulumi.CustomResourceOptions {
  return {
    ...opts,
    additionalSecretOutputs: [
      ...(opts?.additionalSecretOutputs ?? []),
      ...given.filter((k) => SECRET_PARAMS.has(k)),
    ],
  };
}
