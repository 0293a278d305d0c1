// One connection per storage type besides S3, each with an external stage on it. As SQL:
//   CREATE CONNECTION mc_gcs STORAGE_TYPE = 'gcs' ENDPOINT_URL = '...' CREDENTIAL = '...';
//   CREATE STAGE mc_gcs_stage URL = 'gcs://<bucket>/raw/' CONNECTION = (CONNECTION_NAME = 'mc_gcs');
//   ... and the same for oss, cos, obs and webhdfs; azblob gets a connection only (see below).
//
// Config (every secret with `pulumi config set --secret`):
//   azureAccount, azureAccountKey (secret), azureContainer
//   gcsBucket, gcsCredential (secret: base64 of the service-account key JSON)
//   ossEndpoint, ossBucket, ossAccessKeyId, ossAccessKeySecret (secret)
//   cosEndpoint, cosBucket, cosSecretId (secret), cosSecretKey (secret)
//   obsEndpoint, obsBucket, obsAccessKeyId, obsSecretAccessKey (secret)
//   hdfsNameNode (host:port), hdfsUser, hdfsDelegation (secret)
import * as pulumi from "@pulumi/pulumi";
import { Connection, Stage } from "pulumi-databend";

const cfg = new pulumi.Config();

// Azure Blob Storage. Databend 1.2.895 refuses stages on azblob connections in its own metadata
// encoding (error 2001, "stage type: azblob ... not supported"), so this example creates the
// connection only; tables and COPY INTO can still use it. Add a Stage on
// `azblob://<container>/<path>/` once your server accepts it.
const azureAccount = cfg.get("azureAccount") ?? "mydatalake";
export const azblob = new Connection("mc_azblob", {
  storageType: "azblob",
  endpointUrl: `https://${azureAccount}.blob.core.windows.net`,
  accountName: azureAccount,
  accountKey: cfg.requireSecret("azureAccountKey"),
});
export const azblobContainerUrl = `azblob://${cfg.get("azureContainer") ?? "raw"}/events/`;

// Google Cloud Storage, with a service-account key.
const gcs = new Connection("mc_gcs", {
  storageType: "gcs",
  endpointUrl: "https://storage.googleapis.com",
  credential: cfg.requireSecret("gcsCredential"),
});
const gcsStage = new Stage("mc_gcs_stage", {
  url: `gcs://${cfg.get("gcsBucket") ?? "my-gcs-bucket"}/raw/`,
  connection: gcs,
  fileFormat: { type: "PARQUET" },
});

// Alibaba Cloud OSS.
const oss = new Connection("mc_oss", {
  storageType: "oss",
  endpointUrl: cfg.get("ossEndpoint") ?? "https://oss-cn-hangzhou.aliyuncs.com",
  accessKeyId: cfg.get("ossAccessKeyId") ?? "LTAI-example",
  accessKeySecret: cfg.requireSecret("ossAccessKeySecret"),
});
const ossStage = new Stage("mc_oss_stage", {
  url: `oss://${cfg.get("ossBucket") ?? "my-oss-bucket"}/raw/`,
  connection: oss,
  fileFormat: { type: "CSV", skipHeader: 1 },
});

// Tencent Cloud COS.
const cos = new Connection("mc_cos", {
  storageType: "cos",
  endpointUrl: cfg.get("cosEndpoint") ?? "https://cos.ap-guangzhou.myqcloud.com",
  secretId: cfg.requireSecret("cosSecretId"),
  secretKey: cfg.requireSecret("cosSecretKey"),
});
const cosStage = new Stage("mc_cos_stage", {
  url: `cos://${cfg.get("cosBucket") ?? "my-cos-bucket-1250000000"}/raw/`,
  connection: cos,
  fileFormat: { type: "NDJSON" },
});

// Huawei Cloud OBS.
const obs = new Connection("mc_obs", {
  storageType: "obs",
  endpointUrl: cfg.get("obsEndpoint") ?? "https://obs.cn-north-4.myhuaweicloud.com",
  accessKeyId: cfg.get("obsAccessKeyId") ?? "obs-example",
  secretAccessKey: cfg.requireSecret("obsSecretAccessKey"),
});
const obsStage = new Stage("mc_obs_stage", {
  url: `obs://${cfg.get("obsBucket") ?? "my-obs-bucket"}/raw/`,
  connection: obs,
});

// WebHDFS: the name node's host and port go in the stage URL; the connection holds the user and a
// delegation token.
const hdfs = new Connection("mc_webhdfs", {
  storageType: "webhdfs",
  userName: cfg.get("hdfsUser") ?? "etl",
  delegation: cfg.requireSecret("hdfsDelegation"),
});
const hdfsStage = new Stage("mc_webhdfs_stage", {
  url: `webhdfs://${cfg.get("hdfsNameNode") ?? "namenode:9870"}/data/raw/`,
  connection: hdfs,
});

export const stages = [gcsStage.name, ossStage.name, cosStage.name, obsStage.name, hdfsStage.name];
