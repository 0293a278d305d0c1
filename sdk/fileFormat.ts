import * as pulumi from "@pulumi/pulumi";
import { DynamicResource } from "./dynamicResource";
import type { AvroFileFormat, FileFormat as StageFileFormat, NamedFileFormat, OrcFileFormat } from "./stage";

/**
 * The type and options of a named file format: those of a stage's inline `fileFormat`, except the
 * types Databend's `CREATE FILE FORMAT` does not take (ORC and AVRO; set those inline on the stage).
 */
export type FileFormatOptions = Exclude<StageFileFormat, NamedFileFormat | OrcFileFormat | AvroFileFormat>;

/** Arguments every file format takes besides its type and options. */
export interface FileFormatArgsBase {
  /**
   * The file format's name in Databend: lowercase letters, digits and underscores, not starting with a
   * digit. Changing it creates a format of the new name before the old one is dropped. Defaults to the
   * resource name.
   */
  readonly name?: pulumi.Input<string>;
  /**
   * Take over a file format of the same name that already exists in Databend (its options are replaced
   * by these). Without it, creating over an existing format fails, so nothing is overwritten.
   */
  readonly adopt?: pulumi.Input<boolean>;
}

/** Arguments of a {@link FileFormat}: a name, a `type` and that type's options (checked at preview). */
export type FileFormatArgs = FileFormatArgsBase & FileFormatOptions;

/**
 * A named Databend file format (`CREATE FILE FORMAT name TYPE = ... options`). A change of its options
 * is applied in place (`CREATE OR REPLACE FILE FORMAT`). Pass it to a {@link Stage}'s `fileFormat`: the
 * stage is created after it, and, because a stage copies a named format's options when it is created
 * (it keeps no link to the format), a later change of this format makes that stage copy the new
 * options again (`ALTER STAGE ... SET FILE_FORMAT`, Databend 1.2.867 and later).
 *
 * @example
 * ```ts
 * const csv = new FileFormat("csv-pipe", { name: "csv_pipe", type: "CSV", fieldDelimiter: "|", skipHeader: 1 });
 * new Stage("landing", { name: "landing", fileFormat: csv });
 * ```
 */
export class FileFormat extends DynamicResource {
  /** The file format's name in Databend. */
  declare readonly name: pulumi.Output<string>;
  /** The format type (`CSV`, `TSV`, `NDJSON`, `PARQUET`, ...). */
  declare readonly type: pulumi.Output<string>;
  /** A digest of the type and options, which changes when, and only when, the format changes. */
  declare readonly fingerprint: pulumi.Output<string>;

  /**
   * @param resourceName - The Pulumi resource name (and the default Databend name).
   * @param args - The name, type and options.
   * @param opts - Resource options.
   */
  constructor(resourceName: string, args: FileFormatArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, pulumi.Input<unknown> | undefined> = {
      name: args.name ?? resourceName,
      fingerprint: undefined,
    };
    for (const [key, value] of Object.entries(args as unknown as Record<string, unknown>)) {
      // Unknown keys go through so check() names them at preview time.
      if (key !== "name" && value !== undefined) props[key] = value as pulumi.Input<unknown>;
    }
    super("fileFormat", "FileFormat", resourceName, props, opts);
  }
}
