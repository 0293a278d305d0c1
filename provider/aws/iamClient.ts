import type * as Iam from "@aws-sdk/client-iam";
import { awsClientConfig } from "./awsClientConfig";
import { isAwsError } from "./awsErrors";
import { decodePolicyText } from "./policyDocument";

/**
 * The only module that loads `@aws-sdk/client-iam`. It is `require`d inside {@link iamApi}, never at
 * module scope, and no client is kept: the region comes from `aws:region` / `AWS_REGION` at call time,
 * credentials from the SDK's default chain, and the endpoint from the SDK's own `AWS_ENDPOINT_URL`
 * support.
 */

/** What a new role is created with. */
export interface RoleSpec {
  /** Role name. */
  readonly roleName: string;
  /** IAM path, `/` by default. */
  readonly path: string;
  /** Trust policy JSON. */
  readonly trustPolicy: string;
  /** Managed policy ARN used as permissions boundary. */
  readonly permissionsBoundary?: string;
  /** Tags (may be empty). */
  readonly tags: Readonly<Record<string, string>>;
  /** Longest session, in seconds; IAM's default (3600) when absent. */
  readonly maxSessionDuration?: number;
  /** Role description. */
  readonly description?: string;
}

/** A role as IAM reports it. */
export interface RoleInfo {
  /** Role ARN. */
  readonly arn: string;
  /** Role name. */
  readonly roleName: string;
  /** IAM path. */
  readonly path: string;
  /** Trust policy JSON (decoded). */
  readonly trustPolicy: string;
  /** Permissions boundary ARN, if any. */
  readonly permissionsBoundary?: string;
  /** Tags. */
  readonly tags: Record<string, string>;
  /** Longest session, in seconds. */
  readonly maxSessionDuration?: number;
  /** Role description (it ends with the provider's owner marker on roles it created). */
  readonly description?: string;
}

/**
 * The IAM calls the StageAccessRole handlers make, on plain values. Methods that read or delete
 * something that does not exist return `undefined` / `false` instead of throwing `NoSuchEntity`; every
 * other SDK error is thrown unchanged (callers branch on its `name`).
 */
export interface IamApi {
  /** `iam:CreateRole`; returns the new role's ARN. */
  createRole(spec: RoleSpec): Promise<{ arn: string }>;
  /** `iam:GetRole`; undefined when the role does not exist. */
  getRole(roleName: string): Promise<RoleInfo | undefined>;
  /** `iam:UpdateAssumeRolePolicy`. */
  updateTrustPolicy(roleName: string, json: string): Promise<void>;
  /** `iam:UpdateRole` with `MaxSessionDuration`. */
  updateMaxSessionDuration(roleName: string, seconds: number): Promise<void>;
  /** `iam:PutRolePermissionsBoundary`. */
  putPermissionsBoundary(roleName: string, policyArn: string): Promise<void>;
  /** `iam:DeleteRolePermissionsBoundary`; no error when there is none. */
  deletePermissionsBoundary(roleName: string): Promise<void>;
  /** `iam:TagRole` (nothing for no tags). */
  tagRole(roleName: string, tags: Readonly<Record<string, string>>): Promise<void>;
  /** `iam:UntagRole` (nothing for no keys). */
  untagRole(roleName: string, keys: readonly string[]): Promise<void>;
  /** `iam:PutRolePolicy`: creates or replaces an inline policy. */
  putInlinePolicy(roleName: string, policyName: string, json: string): Promise<void>;
  /** Decoded policy JSON; undefined when the role or the policy does not exist. */
  getInlinePolicy(roleName: string, policyName: string): Promise<string | undefined>;
  /** Inline policy names; undefined when the role does not exist. */
  listInlinePolicies(roleName: string): Promise<string[] | undefined>;
  /** False when the policy (or the role) was already gone. */
  deleteInlinePolicy(roleName: string, policyName: string): Promise<boolean>;
  /** ARNs of attached managed policies; undefined when the role does not exist. */
  listAttachedPolicies(roleName: string): Promise<string[] | undefined>;
  /** `iam:DetachRolePolicy`; no error when already detached. */
  detachPolicy(roleName: string, policyArn: string): Promise<void>;
  /** False when the role was already gone. */
  deleteRole(roleName: string): Promise<boolean>;
}

const NOT_FOUND = "NoSuchEntityException";

async function orUndefined<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (isAwsError(e, NOT_FOUND)) return undefined;
    throw e;
  }
}

