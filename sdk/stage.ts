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

/**
 * Compression of staged files. `SNAPPY`, `ZIP` and `LZO` are sent as quoted literals; `ZIP` needs
 * Databend 1.2.764 or later.
 */
export type FileCompression =
  | "AUTO"
  | "NONE"
  | "GZIP"
  | "BZ2"
  | "BROTLI"
  | "ZSTD"
  | "DEFLATE"
  | "RAWDEFLATE"
  | "XZ"
  | "SNAPPY"
  | "ZIP"
  | "LZO";

/** What an empty field becomes. */
export type EmptyFieldAs = "NULL" | "STRING" | "FIELD_DEFAULT";

/** Options shared by every typed file format that reads compressed files. */
interface CompressedFormat {
  /** Compression of staged files. Defaults to `AUTO`. */
  readonly compression?: FileCompression;
}

/** CSV files. */
export interface CsvFileFormat extends CompressedFormat {
  /** File format type: Comma-separated values. */
  readonly type: "CSV";
  /** Record delimiter: one byte that is not a letter or digit, or `\r\n`. Defaults to `\n`. */
  readonly recordDelimiter?: string;
  /**
   * Field delimiter: 1 to 20 bytes, not one letter or digit (more than one byte needs Databend
   * 1.2.874 or later). Defaults to `,`.
   */
  readonly fieldDelimiter?: string;
  /** Quote character: a single quote, a double quote or a backtick. Defaults to a double quote. */
  readonly quote?: "'" | '"' | "`";
  /** Escape character: a backslash or empty. Defaults to empty. */
  readonly escape?: "\\" | "";
  /** Number of header lines to skip. Defaults to `0`. */
  readonly skipHeader?: number;
  /** Text for NaN. */
  readonly nanDisplay?: "nan" | "NaN" | "null" | "NULL";
  /** Text for NULL. Defaults to `\N`. */
  readonly nullDisplay?: string;
  /** Fail when a row has the wrong number of columns. Defaults to `true`. */
  readonly errorOnColumnCountMismatch?: boolean;
  /** What an empty field becomes (`FIELD_DEFAULT` needs Databend 1.2.547 or later). Defaults to `NULL`. */
  readonly emptyFieldAs?: EmptyFieldAs;
  /** Write a header line when unloading. Defaults to `false`. */
  readonly outputHeader?: boolean;
  /** Encoding of binary values. Defaults to `HEX`. */
  readonly binaryFormat?: "HEX" | "BASE64";
  /** Trim spaces around fields (Databend 1.2.895 or later). Defaults to `false`. */
  readonly trimSpace?: boolean;
  /** Read a quoted NULL text as NULL (Databend 1.2.866 or later). Defaults to `false`. */
  readonly allowQuotedNulls?: boolean;
  /** What a quoted empty field becomes (Databend 1.2.866 or later). Defaults to `STRING`. */
  readonly quotedEmptyFieldAs?: EmptyFieldAs;
  /** Character encoding of the files, e.g. `GBK` (Databend 1.2.895 or later). Defaults to `UTF-8`. */
  readonly encoding?: string;
  /** What an invalid byte sequence does (Databend 1.2.895 or later). Defaults to `strict`. */
  readonly encodingErrorMode?: "strict" | "replace";
}

