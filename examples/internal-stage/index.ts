// Internal stages: Databend keeps the files itself, so no URL and no connection. As SQL:
//   CREATE STAGE is_landing FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ',' SKIP_HEADER = 1);
//   ALTER STAGE is_landing SET COMMENT = 'CSV drops from the nightly export';
//   CREATE STAGE is_events FILE_FORMAT = (TYPE = NDJSON COMPRESSION = GZIP MISSING_FIELD_AS = NULL NULL_IF = ('', 'NA'));
//   CREATE STAGE is_archive;                       -- default format: Parquet
//
// Config: databend:dsn (secret), or the DATABEND_DSN variable. Nothing else.
import { Stage } from "pulumi-databend";

// CSV with a header line. forceDestroy: `pulumi destroy` drops it even when it holds files (without
// it, the provider refuses to drop, or to replace, a stage that holds files).
const landing = new Stage("is_landing", {
  fileFormat: { type: "CSV", fieldDelimiter: ",", skipHeader: 1 },
  comment: "CSV drops from the nightly export",
  forceDestroy: true,
});

// Gzipped newline-delimited JSON: a missing field reads as NULL, and so do the strings "" and "NA".
// Without forceDestroy: once files are in it, `pulumi destroy` stops with an error that says how many
// files it holds.
const events = new Stage("is_events", {
  fileFormat: { type: "NDJSON", compression: "GZIP", missingFieldAs: "NULL", nullIf: ["", "NA"] },
  comment: "raw events",
});

// Databend's default file format (Parquet).
const archive = new Stage("is_archive", {});

export const landingStage = landing.name;
export const eventsStage = events.name;
export const archiveStage = archive.name;
export const stageType = landing.stageType;
