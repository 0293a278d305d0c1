/**
 * IAM principal ARNs: the Databend principal a trust policy names, and the caller a verification
 * runs as. Pure functions, no AWS SDK.
 */

/** AWS partitions whose IAM ARNs are accepted. */
export const AWS_PARTITIONS = ["aws", "aws-cn", "aws-us-gov"] as const;

/** One of {@link AWS_PARTITIONS}. */
export type AwsPartition = (typeof AWS_PARTITIONS)[number];

/** A parsed IAM principal ARN: an account root, a role or a user. */
export interface PrincipalArn {
  /** The ARN as given. */
  readonly arn: string;
  /** Its partition, e.g. `aws`. */
  readonly partition: AwsPartition;
  /** The 12-digit account ID. */
  readonly accountId: string;
  /** `root` (the whole account), `role` or `user`. */
  readonly kind: "root" | "role" | "user";
  /** IAM path of a role or user (`/` when none); `/` for root. */
  readonly path: string;
  /** Role or user name; empty for root. */
  readonly name: string;
}

/** The result of {@link parsePrincipalArn}: the principal, or why the text is not one. */
export type ParsedPrincipal =
  | {
      /** The parsed principal. */
      readonly principal: PrincipalArn;
    }
  | {
      /** Why the text is not a principal ARN. */
      readonly reason: string;
    };

/** Characters of an IAM role or user name. */
export const IAM_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

/** A printable ASCII character other than `/`, `*` and `?` (one character of an IAM path segment). */
const PATH_SEGMENT = /^[\x21-\x29\x2B-\x2E\x30-\x3E\x40-\x7E]+$/;

const EXAMPLE = "arn:aws:iam::123456789012:role/databend-cloud";

function isPartition(p: string): p is AwsPartition {
  return (AWS_PARTITIONS as readonly string[]).includes(p);
}

/**
 * Parses an IAM principal ARN: `arn:<partition>:iam::<12-digit account>:root`, `...:role/[path/]name`
 * or `...:user/[path/]name`. Wildcards are refused (a trust policy must name exactly one principal), and
 * so are STS session ARNs and bare account IDs, each with the form to use instead.
 */
export function parsePrincipalArn(arn: string): ParsedPrincipal {
  if (/^[0-9]{12}$/.test(arn)) {
    return {
      reason: `is an account ID; use arn:aws:iam::${arn}:root to trust the account, or a role ARN like ${EXAMPLE}`,
    };
  }
  if (/[*?]/.test(arn)) {
    return { reason: "must not contain wildcards (* or ?): a trust policy must name exactly one principal" };
  }
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return { reason: `must be an IAM ARN such as ${EXAMPLE}` };
  const [, partition = "", service = "", region = "", accountId = ""] = parts;
  const resource = parts.slice(5).join(":");
  if (!isPartition(partition)) {
    return { reason: `has partition '${partition}'; allowed: ${AWS_PARTITIONS.join(", ")}` };
  }
  if (service === "sts" && resource.startsWith("assumed-role/")) {
    const role = resource.split("/")[1] ?? "<name>";
    return {
      reason: `is an STS session ARN; trust the role itself: arn:${partition}:iam::${accountId}:role/${role} (with its path, if any)`,
    };
  }
  if (service !== "iam")
    return { reason: `must be an IAM ARN (arn:${partition}:iam::...), not a '${service}' ARN` };
  if (region !== "")
    return { reason: "must have an empty region field (IAM ARNs look like arn:aws:iam::<account>:...)" };
  if (!/^[0-9]{12}$/.test(accountId))
    return { reason: `must have a 12-digit account ID, not '${accountId}'` };
  if (resource === "root") {
    return { principal: { arn, partition, accountId, kind: "root", path: "/", name: "" } };
  }
  const m = /^(role|user)\/(.+)$/.exec(resource);
  if (!m) return { reason: `must name root, role/<name> or user/<name>, not '${resource}'` };
  const kind = m[1] as "role" | "user";
  const segments = (m[2] as string).split("/");
  const name = segments.pop() as string;
  if (!IAM_NAME_PATTERN.test(name)) {
    return { reason: `has ${kind} name '${name}'; names are 1 to 64 of letters, digits and +=,.@_-` };
  }
  if (segments.some((s) => !PATH_SEGMENT.test(s))) {
    return { reason: `has an invalid ${kind} path: segments are non-empty printable ASCII` };
  }
  const path = segments.length ? `/${segments.join("/")}/` : "/";
  if (path.length > 512) return { reason: `has a ${kind} path longer than 512 characters` };
  return { principal: { arn, partition, accountId, kind, path, name } };
}

/**
 * Whether `callerArn` (what `sts:GetCallerIdentity` returns) is covered by a trust policy naming
 * `principal`: any identity of the account for `root`, a session of the role for `role`, the user
 * itself for `user`.
 */
export function principalCovers(principal: PrincipalArn, callerArn: string): boolean {
  const parts = callerArn.split(":");
  if (parts.length < 6 || parts[4] !== principal.accountId || parts[1] !== principal.partition) return false;
  const resource = parts.slice(5).join(":");
  if (principal.kind === "root") return true;
  const segments = resource.split("/");
  if (principal.kind === "role") {
    return parts[2] === "sts" && segments[0] === "assumed-role" && segments[1] === principal.name;
  }
  return parts[2] === "iam" && segments[0] === "user" && segments[segments.length - 1] === principal.name;
}
