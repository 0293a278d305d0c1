/**
 * AWS helpers for `ROLE_ARN` connections: the IAM documents Databend needs, and a resource that
 * creates the role.
 * @packageDocumentation
 */
export { StageAccessRole } from "./stageAccessRole";
export type { StageAccessRoleArgs } from "./stageAccessRole";
export { trustPolicy } from "../../provider/aws/trustPolicy";
export type { TrustPolicyArgs } from "../../provider/aws/trustPolicy";
export { bucketAccessPolicy } from "../../provider/aws/bucketAccessPolicy";
export type { BucketAccessPolicyArgs, StageAccess } from "../../provider/aws/bucketAccessPolicy";
export type {
  PolicyDocument,
  PolicyStatement,
  PolicyCondition,
  PolicyResult,
} from "../../provider/aws/policyDocument";
export type { AwsPartition } from "../../provider/aws/principalArn";
