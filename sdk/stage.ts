import * as pulumi from "@pulumi/pulumi";
import type { Connection, ConnectionArgs } from "./connection";
import { DynamicResource } from "./dynamicResource";
import { FileFormat as FileFormatResource } from "./fileFormat";
import { staleCopyWarning } from "../provider/resources/stage";

type In<T> = pulumi.Input<T>;

type ParamsOf<T> = T extends ConnectionArgs ? Omit<T, "storageType" | "name" | "adopt"> : never;

/**
 * Inline storage parameters for an external stage, as `CREATE STAGE ... CONNECTION = (...)` takes
 * them: the same camelCase parameters as a {@link Connection} of the URL's storage type. Stored as a
 * secret.
 */
export type StageCredentials = ParamsOf<ConnectionArgs>;

/** Options shared by every typed file format. */
interface CompressedFormat {
  /** Compression of staged files. Defaults to `AUTO` where the format supports it. */
  readonly compression?:
    "AUTO" | "NONE" | "GZIP" | "BZ2" | "BROTLI" | "ZSTD" | "DEFLATE" | "RAWDEFLATE" | "XZ" | "SNAPPY" | "ZIP";
}

/** CSV files. */
export interface CsvFileFormat extends CompressedFormat {
  /** File format type: Comma-separated values. */
  readonly type: "CSV";
  /** Record delimiter. Defaults to `\n`. */
  readonly recordDelimiter?: string;
  /** Field delimiter. Defaults to `,`. */
  readonly fieldDelimiter?: string;
  /** Quote character. Defaults to `"`. */
  readonly quote?: string;
  /** Escape character. */
  readonly escape?: string;
  /** Number of header lines to skip. Defaults to `0`. */
  readonly skipHeader?: number;
  /** Text for NaN. */
  readonly nanDisplay?: string;
  /** Text for NULL. */
  readonly nullDisplay?: string;
  /** Fail when a row has the wrong number of columns. Defaults to `true`. */
  readonly errorOnColumnCountMismatch?: boolean;
  /** What an empty field becomes. */
  readonly emptyFieldAs?: "NULL" | "STRING" | "FIELD_DEFAULT";
  /** Write a header line when unloading. */
  readonly outputHeader?: boolean;
  /** Encoding of binary values. */
  readonly binaryFormat?: "HEX" | "BASE64";
  /** Trim spaces around fields. */
  readonly trimSpace?: boolean;
  /** Treat quoted NULL strings as NULL. */
  readonly allowQuotedNulls?: boolean;
}

/** TSV files. */
export interface TsvFileFormat extends CompressedFormat {
  /** File format type: Tab-separated values (Databend reports them as `Text`). */
  readonly type: "TSV";
  /** Record delimiter. */
  readonly recordDelimiter?: string;
  /** Field delimiter. */
  readonly fieldDelimiter?: string;
  /** Text for NaN. */
  readonly nanDisplay?: string;
  /** Text for NULL. */
  readonly nullDisplay?: string;
}

/** Newline-delimited JSON files. */
export interface NdjsonFileFormat extends CompressedFormat {
  /** File format type: Newline-delimited JSON. */
  readonly type: "NDJSON";
  /** What a missing field becomes. */
  readonly missingFieldAs?: "ERROR" | "NULL" | "FIELD_DEFAULT";
  /** What a null field becomes. */
  readonly nullFieldAs?: "NULL" | "FIELD_DEFAULT";
}

/** Parquet files (Databend's default format). */
export interface ParquetFileFormat {
  /** File format type: Parquet. */
  readonly type: "PARQUET";
  /** What a missing field becomes. */
  readonly missingFieldAs?: "ERROR" | "NULL" | "FIELD_DEFAULT";
}

/** ORC files. */
export interface OrcFileFormat {
  /** File format type: ORC. */
  readonly type: "ORC";
  /** What a missing field becomes. */
  readonly missingFieldAs?: "ERROR" | "NULL" | "FIELD_DEFAULT";
}

/** Avro files. */
export interface AvroFileFormat extends CompressedFormat {
  /** File format type: Avro. */
  readonly type: "AVRO";
  /** What a missing field becomes. */
  readonly missingFieldAs?: "ERROR" | "NULL" | "FIELD_DEFAULT";
}

/** A named file format created with CREATE FILE FORMAT; Databend resolves it when the stage is created. */
export interface NamedFileFormat {
  /** The file format's name. */
  readonly formatName: string;
  /**
   * The named format's `fingerprint` (a {@link FileFormat} resource's output), so that a change of the
   * format makes the stage copy its options again; passing the resource itself as `fileFormat` sets it.
   */
  readonly formatFingerprint?: string;
}

