import type { IamApi, RoleInfo, RoleSpec } from "../../provider/aws/iamClient";

/** An error shaped like an AWS SDK v3 service exception. */
export function awsError(name: string, message = name): Error {
  const e = new Error(message);
  e.name = name;
  (e as Error & { $metadata: object }).$metadata = { httpStatusCode: 400 };
  return e;
}

interface FakeRole {
  info: RoleInfo;
  inline: Map<string, string>;
  attached: Set<string>;
}

/**
 * An in-memory IAM with the semantics the handlers rely on: NoSuchEntity for missing roles,
 * EntityAlreadyExists on duplicate names, DeleteConflict while policies remain. Records every call.
 */
export class FakeIam implements IamApi {
  readonly roles = new Map<string, FakeRole>();
  readonly calls: string[] = [];
  /** Makes the next call of this method throw this error. */
  readonly failNext = new Map<string, Error>();

  private enter(method: string, roleName: string): void {
    this.calls.push(`${method} ${roleName}`);
    const e = this.failNext.get(method);
    if (e) {
      this.failNext.delete(method);
      throw e;
    }
  }

  private role(roleName: string): FakeRole {
    const r = this.roles.get(roleName);
    if (!r) throw awsError("NoSuchEntityException", `The role with name ${roleName} cannot be found.`);
    return r;
  }

  async createRole(spec: RoleSpec): Promise<{ arn: string }> {
    this.enter("createRole", spec.roleName);
    if (this.roles.has(spec.roleName))
      throw awsError("EntityAlreadyExistsException", `Role with name ${spec.roleName} already exists.`);
    const arn = `arn:aws:iam::123456789012:role${spec.path}${spec.roleName}`;
    this.roles.set(spec.roleName, {
      info: {
        arn,
        roleName: spec.roleName,
        path: spec.path,
        trustPolicy: spec.trustPolicy,
        permissionsBoundary: spec.permissionsBoundary,
        tags: { ...spec.tags },
        maxSessionDuration: spec.maxSessionDuration ?? 3600,
        description: spec.description,
      },
      inline: new Map(),
      attached: new Set(),
    });
    return { arn };
  }

  async getRole(roleName: string): Promise<RoleInfo | undefined> {
    this.enter("getRole", roleName);
    const r = this.roles.get(roleName);
    return r ? { ...r.info, tags: { ...r.info.tags } } : undefined;
  }

  async updateTrustPolicy(roleName: string, json: string): Promise<void> {
    this.enter("updateTrustPolicy", roleName);
    const r = this.role(roleName);
    r.info = { ...r.info, trustPolicy: json };
  }

  async updateMaxSessionDuration(roleName: string, seconds: number): Promise<void> {
    this.enter("updateMaxSessionDuration", roleName);
    const r = this.role(roleName);
    r.info = { ...r.info, maxSessionDuration: seconds };
  }

  async putPermissionsBoundary(roleName: string, policyArn: string): Promise<void> {
    this.enter("putPermissionsBoundary", roleName);
    const r = this.role(roleName);
    r.info = { ...r.info, permissionsBoundary: policyArn };
  }

  async deletePermissionsBoundary(roleName: string): Promise<void> {
    this.enter("deletePermissionsBoundary", roleName);
    const r = this.role(roleName);
    r.info = { ...r.info, permissionsBoundary: undefined };
  }

  async tagRole(roleName: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.enter("tagRole", roleName);
    Object.assign(this.role(roleName).info.tags, tags);
  }

  async untagRole(roleName: string, keys: readonly string[]): Promise<void> {
    this.enter("untagRole", roleName);
    const r = this.role(roleName);
    for (const k of keys) delete r.info.tags[k];
  }

  async putInlinePolicy(roleName: string, policyName: string, json: string): Promise<void> {
    this.enter("putInlinePolicy", roleName);
    this.role(roleName).inline.set(policyName, json);
  }

  async getInlinePolicy(roleName: string, policyName: string): Promise<string | undefined> {
    this.enter("getInlinePolicy", roleName);
    return this.roles.get(roleName)?.inline.get(policyName);
  }

  async listInlinePolicies(roleName: string): Promise<string[] | undefined> {
    this.enter("listInlinePolicies", roleName);
    const r = this.roles.get(roleName);
    return r ? [...r.inline.keys()] : undefined;
  }

  async deleteInlinePolicy(roleName: string, policyName: string): Promise<boolean> {
    this.enter("deleteInlinePolicy", roleName);
    return this.roles.get(roleName)?.inline.delete(policyName) ?? false;
  }

  async listAttachedPolicies(roleName: string): Promise<string[] | undefined> {
    this.enter("listAttachedPolicies", roleName);
    const r = this.roles.get(roleName);
    return r ? [...r.attached] : undefined;
  }

  async detachPolicy(roleName: string, policyArn: string): Promise<void> {
    this.enter("detachPolicy", roleName);
    this.roles.get(roleName)?.attached.delete(policyArn);
  }

  async deleteRole(roleName: string): Promise<boolean> {
    this.enter("deleteRole", roleName);
    const r = this.roles.get(roleName);
    if (!r) return false;
    if (r.inline.size || r.attached.size)
      throw awsError("DeleteConflictException", "Cannot delete entity, must delete policies first.");
    this.roles.delete(roleName);
    return true;
  }
}
