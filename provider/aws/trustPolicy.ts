import { CheckFailure, ValidationError } from "../errors/ValidationError";
import { externalIdProblem } from "./externalId";
import { POLICY_VERSION, PolicyResult, toPolicyResult } from "./policyDocument";
import { parsePrincipalArn } from "./principalArn";

/** Arguments of {@link trustPolicy}. */
export interface TrustPolicyArgs {
  /**
   * The principal Databend assumes the role as: for Databend Cloud, the organisation role ARN that
   * Databend support gives you (`arn:aws:iam::<account>:role/...`). A user ARN or an account root
   * (`arn:aws:iam::<account>:root`) is accepted too.
   */
  readonly databendPrincipalArn: string;
  /** The external ID Databend must present (`EXTERNAL_ID` of the connection). */
  readonly externalId: string;
}

/** Statement ID of the trust policy's only statement. */
export const TRUST_STATEMENT_SID = "DatabendAssumeRole";

/** Failures of {@link TrustPolicyArgs}, each naming the property (the external ID is never echoed). */
export function trustPolicyFailures(args: TrustPolicyArgs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const parsed = parsePrincipalArn(String(args.databendPrincipalArn ?? ""));
  if ("reason" in parsed) failures.push({ property: "databendPrincipalArn", reason: parsed.reason });
  const idProblem = externalIdProblem(String(args.externalId ?? ""));
  if (idProblem) failures.push({ property: "externalId", reason: idProblem });
  return failures;
}

/**
 * The role's trust policy: lets `databendPrincipalArn` call `sts:AssumeRole`, only with the given
 * external ID (`StringEquals` on `sts:ExternalId`).
 *
 * @throws ValidationError when the ARN is not an IAM principal ARN or the external ID is malformed.
 * @example
 * ```ts
 * const { json } = trustPolicy({
 *   databendPrincipalArn: "arn:aws:iam::123456789012:role/databend-cloud",
 *   externalId: "my-external-id-123",
 * });
 * ```
 */
export function trustPolicy(args: TrustPolicyArgs): PolicyResult {
  const failures = trustPolicyFailures(args);
  if (failures.length) throw new ValidationError("trustPolicy", failures);
  return toPolicyResult({
    Version: POLICY_VERSION,
    Statement: [
      {
        Sid: TRUST_STATEMENT_SID,
        Effect: "Allow",
        Principal: { AWS: args.databendPrincipalArn },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": args.externalId } },
      },
    ],
  });
}