/** A stage's file format: a type with typed options, or a named file format. */
export type FileFormat =
  | CsvFileFormat
  | TsvFileFormat
  | NdjsonFileFormat
  | ParquetFileFormat
  | OrcFileFormat
  | AvroFileFormat
  | NamedFileFormat;

/** Arguments of a {@link Stage}. */
export interface StageArgs {
  /**
   * The stage's name in Databend: lowercase letters, digits and underscores, not starting with a
   * digit. Changing this forces replacement. Defaults to the resource name.
   */
  readonly name?: In<string>;
  /**
   * The external location, `<scheme>://<bucket>/<path>/` (the path ends in `/`); the scheme must match
   * the connection's storage type. Absent: an internal stage, whose files Databend stores itself.
   * Changing it updates the stage in place (ALTER STAGE); adding or removing it forces replacement.
   */
  readonly url?: In<string>;
  /**
   * The connection whose parameters the stage copies when it is created. Later changes to the
   * connection do not reach the stage (Databend copies, it does not link); see `onConnectionChange`.
   * Not together with `credentials`.
   */
  readonly connection?: Connection;
  /** Inline storage parameters instead of a connection. Not together with `connection`. Stored as a secret. */
  readonly credentials?: In<StageCredentials>;
  /**
   * File format of staged files. Changing it updates the stage in place. Defaults to Databend's (Parquet).
   * A `FileFormat` resource (or `{ formatName }`) names a format; the stage copies its options when it is
   * created or altered (see docs/copy-semantics.md).
   */
  readonly fileFormat?: In<FileFormat> | FileFormatResource;
  /** A comment, set with ALTER STAGE after creation (CREATE STAGE ignores COMMENT). */
  readonly comment?: In<string>;
  /**
   * What a change to the connection (new parameters, or a new connection name) does to the stage:
   * `keep` leaves the stage's copy as it is and warns that it is older than the connection; `recreate`
   * re-copies with `ALTER STAGE ... SET URL = ... CONNECTION = (CONNECTION_NAME = ...)`, or by dropping
   * and creating the external stage on servers older than 1.2.867. Defaults to `keep`.
   */
  readonly onConnectionChange?: In<"keep" | "recreate">;
  /**
   * Allow deleting or replacing an internal stage that still holds files (they are deleted). Defaults to
   * `false`. A delete runs with the value its resource was recorded with: for one already planned (the
   * old name of a renamed stage), run the command once with `DATABEND_FORCE_DESTROY=<name>` (drop it with
   * its files) or `DATABEND_KEEP=<name>` (keep it in Databend and remove it from the stack).
   */
  readonly forceDestroy?: In<boolean>;
  /**
   * Take over a stage of the same name that already exists in Databend. An existing internal stage
   * is never replaced. Defaults to `false`.
   */
  readonly adopt?: In<boolean>;
  /**
   * Prove from Databend that an external stage can read its location: after create, update and
   * re-capture the provider lists an empty sub-folder of the stage (`LIST @stage/_pulumi_databend_verify/`),
   * retrying while the error is one IAM propagation explains (an unknown key ID, access denied) for up to
   * `verifyTimeoutSeconds`, and failing at once otherwise (wrong secret, no such bucket, unreachable
   * endpoint), naming the cause and the property to fix. The stage stays in the stack when the check
   * fails; the next `up` checks again. With it on, refresh runs the same probe once, and a stage that can
   * no longer read shows as drift. Internal stages verify without a statement. Defaults to `false`.
   */
  readonly verify?: In<boolean>;
  /** How long `verify` retries errors that IAM propagation explains, in seconds (0 to 900). Defaults to 60. */
  readonly verifyTimeoutSeconds?: In<number>;
}

/** What a stage copied from its connection. */
export interface CapturedConnection {
  /** The connection's name. */
  readonly name: string;
  /** Its storage type. */
  readonly storageType: string;
  /** Its fingerprint at capture time. */
  readonly fingerprint: string;
  /** When the copy was taken (ISO 8601). */
  readonly capturedAt: string;
}

/** Properties the class declares as outputs: registered even when not given. */
const DECLARED_OUTPUTS: ReadonlySet<string> = new Set([
  "name",
  "url",
  "stageType",
  "capturedConnection",
  "secretMasks",
  "readable",
  "verifiedAt",
  "accessProblem",
]);