/** Options of tab-separated files, under either name (TSV or TEXT). */
interface TextFormatOptions extends CompressedFormat {
  /** Record delimiter: one byte that is not a letter or digit, or `\r\n`. Defaults to `\n`. */
  readonly recordDelimiter?: string;
  /**
   * Field delimiter: one byte that is not a letter or digit, or empty (empty needs Databend 1.2.886
   * or later). Defaults to a tab.
   */
  readonly fieldDelimiter?: string;
  /** Quote character: a single quote, a double quote or a backtick. */
  readonly quote?: "'" | '"' | "`";
  /** Escape character: a backslash or empty. Defaults to a backslash. */
  readonly escape?: "\\" | "";
  /** Number of header lines to skip. Defaults to `0`. */
  readonly skipHeader?: number;
  /** Text for NaN. */
  readonly nanDisplay?: "nan" | "NaN" | "null" | "NULL";
  /** Text for NULL (Databend 1.2.891 or later). Defaults to `\N`. */
  readonly nullDisplay?: string;
  /** What an empty field becomes (Databend 1.2.891 or later). Defaults to `FIELD_DEFAULT`. */
  readonly emptyFieldAs?: EmptyFieldAs;
  /** Fail when a row has the wrong number of columns (Databend 1.2.891 or later). Defaults to `true`. */
  readonly errorOnColumnCountMismatch?: boolean;
  /** Write a header line when unloading (Databend 1.2.891 or later). Defaults to `false`. */
  readonly outputHeader?: boolean;
  /** Trim spaces around fields (Databend 1.2.895 or later). Defaults to `false`. */
  readonly trimSpace?: boolean;
  /** Character encoding of the files (Databend 1.2.895 or later). Defaults to `UTF-8`. */
  readonly encoding?: string;
  /** What an invalid byte sequence does (Databend 1.2.895 or later). Defaults to `strict`. */
  readonly encodingErrorMode?: "strict" | "replace";
}

/** TSV files. */
export interface TsvFileFormat extends TextFormatOptions {
  /** File format type: Tab-separated values (Databend reports them as `Text`). */
  readonly type: "TSV";
}

/** TEXT files: Databend's newer name for TSV (Databend 1.2.890 or later). */
export interface TextFileFormat extends TextFormatOptions {
  /** File format type: Tab-separated values under their newer name. */
  readonly type: "TEXT";
}

/** Newline-delimited JSON files. */
export interface NdjsonFileFormat extends CompressedFormat {
  /** File format type: Newline-delimited JSON. */
  readonly type: "NDJSON";
  /** What a missing field becomes. Defaults to `ERROR`. */
  readonly missingFieldAs?: "ERROR" | "NULL" | "FIELD_DEFAULT";
  /** What a null field becomes. Defaults to `NULL`. */
  readonly nullFieldAs?: "NULL" | "FIELD_DEFAULT";
  /** Strings read as NULL. */
  readonly nullIf?: readonly string[];
}

/** Parquet files (Databend's default format). */
export interface ParquetFileFormat {
  /** File format type: Parquet. */
  readonly type: "PARQUET";
  /** Compression when unloading (Databend 1.2.713 or later). Defaults to `ZSTD`. */
  readonly compression?: FileCompression;
  /** What a missing field becomes. Defaults to `ERROR`. */
  readonly missingFieldAs?: "ERROR" | "NULL" | "FIELD_DEFAULT";
  /** Read logical types, not their physical representation (Databend 1.2.764 or later). Defaults to `true`. */
  readonly useLogicType?: boolean;
  /** Strings read as NULL (Databend 1.2.528 or later). */
  readonly nullIf?: readonly string[];
}

/** ORC files (Databend 1.2.513 or later). */
export interface OrcFileFormat {
  /** File format type: ORC. */
  readonly type: "ORC";
  /** What a missing field becomes. Defaults to `ERROR`. */
  readonly missingFieldAs?: "ERROR" | "NULL" | "FIELD_DEFAULT";
}

/** Avro files (Databend 1.2.704 or later). */
export interface AvroFileFormat extends CompressedFormat {
  /** File format type: Avro. */
  readonly type: "AVRO";
  /** What a missing field becomes (Avro takes no `NULL` here). Defaults to `ERROR`. */
  readonly missingFieldAs?: "ERROR" | "FIELD_DEFAULT";
  /** Read logical types, not their physical representation (Databend 1.2.764 or later). Defaults to `true`. */
  readonly useLogicType?: boolean;
  /** Strings read as NULL. */
  readonly nullIf?: readonly string[];
}

/** JSON documents. */
export interface JsonFileFormat extends CompressedFormat {
  /** File format type: JSON. */
  readonly type: "JSON";
}

/** XML files. Databend 1.2.470 and later keep this format on a stage but no longer read XML files. */
export interface XmlFileFormat extends CompressedFormat {
  /** File format type: XML. */
  readonly type: "XML";
  /** The element that holds one row, at most 1024 bytes (empty needs 1.2.470 or later). Defaults to `row`. */
  readonly rowTag?: string;
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
  | TextFileFormat
  | JsonFileFormat
  | XmlFileFormat
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
