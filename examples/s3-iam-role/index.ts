// An IAM role for Databend, a ROLE_ARN connection and a stage, in one `pulumi up`. As SQL plus IAM:
//   aws iam create-role --role-name raw-stage-access --assume-role-policy-document <trust policy>
//   aws iam put-role-policy --role-name raw-stage-access --policy-name databend-stage-access ...
//   CREATE CONNECTION raw_conn STORAGE_TYPE = 's3' ROLE_ARN = '<role ARN>' EXTERNAL_ID = '<external ID>';
//   CREATE STAGE raw_stage URL = 's3://<bucket>/raw/' CONNECTION = (CONNECTION_NAME = 'raw_conn');
//
// Config:
//   databend:dsn                          Databend DSN (secret), or the DATABEND_DSN variable
//   aws:region                            or AWS_REGION; AWS credentials come from the SDK's default chain
//   s3-iam-role:databendPrincipalArn      Databend Cloud's principal ARN (from Databend support)
//   s3-iam-role:bucket                    the S3 bucket
//   s3-iam-role:prefix                    folder in the bucket; defaults to raw/
//   s3-iam-role:access                    read (default) or readwrite
//   s3-iam-role:name                      base name of the objects; defaults to raw
//   s3-iam-role:verify                    true: once the role exists, assume it with the deployment's own
//                                         AWS credentials and list the prefix, retrying while IAM
//                                         propagates (only works when that identity is the principal)
import * as pulumi from "@pulumi/pulumi";
import * as databend from "pulumi-databend";

const cfg = new pulumi.Config();
const name = cfg.get("name") ?? "raw";

// The role trusts Databend's principal, only with an external ID that is generated once, kept
// across updates, and stored as a secret.
const role = new databend.aws.StageAccessRole(`${name}-stage-access`, {
  databendPrincipalArn: cfg.require("databendPrincipalArn"),
  bucket: cfg.require("bucket"),
  prefix: cfg.get("prefix") ?? "raw/",
  access: cfg.get("access") === "readwrite" ? "readwrite" : "read",
  verify: cfg.getBoolean("verify") ?? false,
});

// The role's outputs feed the connection, and the connection feeds the stage: Pulumi creates them in
// that order, so no second `pulumi up` is needed.
const connection = new databend.Connection(`${name}_conn`, {
  storageType: "s3",
  roleArn: role.roleArn,
  externalId: role.externalId,
});

const stage = new databend.Stage(`${name}_stage`, {
  url: role.stageUrl,
  connection,
});

export const roleArn = role.roleArn;
export const roleName = role.roleName;
export const stageUrl = role.stageUrl;
export const accessPolicy = role.accessPolicy;
/** Secret: it contains the external ID. Show it with `pulumi stack output trustPolicy --show-secrets`. */
export const trustPolicy = role.trustPolicy;
export const connectionName = connection.name;
export const stageName = stage.name;
