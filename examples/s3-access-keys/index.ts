// The seed example as code:
//   CREATE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = '...' SECRET_ACCESS_KEY = '...';
//   CREATE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto');
// Config: databend:dsn (secret), accessKeyId, secretAccessKey (secret), and for S3-compatible
// endpoints endpointUrl and region.
import * as pulumi from "@pulumi/pulumi";
import { Connection, Stage } from "pulumi-databend";

const cfg = new pulumi.Config();

const toronto = new Connection("toronto", {
  storageType: "s3",
  accessKeyId: cfg.require("accessKeyId"),
  secretAccessKey: cfg.requireSecret("secretAccessKey"),
  endpointUrl: cfg.get("endpointUrl"),
  region: cfg.get("region"),
});

const stage = new Stage("my_s3_stage", {
  url: "s3://databend-toronto/",
  connection: toronto,
});

export const connectionName = toronto.name;
export const connectionFingerprint = toronto.fingerprint;
export const stageName = stage.name;
export const capturedConnection = stage.capturedConnection;
export const connectionDrift = stage.connectionDrift;
