// Internal stages: Databend keeps the files itself, so no URL and no connection. As SQL:
//   CREATE STAGE is_landing FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = ',' SKIP_HEADER = 1);
//   ALTER STAGE is_landing SET COMMENT = 'CSV drops from the nightly export';
//   CREATE STAGE is_events FILE_FORMAT = (TYPE = NDJSON COMPRESSION = GZIP MISSING_FIELD_AS = NULL NULL_IF = ('', 'NA'));
//   CREATE STAGE is_archive;                       -- default format: Parquet
//   CREATE FILE FORMAT is_pipe_csv TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1;
//   CREATE STAGE is_partners FILE_FORMAT = (FORMAT_NAME = 'is_pipe_csv');   -- copies its options
//   GRANT READ ON STAGE is_landing TO ROLE public;
//
// Config: databend:dsn (secret), or the DATABEND_DSN variable; `readerRole` (default `public`, every
// user: name your own role, which must exist).
import * as pulumi from "@pulumi/pulumi";
import { FileFormat, Stage, StageGrant } from "pulumi-databend";

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

// A named file format, and a stage that uses it: the stage copies the format's options when it is
// created, and copies them again when the format changes (the stage is listed as an update).
const pipeCsv = new FileFormat("is_pipe_csv", { type: "CSV", fieldDelimiter: "|", skipHeader: 1 });
const partners = new Stage("is_partners", { fileFormat: pipeCsv, comment: "pipe-delimited partner drops" });

// READ on the landing stage (LIST, SELECT, COPY INTO a table from it) for a role that must exist.
const readerRole = new pulumi.Config().get("readerRole") ?? "public";
new StageGrant("is_landing_read", { stage: landing, role: readerRole, privileges: ["READ"] });

export const landingStage = landing.name;
export const partnersStage = partners.name;
export const pipeCsvFormat = pipeCsv.name;
export const eventsStage = events.name;
export const archiveStage = archive.name;
export const stageType = landing.stageType;
