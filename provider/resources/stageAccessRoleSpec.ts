import { bucketAccessPolicy, StageAccess } from "../aws/bucketAccessPolicy";
import { parsePrincipalArn, PrincipalArn } from "../aws/principalArn";
import { normalizePrefix, stageUrlFor } from "../aws/s3Location";
import { trustPolicy } from "../aws/trustPolicy";
import { ValidationError } from "../errors/ValidationError";
import { validateStageAccessRoleInputs } from "../validation/stageAccessRoleSchema";
import { Props, STATE_VERSION, withoutHostKeys } from "./handlers";

/**
 * A StageAccessRole's desired state: parsed inputs, the two policy documents they produce, and the
 * outputs stored in state. Pure; shared by the handlers and by `diff`.
 */

/** Name of the inline permissions policy the role carries. */
export const INLINE_POLICY_NAME = "databend-stage-access";

/** StageAccessRole inputs after `check`. */
export interface StageAccessRoleInputs {
  /** The trusted principal's ARN. */
  databendPrincipalArn: string;
  /** The same, parsed. */
  principal: PrincipalArn;
  /** The bucket. */
  bucket: string;
  /** Normalised: `""` or ending in `/`. */
  prefix: string;
  /** Access level. */
  access: StageAccess;
  /** External ID (a secret). */
  externalId: string;
  /** Role name (the resource ID). */
  roleName: string;
  /** IAM path. */
  path: string;
  /** Permissions boundary ARN. */
  permissionsBoundary?: string;
  /** Tags. */
  tags: Record<string, string>;
  /** Longest session, in seconds. */
  maxSessionDuration?: number;
  /** Whether to verify access after create and update. */
  verify: boolean;
}

/** A prefix normalised for storage and comparison; returned unchanged when it is invalid. */
export function normalizedPrefixOrSelf(prefix: string): string {
  const n = normalizePrefix(prefix);
  return "prefix" in n ? n.prefix : prefix;
}

/** Parses checked inputs (or prior outputs) into {@link StageAccessRoleInputs}; throws on invalid ones. */
export function parseStageAccessRole(props: Props): StageAccessRoleInputs {
  const p = withoutHostKeys(props);
  const failures = validateStageAccessRoleInputs(p);
  const principal = parsePrincipalArn(String(p.databendPrincipalArn ?? ""));
  const prefix = normalizePrefix(typeof p.prefix === "string" ? p.prefix : undefined);
  if (typeof p.externalId !== "string" || p.externalId === "") {
    failures.push({ property: "externalId", reason: "is missing (check() generates one)" });
  }
  if (failures.length || "reason" in principal || "reason" in prefix) {
    throw new ValidationError("StageAccessRole", failures);
  }
  const tags = (p.tags && typeof p.tags === "object" ? p.tags : {}) as Record<string, string>;
  return {
    databendPrincipalArn: principal.principal.arn,
    principal: principal.principal,
    bucket: String(p.bucket),
    prefix: prefix.prefix,
    access: p.access === "readwrite" ? "readwrite" : "read",
    externalId: String(p.externalId),
    roleName: String(p.roleName),
    path: typeof p.path === "string" ? p.path : "/",
    permissionsBoundary: typeof p.permissionsBoundary === "string" ? p.permissionsBoundary : undefined,
    tags,
    maxSessionDuration: typeof p.maxSessionDuration === "number" ? p.maxSessionDuration : undefined,
    verify: p.verify === true,
  };
}

/** The two documents of a role. */
export function documentsFor(r: StageAccessRoleInputs): { trustPolicy: string; accessPolicy: string } {
  return {
    trustPolicy: trustPolicy({ databendPrincipalArn: r.databendPrincipalArn, externalId: r.externalId }).json,
    accessPolicy: bucketAccessPolicy({
      bucket: r.bucket,
      prefix: r.prefix,
      access: r.access,
      partition: r.principal.partition,
    }).json,
  };
}

/** The outputs (state) of a role. `externalId` and `trustPolicy` are made secret by the SDK. */
export function stageAccessRoleOutputs(r: StageAccessRoleInputs, roleArn: string): Props {
  const docs = documentsFor(r);
  const outs: Props = {
    databendPrincipalArn: r.databendPrincipalArn,
    bucket: r.bucket,
    prefix: r.prefix,
    access: r.access,
    externalId: r.externalId,
    roleName: r.roleName,
    path: r.path,
    tags: r.tags,
    verify: r.verify,
    roleArn,
    trustPolicy: docs.trustPolicy,
    accessPolicy: docs.accessPolicy,
    stageUrl: stageUrlFor(r.bucket, r.prefix),
    stateVersion: STATE_VERSION,
  };
  if (r.permissionsBoundary !== undefined) outs.permissionsBoundary = r.permissionsBoundary;
  if (r.maxSessionDuration !== undefined) outs.maxSessionDuration = r.maxSessionDuration;
  return outs;
}
