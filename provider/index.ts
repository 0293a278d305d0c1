/**
 * pulumi-databend provider: host-agnostic CRUD for Databend connections and stages (and the AWS IAM
 * role behind ROLE_ARN). Nothing here imports the Pulumi runtime; the SDK's dynamic-provider shims
 * and any other host call {@link handlersFor} and {@link configure}.
 */
import { getSession } from "./client/databendClient";
import { dsnReadingProblem } from "./client/dsn";
import { maskHandlerErrors } from "./secrets/handlerErrors";
import { dsnPassword, dsnPasswordAsWritten } from "./secrets/mask";
import { NO_DSN_MESSAGE, findDsn } from "./settings";
import { connectionHandlers } from "./resources/connection";
import { stageHandlers } from "./resources/stage";
import { fileFormatHandlers } from "./resources/fileFormat";
import { grantHandlers } from "./resources/grant";
import { stageAccessRoleHandlers } from "./resources/stageAccessRole";
import { iamApi } from "./aws/iamClient";
import { s3Api } from "./aws/s3Client";
import { stsApi } from "./aws/stsClient";
import type { ResourceHandlers } from "./resources/handlers";

export {
  configure,
  getSettings,
  RECAPTURE_VARIABLE,
  ADOPT_VARIABLE,
  DEFAULT_CONNECT_TIMEOUT_SECONDS,
  DEFAULT_QUERY_TIMEOUT_SECONDS,
} from "./settings";
export type { ProviderSettings } from "./settings";
export { staleCopyWarning } from "./resources/stage";
export type { CapturedConnection } from "./resources/stage";
export { setNoticeSink } from "./resources/notices";
export type { NoticeSink, NoticeSeverity } from "./resources/notices";
export { resetClaims } from "./resources/claims";
export {
  STACK_KEY,
  setStackIdentity,
  stackIdentityFromUrn,
  stackIdentityOf,
} from "./resources/stackIdentity";
export { connectionFingerprint, FINGERPRINT_PREFIX } from "./storage/fingerprint";
export {
  STORAGE_SPECS,
  STORAGE_TYPES,
  SECRET_PARAMS,
  ALL_PARAMS,
  isStorageType,
  storageTypeForScheme,
} from "./storage/storageSpecs";
export type { StorageType, StorageSpec, ParamSpec, StorageParams } from "./storage/storageSpecs";
export { DatabendError, DatabendErrorCode, isDatabendError } from "./errors/DatabendError";
export type { DatabendErrorInit } from "./errors/DatabendError";
export { ValidationError, isValidationError } from "./errors/ValidationError";
export type { CheckFailure } from "./errors/ValidationError";
export type { ResourceHandlers, CheckResult, DiffResult, ReadResult, Props } from "./resources/handlers";
export { closeSessions } from "./client/databendClient";
export { auditAccount } from "./audit/readCopyAudit";
export type { CopyAudit, CopyMatch, StageCopyAudit } from "./audit/copyAudit";
export { setDebugLog } from "./debugLog";
export type { DebugSink } from "./debugLog";
export { MIN_SERVER_VERSION } from "./client/serverVersion";
export { trustPolicy, trustPolicyFailures, TRUST_STATEMENT_SID } from "./aws/trustPolicy";
export type { TrustPolicyArgs } from "./aws/trustPolicy";
export {
  bucketAccessPolicy,
  bucketAccessPolicyFailures,
  STAGE_ACCESS_LEVELS,
  READ_OBJECT_ACTIONS,
  WRITE_OBJECT_ACTIONS,
} from "./aws/bucketAccessPolicy";
export type { BucketAccessPolicyArgs, StageAccess } from "./aws/bucketAccessPolicy";
export { POLICY_VERSION, samePolicy, canonicalPolicyJson } from "./aws/policyDocument";
export type { PolicyDocument, PolicyStatement, PolicyCondition, PolicyResult } from "./aws/policyDocument";
export { parsePrincipalArn, principalCovers, AWS_PARTITIONS } from "./aws/principalArn";
export type { PrincipalArn, ParsedPrincipal, AwsPartition } from "./aws/principalArn";
export { bucketNameProblem, normalizePrefix, stageUrlFor, MAX_PREFIX_BYTES } from "./aws/s3Location";
export type { NormalizedPrefix } from "./aws/s3Location";
export { generateExternalId, externalIdProblem } from "./aws/externalId";
export { defaultRoleName } from "./aws/roleName";
export { AccessVerificationError, isAccessVerificationError } from "./errors/AccessVerificationError";

/**
 * Version of the contract between serialized SDK shims (stored in stack state) and this module.
 * Shims written by any earlier package version pass the number they were built with; every version
 * listed in {@link SUPPORTED_PROTOCOLS} keeps working after an upgrade.
 */
export const PROVIDER_PROTOCOL = 1;

/** Shim protocol versions this provider still serves. */
export const SUPPORTED_PROTOCOLS: readonly number[] = [1];

/** Resource kinds served by this provider. */
export type ResourceKind =
  "connection" | "stage" | "stageAccessRole" | "fileFormat" | "stageGrant" | "connectionGrant";

const registry = new Map<ResourceKind, ResourceHandlers>();

/**
 * Checked at preview by the Databend resources: a missing DSN, or one the driver would read otherwise
 * than written (a raw `#`, `?` or `/` in the password), fails `pulumi preview`, not only `up`.
 */
function dsnProblem(): string | undefined {
  const found = findDsn();
  return found ? dsnReadingProblem(found.dsn, found.source) : NO_DSN_MESSAGE;
}

/** The DSN's password, decoded and as written, masked in every error besides the inputs' secrets. */
function dsnSecrets(): (string | undefined)[] {
  const found = findDsn();
  return found ? [dsnPassword(found.dsn), dsnPasswordAsWritten(found.dsn)] : [];
}

function build(kind: ResourceKind): ResourceHandlers {
  switch (kind) {
    case "connection":
      return maskHandlerErrors(connectionHandlers(getSession, { dsnProblem }), dsnSecrets);
    case "stage":
      return maskHandlerErrors(stageHandlers(getSession, { dsnProblem }), dsnSecrets);
    case "fileFormat":
      return maskHandlerErrors(fileFormatHandlers(getSession, { dsnProblem }), dsnSecrets);
    case "stageGrant":
      return maskHandlerErrors(grantHandlers("stage", getSession, { dsnProblem }), dsnSecrets);
    case "connectionGrant":
      return maskHandlerErrors(grantHandlers("connection", getSession, { dsnProblem }), dsnSecrets);
    case "stageAccessRole":
      return maskHandlerErrors(stageAccessRoleHandlers({ iam: iamApi, sts: stsApi, s3: s3Api }));
    default:
      throw new Error(`pulumi-databend: unknown resource kind ${JSON.stringify(kind)}`);
  }
}

/**
 * The handlers for `kind`, for a shim speaking `protocol`. Throws a clear error when state was written
 * by a newer package than the one installed.
 */
export function handlersFor(kind: ResourceKind, protocol: number): ResourceHandlers {
  if (!SUPPORTED_PROTOCOLS.includes(protocol)) {
    throw new Error(
      `pulumi-databend: this stack's state was written by a provider speaking protocol ${protocol}, but the ` +
        `installed package speaks ${SUPPORTED_PROTOCOLS.join(", ")}; install a newer pulumi-databend`,
    );
  }
  let h = registry.get(kind);
  if (!h) {
    h = build(kind);
    registry.set(kind, h);
  }
  return h;
}
