import { createHash } from "crypto";

/** IAM role names: 1 to 64 letters, digits and `+=,.@_-` (JSON-schema pattern). */
export const ROLE_NAME_PATTERN = "^[\\w+=,.@-]{1,64}$";

/** Human description of {@link ROLE_NAME_PATTERN}. */
export const ROLE_NAME_RULE = "an IAM role name: 1 to 64 letters, digits and +=,.@_-";

/** IAM paths: `/`, or `/` + printable ASCII + `/`, at most 512 characters (JSON-schema pattern). */
export const ROLE_PATH_PATTERN = "^(/|/[\\x21-\\x7E]{1,510}/)$";

/** Human description of {@link ROLE_PATH_PATTERN}. */
export const ROLE_PATH_RULE = "an IAM path: / or /segments/ of printable ASCII, at most 512 characters";

/** Permissions-boundary policy ARNs (customer or AWS managed) (JSON-schema pattern). */
export const POLICY_ARN_PATTERN =
  "^arn:(aws|aws-cn|aws-us-gov):iam::([0-9]{12}|aws):policy/[\\x21-\\x7E]{1,1000}$";

/** Human description of {@link POLICY_ARN_PATTERN}. */
export const POLICY_ARN_RULE = "a managed policy ARN such as arn:aws:iam::123456789012:policy/boundary";

const MAX = 64;

/**
 * The role name used when none is given: the resource name with every run of characters IAM does not
 * allow replaced by `-`. Names longer than 64 characters are cut, and end in 8 hex characters of a
 * hash of the full name so that two long names stay distinct. Deterministic, so it never changes
 * between runs.
 */
export function defaultRoleName(resourceName: string): string {
  const cleaned = resourceName.replace(/[^\w+=,.@-]+/g, "-").replace(/^-+|-+$/g, "");
  const base = cleaned === "" ? "databend-stage-access" : cleaned;
  if (base.length <= MAX) return base;
  const hash = createHash("sha256").update(resourceName).digest("hex").slice(0, 8);
  return `${base.slice(0, MAX - 9)}-${hash}`;
}
