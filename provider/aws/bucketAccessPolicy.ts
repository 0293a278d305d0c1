import { CheckFailure, ValidationError } from "../errors/ValidationError";
import { POLICY_VERSION, PolicyResult, PolicyStatement, toPolicyResult } from "./policyDocument";
import { AWS_PARTITIONS, AwsPartition } from "./principalArn";
import { bucketNameProblem, normalizePrefix } from "./s3Location";

/** What Databend may do under the prefix: `read` (list, read) or `readwrite` (also write and delete). */
export type StageAccess = "read" | "readwrite";

/** The values of {@link StageAccess}. */
export const STAGE_ACCESS_LEVELS: readonly StageAccess[] = ["read", "readwrite"];

/** Arguments of {@link bucketAccessPolicy}. */
export interface BucketAccessPolicyArgs {
  /** The bucket name (not a URL or ARN). */
  readonly bucket: string;
  /**
   * The key prefix (folder) Databend may use; `""` or absent for the whole bucket. Normalised to end
   * in `/`; a leading `/` is dropped. `*`, `?` and `$` are refused.
   */
  readonly prefix?: string;
  /** `read` or `readwrite`. */
  readonly access: StageAccess;
  /** Partition of the bucket ARN. Defaults to `aws`. */
  readonly partition?: AwsPartition;
}

/** Read actions on objects: COPY INTO a table, SELECT from a stage, LIST. */
export const READ_OBJECT_ACTIONS: readonly string[] = ["s3:GetObject"];

/**
 * Write actions on objects, for `readwrite`: unload (COPY INTO a location, which uses multipart
 * uploads: s3:PutObject covers creating, uploading and completing them; aborting one needs
 * s3:AbortMultipartUpload), PUT/upload, REMOVE and PURGE.
 */
export const WRITE_OBJECT_ACTIONS: readonly string[] = [
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:AbortMultipartUpload",
];

/** Failures of {@link BucketAccessPolicyArgs}, each naming the property. */
export function bucketAccessPolicyFailures(args: BucketAccessPolicyArgs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const bucketProblem = bucketNameProblem(String(args.bucket ?? ""));
  if (bucketProblem) failures.push({ property: "bucket", reason: bucketProblem });
  const prefix = normalizePrefix(args.prefix);
  if ("reason" in prefix) failures.push({ property: "prefix", reason: prefix.reason });
  if (!STAGE_ACCESS_LEVELS.includes(args.access)) {
    failures.push({ property: "access", reason: `must be one of ${STAGE_ACCESS_LEVELS.join(", ")}` });
  }
  if (args.partition !== undefined && !AWS_PARTITIONS.includes(args.partition)) {
    failures.push({ property: "partition", reason: `must be one of ${AWS_PARTITIONS.join(", ")}` });
  }
  return failures;
}

/**
 * A least-privilege permissions policy for a stage on `s3://bucket/prefix`:
 * - `s3:ListBucket` on the bucket, limited by an `s3:prefix` condition to the prefix and what is
 *   under it (no condition for the whole bucket);
 * - `s3:GetObject` on `bucket/prefix*` only;
 * - for `readwrite` only, `s3:PutObject`, `s3:DeleteObject` and `s3:AbortMultipartUpload` on the same
 *   objects.
 *
 * `s3:GetBucketLocation` is not granted: Databend finds a bucket's region from the
 * `x-amz-bucket-region` header of an unauthenticated HEAD request, or takes it from the connection's
 * `region`.
 *
 * @throws ValidationError when the bucket, prefix or access level is invalid.
 * @example
 * ```ts
 * const { json } = bucketAccessPolicy({ bucket: "my-data", prefix: "databend/", access: "read" });
 * ```
 */
export function bucketAccessPolicy(args: BucketAccessPolicyArgs): PolicyResult {
  const failures = bucketAccessPolicyFailures(args);
  const normalized = normalizePrefix(args.prefix);
  if (failures.length || "reason" in normalized) throw new ValidationError("bucketAccessPolicy", failures);
  const prefix = normalized.prefix;
  const bucketArn = `arn:${args.partition ?? "aws"}:s3:::${args.bucket}`;
  const objects = `${bucketArn}/${prefix}*`;
  const list: PolicyStatement = {
    Sid: "ListStagePrefix",
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: bucketArn,
    ...(prefix ? { Condition: { StringLike: { "s3:prefix": [prefix, `${prefix}*`] } } } : {}),
  };
  const statements: PolicyStatement[] = [
    list,
    { Sid: "ReadStageObjects", Effect: "Allow", Action: [...READ_OBJECT_ACTIONS], Resource: objects },
  ];
  if (args.access === "readwrite") {
    statements.push({
      Sid: "WriteStageObjects",
      Effect: "Allow",
      Action: [...WRITE_OBJECT_ACTIONS],
      Resource: objects,
    });
  }
  return toPolicyResult({ Version: POLICY_VERSION, Statement: statements });
}