/**
 * A Databend STAGE: an internal stage, or an external one on a URL with a connection (or inline
 * credentials).
 *
 * Databend copies the connection's parameters into the stage when it is created. This resource
 * mirrors that: a later change to the connection (or its replacement, or its deletion) never updates,
 * replaces or deletes the stage; the stage shows as unchanged and Pulumi prints a warning that its
 * copy is older than the connection, with the way to re-capture.
 *
 * @example
 * ```ts
 * const stage = new Stage("my_s3_stage", {
 *   url: "s3://databend-toronto/",
 *   connection: toronto,
 * });
 * ```
 */
export class Stage extends DynamicResource {
  /** The stage's name in Databend. */
  declare readonly name: pulumi.Output<string>;
  /** The URL of an external stage; undefined for an internal one. */
  declare readonly url: pulumi.Output<string | undefined>;
  /** `External` or `Internal`. */
  declare readonly stageType: pulumi.Output<"External" | "Internal">;
  /** What the stage copied from its connection, and when; undefined without a connection. */
  declare readonly capturedConnection: pulumi.Output<CapturedConnection | undefined>;
  /**
   * One salted digest of Databend's masked form per secret the stage holds (its inline credentials,
   * or the secrets it copied from its connection), by parameter name: what refresh recognises them
   * by. A secret changed outside Pulumi reads `(changed outside Pulumi)` until the next `up`.
   */
  declare readonly secretMasks: pulumi.Output<Record<string, string> | undefined>;
  /** With `verify`: whether Databend could list the stage's location at the last check. */
  declare readonly readable: pulumi.Output<boolean | undefined>;
  /**
   * With `verify`: when the current `readable` was established (the last verifying `up`, or the refresh
   * that saw it change; a refresh that finds the same health keeps the time, so it is no change).
   */
  declare readonly verifiedAt: pulumi.Output<string | undefined>;
  /** With `verify`, when not readable: the cause, the property to fix, and Databend's error (no secret). */
  declare readonly accessProblem: pulumi.Output<string | undefined>;
  /** True when the connection has changed since the stage copied it. */
  readonly connectionDrift: pulumi.Output<boolean>;

  constructor(resourceName: string, args: StageArgs, opts?: pulumi.CustomResourceOptions) {
    const connection = args.connection;
    const props: Record<string, pulumi.Input<unknown> | undefined> = {
      name: args.name ?? resourceName,
      url: args.url,
      connectionName: connection?.name,
      connectionStorageType: connection?.storageType,
      connectionFingerprint: connection?.fingerprint,
      connectionSecretMasks: connection?.secretMasks,
      credentials: args.credentials === undefined ? undefined : pulumi.secret(args.credentials),
      fileFormat:
        args.fileFormat instanceof FileFormatResource
          ? { formatName: args.fileFormat.name, formatFingerprint: args.fileFormat.fingerprint }
          : args.fileFormat,
      comment: args.comment,
      onConnectionChange: args.onConnectionChange,
      forceDestroy: args.forceDestroy,
      adopt: args.adopt,
      verify: args.verify,
      verifyTimeoutSeconds: args.verifyTimeoutSeconds,
      stageType: undefined,
      capturedConnection: undefined,
      secretMasks: undefined,
      readable: undefined,
      verifiedAt: undefined,
      accessProblem: undefined,
    };
    // Register only what exists: every declared property costs the program an output per resource.
    for (const key of Object.keys(props)) {
      if (props[key] === undefined && !DECLARED_OUTPUTS.has(key)) delete props[key];
    }
    for (const [key, value] of Object.entries(args as unknown as Record<string, unknown>)) {
      // Unknown keys go through so check() names them at preview time.
      if (!(key in props) && key !== "connection" && value !== undefined)
        props[key] = value as pulumi.Input<unknown>;
    }
    super("stage", "Stage", resourceName, props, {
      ...opts,
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "credentials"],
    });

    if (!connection) {
      this.connectionDrift = pulumi.output(false);
      return;
    }
    this.connectionDrift = pulumi
      .all([this.capturedConnection, connection.fingerprint, connection.name, this.name])
      .apply(
        ([cap, fp, name, stageName]) =>
          staleCopyWarning({
            stageName,
            captured: cap,
            connectionName: name,
            connectionFingerprint: fp,
            onConnectionChange: "keep",
          }) !== undefined,
      );
    pulumi
      .all([
        this.capturedConnection,
        connection.fingerprint,
        connection.name,
        args.onConnectionChange,
        this.name,
      ])
      .apply(([cap, fp, name, policy, stageName]) => {
        const warning = staleCopyWarning({
          stageName,
          captured: cap,
          connectionName: name,
          connectionFingerprint: fp,
          onConnectionChange: policy,
        });
        // Pulumi's usual behaviour: shown by the preview, and again by the update that follows it.
        if (warning) pulumi.log.warn(warning, this);
      });
  }
}
