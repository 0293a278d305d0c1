import { AccessVerificationError, isAccessVerificationError } from "../errors/AccessVerificationError";
import { maskSecrets } from "../secrets/mask";
import { ACCESS_DENIED, awsErrorName, isAwsError } from "./awsErrors";
import { PrincipalArn, principalCovers } from "./principalArn";
import type { S3Api } from "./s3Client";
import type { StsApi, TemporaryCredentials } from "./stsClient";

/** How long a verification keeps retrying denials, by default (IAM is eventually consistent). */
export const DEFAULT_VERIFY_TIMEOUT_MS = 60_000;

/** First and largest wait between attempts. */
const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 8_000;

/** Session name of the verification's AssumeRole (shows in CloudTrail). */
export const VERIFY_SESSION_NAME = "pulumi-databend-verify";

/** What a verification needs. `sleep` and `now` are injectable so tests need not wait. */
export interface VerifyDeps {
  /** STS, with the deployment's credentials. */
  readonly sts: StsApi;
  /** S3, used with the assumed role's credentials. */
  readonly s3: S3Api;
  /** Total time to keep retrying denials. */
  readonly timeoutMs: number;
  /** Waits `ms` milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  /** The current time in milliseconds. */
  readonly now: () => number;
}

/** The role and location to verify. */
export interface VerifyTarget {
  /** The role to assume. */
  readonly roleArn: string;
  /** The external ID to present. */
  readonly externalId: string;
  /** The principal the trust policy names. */
  readonly principal: PrincipalArn;
  /** The bucket to list. */
  readonly bucket: string;
  /** Normalised prefix (`""` for the whole bucket). */
  readonly prefix: string;
  /** Name of the role's inline access policy (for messages). */
  readonly policyName: string;
}

function maskedMessage(e: unknown, secrets: readonly string[]): string {
  const name = awsErrorName(e);
  const text = maskSecrets(e instanceof Error ? e.message : String(e), secrets);
  return name ? `${name}: ${text}` : text;
}

async function assume(deps: VerifyDeps, t: VerifyTarget, caller: string): Promise<TemporaryCredentials> {
  try {
    return await deps.sts.assumeRole(t.roleArn, t.externalId, VERIFY_SESSION_NAME);
  } catch (e) {
    const denied = isAwsError(e, ...ACCESS_DENIED);
    const why = denied
      ? `missing permission sts:AssumeRole: the role's trust policy must let ${t.principal.arn} assume it with ` +
        `this external ID (condition sts:ExternalId), and ${caller} needs sts:AssumeRole on the role`
      : maskedMessage(e, [t.externalId]);
    throw new AccessVerificationError(
      `verify: sts:AssumeRole on ${t.roleArn} failed: ${why}`,
      "sts:AssumeRole",
      denied,
    );
  }
}

async function list(deps: VerifyDeps, t: VerifyTarget, creds: TemporaryCredentials): Promise<void> {
  const secrets = [t.externalId, creds.secretAccessKey, creds.sessionToken];
  try {
    await deps.s3.listPrefix(creds, t.bucket, t.prefix);
  } catch (e) {
    const where = `s3://${t.bucket}/${t.prefix}`;
    if (isAwsError(e, "NoSuchBucket")) {
      throw new AccessVerificationError(
        `verify: listing ${where} failed: bucket '${t.bucket}' does not exist`,
        "s3:ListBucket",
        false,
      );
    }
    // Fresh session credentials can be briefly unknown to S3, like fresh policies.
    const denied = isAwsError(e, ...ACCESS_DENIED, "InvalidAccessKeyId");
    const why = denied
      ? `missing permission s3:ListBucket on arn:${t.principal.partition}:s3:::${t.bucket} for s3:prefix ` +
        `'${t.prefix}': the role's inline policy '${t.policyName}', its permissions boundary, an SCP or the ` +
        "bucket policy denies it"
      : maskedMessage(e, secrets);
    throw new AccessVerificationError(
      `verify: listing ${where} as the role failed: ${why}`,
      "s3:ListBucket",
      denied,
    );
  }
}

/**
 * Uses the role as Databend would: assumes it with the external ID (STS), then lists the prefix (S3).
 * Denials are retried with exponential backoff (1 s, 2 s, 4 s, then 8 s) for `timeoutMs` in all,
 * because new and changed IAM policies take a few seconds to apply; other failures are final.
 *
 * The calls run with the deployment's own AWS credentials, so the trust policy must cover them: this
 * is checked first (`sts:GetCallerIdentity`), and fails at once with an explanation when it does not.
 *
 * @returns the number of attempts it took.
 * @throws AccessVerificationError naming the step and the missing permission.
 */
export async function verifyStageAccess(deps: VerifyDeps, t: VerifyTarget): Promise<number> {
  let caller: string;
  try {
    caller = await deps.sts.callerArn();
  } catch (e) {
    throw new AccessVerificationError(
      `verify: sts:GetCallerIdentity failed, so the deployment has no usable AWS credentials: ${maskedMessage(e, [])}`,
      "sts:GetCallerIdentity",
      false,
    );
  }
  if (!principalCovers(t.principal, caller)) {
    throw new AccessVerificationError(
      `verify: cannot assume ${t.roleArn} as ${caller}: its trust policy only trusts ${t.principal.arn}, and ` +
        "verification runs with the deployment's own credentials. Run it as that principal, or set verify: false " +
        "and check from Databend (LIST @<stage>)",
      "sts:AssumeRole",
      false,
    );
  }
  const start = deps.now();
  let delay = FIRST_DELAY_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const creds = await assume(deps, t, caller);
      await list(deps, t, creds);
      return attempt;
    } catch (e) {
      if (!isAccessVerificationError(e) || !e.retryable) throw e;
      const elapsed = deps.now() - start;
      if (elapsed + delay > deps.timeoutMs) {
        throw new AccessVerificationError(
          `${e.message} (still failing after ${attempt} attempts over ${Math.round(elapsed / 1000)} s; IAM changes ` +
            "normally apply within seconds, so a policy is likely wrong)",
          e.action,
          false,
        );
      }
      await deps.sleep(delay);
      delay = Math.min(delay * 2, MAX_DELAY_MS);
    }
  }
}