function tagList(tags: Readonly<Record<string, string>>): Iam.Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** An {@link IamApi} backed by `@aws-sdk/client-iam`. */
export function iamApi(): IamApi {
  const sdk = require("@aws-sdk/client-iam") as typeof Iam;
  // IAM is global; the region only picks the signing region (us-east-1 for the aws partition).
  const client = new sdk.IAMClient(awsClientConfig());

  return {
    async createRole(spec) {
      const r = await client.send(
        new sdk.CreateRoleCommand({
          RoleName: spec.roleName,
          Path: spec.path,
          AssumeRolePolicyDocument: spec.trustPolicy,
          PermissionsBoundary: spec.permissionsBoundary,
          Tags: Object.keys(spec.tags).length ? tagList(spec.tags) : undefined,
          MaxSessionDuration: spec.maxSessionDuration,
          Description: spec.description,
        }),
      );
      return { arn: r.Role?.Arn ?? "" };
    },

    async getRole(roleName) {
      const r = await orUndefined(client.send(new sdk.GetRoleCommand({ RoleName: roleName })));
      const role = r?.Role;
      if (!role) return undefined;
      const tags: Record<string, string> = {};
      for (const t of role.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? "";
      return {
        arn: role.Arn ?? "",
        roleName: role.RoleName ?? roleName,
        path: role.Path ?? "/",
        trustPolicy: decodePolicyText(role.AssumeRolePolicyDocument ?? ""),
        permissionsBoundary: role.PermissionsBoundary?.PermissionsBoundaryArn,
        tags,
        maxSessionDuration: role.MaxSessionDuration,
        description: role.Description,
      };
    },

    async updateTrustPolicy(roleName, json) {
      await client.send(new sdk.UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: json }));
    },

    async updateMaxSessionDuration(roleName, seconds) {
      await client.send(new sdk.UpdateRoleCommand({ RoleName: roleName, MaxSessionDuration: seconds }));
    },

    async putPermissionsBoundary(roleName, policyArn) {
      await client.send(
        new sdk.PutRolePermissionsBoundaryCommand({ RoleName: roleName, PermissionsBoundary: policyArn }),
      );
    },

    async deletePermissionsBoundary(roleName) {
      await orUndefined(client.send(new sdk.DeleteRolePermissionsBoundaryCommand({ RoleName: roleName })));
    },

    async tagRole(roleName, tags) {
      if (Object.keys(tags).length === 0) return;
      await client.send(new sdk.TagRoleCommand({ RoleName: roleName, Tags: tagList(tags) }));
    },

    async untagRole(roleName, keys) {
      if (keys.length === 0) return;
      await client.send(new sdk.UntagRoleCommand({ RoleName: roleName, TagKeys: [...keys] }));
    },

    async putInlinePolicy(roleName, policyName, json) {
      await client.send(
        new sdk.PutRolePolicyCommand({ RoleName: roleName, PolicyName: policyName, PolicyDocument: json }),
      );
    },

    async getInlinePolicy(roleName, policyName) {
      const r = await orUndefined(
        client.send(new sdk.GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      );
      return r?.PolicyDocument === undefined ? undefined : decodePolicyText(r.PolicyDocument);
    },

    async listInlinePolicies(roleName) {
      const names: string[] = [];
      let marker: string | undefined;
      do {
        const r = await orUndefined(
          client.send(new sdk.ListRolePoliciesCommand({ RoleName: roleName, Marker: marker })),
        );
        if (!r) return undefined;
        names.push(...(r.PolicyNames ?? []));
        marker = r.IsTruncated ? r.Marker : undefined;
      } while (marker);
      return names;
    },

    async deleteInlinePolicy(roleName, policyName) {
      const r = await orUndefined(
        client.send(new sdk.DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })),
      );
      return r !== undefined;
    },

    async listAttachedPolicies(roleName) {
      const arns: string[] = [];
      let marker: string | undefined;
      do {
        const r = await orUndefined(
          client.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker })),
        );
        if (!r) return undefined;
        for (const p of r.AttachedPolicies ?? []) if (p.PolicyArn) arns.push(p.PolicyArn);
        marker = r.IsTruncated ? r.Marker : undefined;
      } while (marker);
      return arns;
    },

    async detachPolicy(roleName, policyArn) {
      await orUndefined(
        client.send(new sdk.DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: policyArn })),
      );
    },

    async deleteRole(roleName) {
      const r = await orUndefined(client.send(new sdk.DeleteRoleCommand({ RoleName: roleName })));
      return r !== undefined;
    },
  };
}
