// What the pipeline deploys: an S3 connection with access keys and an external stage on it.
//
// Settings that are not secret live in the committed stack config (Pulumi.<stack>.yaml):
//   databend-ci:prefix       prefix of the Databend object names (default: ci)
//   databend-ci:stageUrl     the stage's URL, e.g. s3://my-data/raw/
//   databend-ci:endpointUrl  for S3-compatible stores only; databend-ci:region likewise
//   databend-ci:comment      the stage's comment
// Secrets come from the CI's secret store, as environment variables, never from files:
//   DATABEND_DSN             read by the provider itself (user, password, host)
//   STAGE_ACCESS_KEY_ID, STAGE_SECRET_ACCESS_KEY   the key Databend uses to read the bucket
import * as pulumi from "@pulumi/pulumi";
import { Connection, Stage } from "pulumi-databend";

const cfg = new pulumi.Config();
const prefix = cfg.get("prefix") ?? "ci";

function fromSecretStore(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: add it to the CI's secret store and pass it to the job`);
  return value;
}

const connection = new Connection(`${prefix}_conn`, {
  storageType: "s3",
  accessKeyId: fromSecretStore("STAGE_ACCESS_KEY_ID"),
  secretAccessKey: pulumi.secret(fromSecretStore("STAGE_SECRET_ACCESS_KEY")),
  endpointUrl: cfg.get("endpointUrl"),
  region: cfg.get("region"),
});

// verify: Databend itself lists the stage after every change, and the drift job's refresh checks it
// again: a revoked key or a changed bucket policy fails the drift job, naming the stage and the cause.
const stage = new Stage(`${prefix}_stage`, {
  url: cfg.require("stageUrl"),
  connection,
  comment: cfg.get("comment"),
  verify: true,
});

export const connectionName = connection.name;
export const stageName = stage.name;
export const connectionDrift = stage.connectionDrift;
export const stageReadable = stage.readable;
