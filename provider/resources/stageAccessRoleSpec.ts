import { bucketAccessPolicy, StageAccess } from "../aws/bucketAccessPolicy";
import { parsePrincipalArn, PrincipalArn } from "../aws/principalArn";
import { normalizePrefix, stageUrlFor } from "../aws/s3Location";
import { canonicalPolicyJson } from "../aws/policyDocument";
import { trustPolicy } from "../aws/trustPolicy";
import { textFingerprint } from "../storage/fingerprint";
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
  /** True when `check` generated the external ID (then it is an output: the program needs it). */
  externalIdGenerated: boolean;
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
    externalIdGenerated: p.externalIdGenerated === true,
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

/** The fingerprint of a trust policy (it holds the external ID), salted with the role's name. */
export function trustPolicyFingerprint(roleName: string, trustPolicyJson: string): string {
  return textFingerprint(`role/${roleName}`, canonicalPolicyJson(trustPolicyJson));
}

/**
 * The outputs (state) of a role. The trust policy is kept only as its fingerprint, and the external ID
 * only when it was generated (the program needs it for the Connection; it is secret): Pulumi's SDK prints
 * every returned output at `--debug`, so a given external ID is never returned.
 */
export function stageAccessRoleOutputs(r: StageAccessRoleInputs, roleArn: string): Props {
  const docs = documentsFor(r);
  const outs: Props = {
    databendPrincipalArn: r.databendPrincipalArn,
    bucket: r.bucket,
    prefix: r.prefix,
    access: r.access,
    externalId: r.externalIdGenerated ? r.externalId : undefined,
    externalIdGenerated: r.externalIdGenerated || undefined,
    roleName: r.roleName,
    path: r.path,
    tags: r.tags,
    verify: r.verify,
    roleArn,
    trustPolicyFingerprint: trustPolicyFingerprint(r.roleName, docs.trustPolicy),
    accessPolicy: docs.accessPolicy,
    stageUrl: stageUrlFor(r.bucket, r.prefix),
    stateVersion: STATE_VERSION,
  };
  if (r.permissionsBoundary !== undefined) outs.permissionsBoundary = r.permissionsBoundary;
  if (r.maxSessionDuration !== undefined) outs.maxSessionDuration = r.maxSessionDuration;
  for (const k of Object.keys(outs)) if (outs[k] === undefined) delete outs[k];
  return outs;
}
