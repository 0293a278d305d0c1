import { awsFailure, isAwsError } from "../aws/awsErrors";
import { generateExternalId } from "../aws/externalId";
import type { IamApi } from "../aws/iamClient";
import { canonicalPolicyJson, samePolicy } from "../aws/policyDocument";
import type { S3Api } from "../aws/s3Client";
import type { StsApi } from "../aws/stsClient";
import { DEFAULT_VERIFY_TIMEOUT_MS, verifyStageAccess } from "../aws/verifyAccess";
import { isAccessVerificationError } from "../errors/AccessVerificationError";
import { ResourceInitError } from "../errors/ResourceInitError";
import { validateStageAccessRoleInputs } from "../validation/stageAccessRoleSchema";
import { isUnknown } from "../validation/unknowns";
import { adoptRequest, ADOPT_VARIABLE } from "../settings";
import { Ownership, noticePlannedTakeOver, noticeTakenOver, wildcardRefusal } from "./adoption";
import { claimName, keptForSuccessor } from "./claims";
import { ownerMarker, readOwnerMarker, withOwnerMarker } from "./ownerMarker";
import { stackIdentity } from "./stackIdentity";
import { Props, ResourceHandlers, withoutHostKeys } from "./handlers";
import { diffStageAccessRole } from "./stageAccessRoleDiff";
import {
  documentsFor,
  INLINE_POLICY_NAME,
  normalizedPrefixOrSelf,
  parseStageAccessRole,
  StageAccessRoleInputs,
  stageAccessRoleOutputs,
  trustPolicyFingerprint,
} from "./stageAccessRoleSpec";

export {
  INLINE_POLICY_NAME,
  parseStageAccessRole,
  documentsFor,
  stageAccessRoleOutputs,
} from "./stageAccessRoleSpec";
export type { StageAccessRoleInputs } from "./stageAccessRoleSpec";

/** Description set on created roles. */
const ROLE_DESCRIPTION = "Lets Databend reach an S3 stage location (managed by pulumi-databend)";

/** What the handlers need: the AWS API wrappers (called lazily) and the verification budget. */
export interface StageAccessRoleDeps {
  /** Makes an IAM wrapper. */
  readonly iam: () => IamApi;
  /** Makes an STS wrapper (for `verify`). */
  readonly sts: () => StsApi;
  /** Makes an S3 wrapper (for `verify`). */
  readonly s3: () => S3Api;
  /** Total retry time of `verify`. Defaults to 60 s. */
  readonly verifyTimeoutMs?: number;
  /** Defaults to a real timer. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Defaults to `Date.now`. */
  readonly now?: () => number;
}

const HINTS: Record<string, string> = {
  EntityAlreadyExistsException:
    "an IAM role with this name already exists and is not managed by this resource; choose another roleName, " +
    `or take it over (its trust and access policies are replaced) with \`${ADOPT_VARIABLE}=<roleName> pulumi up\``,
  MalformedPolicyDocumentException: "IAM rejected a generated policy document; check databendPrincipalArn",
  LimitExceededException: "an IAM quota was reached (roles per account, or inline policy size)",
  DeleteConflictException:
    "the role is still in use (for example in an instance profile); remove that use and run destroy again",
  AccessDenied: "the deployment's AWS credentials lack this IAM permission",
  AccessDeniedException: "the deployment's AWS credentials lack this IAM permission",
};

/** Whether a role's description proves it was made by this stack (it carries this stack's owner marker). */
function roleOwnership(description: string | undefined): Ownership {
  const owner = readOwnerMarker(description).owner;
  const me = stackIdentity();
  if (owner !== undefined && owner === me) {
    return {
      proven: true,
      evidence: `its description carries this stack's marker \`${ownerMarker(owner)}\``,
    };
  }
  return {
    proven: false,
    evidence:
      owner !== undefined
        ? `its description carries the marker of stack '${owner}'`
        : "neither its trust policy names this resource's external ID nor its description carries this stack's marker",
  };
}

/** Outputs without secrets, for a ResourceInitError (whose properties are not re-marked secret). */
function publicOutputs(r: StageAccessRoleInputs, roleArn: string): Props {
  const outs = stageAccessRoleOutputs(r, roleArn);
  delete outs.externalId;
  delete outs.trustPolicy;
  return outs;
}

/**
 * StageAccessRole CRUD: an IAM role trusting the Databend principal (with an external ID) that carries
 * an inline least-privilege policy for one bucket prefix. The AWS wrappers are created lazily, so
 * `check` and `diff` never touch the network.
 */
export function stageAccessRoleHandlers(deps: StageAccessRoleDeps): ResourceHandlers {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? Date.now;

  async function verify(r: StageAccessRoleInputs, roleArn: string): Promise<void> {
    await verifyStageAccess(
      {
        sts: deps.sts(),
        s3: deps.s3(),
        timeoutMs: deps.verifyTimeoutMs ?? DEFAULT_VERIFY_TIMEOUT_MS,
        sleep,
        now,
      },
      {
        roleArn,
        externalId: r.externalId,
        principal: r.principal,
        bucket: r.bucket,
        prefix: r.prefix,
        policyName: INLINE_POLICY_NAME,
      },
    );
  }

  async function syncRole(iam: IamApi, r: StageAccessRoleInputs, old: Props): Promise<void> {
    const docs = documentsFor(r);
    const secrets = [r.externalId];
    const step = async (action: string, call: () => Promise<unknown>): Promise<void> => {
      try {
        await call();
      } catch (e) {
        throw awsFailure(`${action} of IAM role ${r.roleName}`, e, secrets, HINTS);
      }
    };
    await step("update the trust policy", () => iam.updateTrustPolicy(r.roleName, docs.trustPolicy));
    await step("put the access policy", () =>
      iam.putInlinePolicy(r.roleName, INLINE_POLICY_NAME, docs.accessPolicy),
    );
    const oldDuration = typeof old.maxSessionDuration === "number" ? old.maxSessionDuration : 3600;
    if ((r.maxSessionDuration ?? 3600) !== oldDuration) {
      await step("set the maximum session duration", () =>
        iam.updateMaxSessionDuration(r.roleName, r.maxSessionDuration ?? 3600),
      );
    }
    if (r.permissionsBoundary !== old.permissionsBoundary) {
      const boundary = r.permissionsBoundary;
      await step("set the permissions boundary", () =>
        boundary
          ? iam.putPermissionsBoundary(r.roleName, boundary)
          : iam.deletePermissionsBoundary(r.roleName),
      );
    }
    const oldTags = (old.tags && typeof old.tags === "object" ? old.tags : {}) as Record<string, unknown>;
    const removed = Object.keys(oldTags).filter((k) => !(k in r.tags));
    const changed = Object.fromEntries(Object.entries(r.tags).filter(([k, v]) => oldTags[k] !== v));
    await step("remove tags", () => iam.untagRole(r.roleName, removed));
    await step("tag", () => iam.tagRole(r.roleName, changed));
  }

  return {
    async check(olds, news) {
      const inputs = withoutHostKeys(news);
      if (inputs.access === undefined) inputs.access = "read";
      if (inputs.path === undefined) inputs.path = "/";
      if (inputs.externalId === undefined || inputs.externalId === null || inputs.externalId === "") {
        // Keep the ID across updates and replacements, so the trust never breaks; generate only once.
        const prior = olds.externalId;
        inputs.externalId =
          typeof prior === "string" && prior !== "" && !isUnknown(prior) ? prior : generateExternalId();
        inputs.externalIdGenerated = true;
      } else if (!isUnknown(inputs.externalId)) {
        delete inputs.externalIdGenerated;
      }
      const failures = validateStageAccessRoleInputs(inputs);
      noticePlannedTakeOver("IAM role", inputs.roleName, false, olds.roleName !== undefined);
      if (typeof inputs.prefix === "string" && !failures.some((f) => f.property === "prefix")) {
        inputs.prefix = normalizedPrefixOrSelf(inputs.prefix);
      }
      return { inputs, failures };
    },

    async diff(_id, olds, news) {
      const d = diffStageAccessRole(olds, news);
      if (!d.replaces?.length && typeof news.roleName === "string") claimName("role", news.roleName);
      return d;
    },

    async create(inputs) {
      const r = parseStageAccessRole(inputs);
      const docs = documentsFor(r);
      const iam = deps.iam();
      let roleArn: string;
      try {
        roleArn = (
          await iam.createRole({
            roleName: r.roleName,
            path: r.path,
            trustPolicy: docs.trustPolicy,
            permissionsBoundary: r.permissionsBoundary,
            tags: r.tags,
            maxSessionDuration: r.maxSessionDuration,
            // Ends with this stack's owner marker: the proof DATABEND_ADOPT='*' asks for.
            description: withOwnerMarker(ROLE_DESCRIPTION, stackIdentity()),
          })
        ).arn;
      } catch (e) {
        if (!isAwsError(e, "EntityAlreadyExistsException")) {
          throw awsFailure(`create IAM role ${r.roleName}`, e, [r.externalId], HINTS);
        }
        const found = await iam.getRole(r.roleName);
        // A role whose trust policy already names this resource's external ID was made by this
        // operation (a create whose answer was lost and that the SDK sent again, or an interrupted
        // deployment): taking it over is safe. Any other role needs DATABEND_ADOPT: the wildcard takes
        // it over only when its description carries this stack's owner marker.
        const ours = found !== undefined && samePolicy(found.trustPolicy, docs.trustPolicy);
        const request = adoptRequest(r.roleName);
        if (!ours) {
          const failure = awsFailure(`create IAM role ${r.roleName}`, e, [r.externalId], HINTS);
          if (!request) throw failure;
          const owned = roleOwnership(found?.description);
          if (request === "wildcard" && !owned.proven) {
            failure.message += `. ${wildcardRefusal("IAM role", r.roleName, owned.evidence, false)}`;
            throw failure;
          }
          noticeTakenOver("IAM role", r.roleName, request, owned);
        } else if (request) {
          noticeTakenOver("IAM role", r.roleName, request, {
            proven: true,
            evidence: "its trust policy names this resource's own external ID",
          });
        }
        await syncRole(iam, r, {
          maxSessionDuration: found?.maxSessionDuration,
          permissionsBoundary: found?.permissionsBoundary,
          tags: found?.tags ?? {},
        });
        roleArn = (await iam.getRole(r.roleName))?.arn ?? "";
      }
      claimName("role", r.roleName);
      try {
        await iam.putInlinePolicy(r.roleName, INLINE_POLICY_NAME, docs.accessPolicy);
        if (r.verify) await verify(r, roleArn);
      } catch (e) {
        // The role exists: record it (without secrets), so the next `up` updates it instead of failing.
        const failure = isAccessVerificationError(e)
          ? e
          : awsFailure(`put the access policy of IAM role ${r.roleName}`, e, [r.externalId], HINTS);
        throw new ResourceInitError(failure.message, r.roleName, publicOutputs(r, roleArn));
      }
      return { id: r.roleName, outs: stageAccessRoleOutputs(r, roleArn) };
    },

    async read(id, props) {
      const iam = deps.iam();
      const role = await iam.getRole(id).catch((e: unknown) => {
        throw awsFailure(`read IAM role ${id}`, e, [], HINTS);
      });
      if (!role) return { id: "" };
      const policy = await iam.getInlinePolicy(id, INLINE_POLICY_NAME).catch((e: unknown) => {
        throw awsFailure(`read the access policy of IAM role ${id}`, e, [], HINTS);
      });
      const state = withoutHostKeys(props);
      const keep = (key: string, actual: string): string =>
        typeof state[key] === "string" && samePolicy(state[key] as string, actual)
          ? (state[key] as string)
          : canonicalPolicyJson(actual);
      const outs: Props = {
        ...state,
        roleArn: role.arn,
        roleName: role.roleName,
        path: role.path,
        tags: role.tags,
        trustPolicyFingerprint: trustPolicyFingerprint(role.roleName, role.trustPolicy),
        accessPolicy: policy === undefined ? "" : keep("accessPolicy", policy),
      };
      delete outs.trustPolicy;
      delete outs.permissionsBoundary;
      if (role.permissionsBoundary !== undefined) outs.permissionsBoundary = role.permissionsBoundary;
      if (
        role.maxSessionDuration !== undefined &&
        (role.maxSessionDuration !== 3600 || state.maxSessionDuration !== undefined)
      ) {
        outs.maxSessionDuration = role.maxSessionDuration;
      }
      return { id, props: outs };
    },

    async update(id, olds, news) {
      const r = parseStageAccessRole(news);
      const iam = deps.iam();
      await syncRole(iam, r, withoutHostKeys(olds));
      let roleArn = typeof olds.roleArn === "string" && olds.roleArn !== "" ? olds.roleArn : "";
      if (!roleArn) roleArn = (await iam.getRole(id))?.arn ?? "";
      if (r.verify) await verify(r, roleArn);
      claimName("role", r.roleName);
      return { outs: stageAccessRoleOutputs(r, roleArn) };
    },

    async delete(id) {
      if (keptForSuccessor("role", id, "IAM role")) return;
      const iam = deps.iam();
      try {
        const inline = await iam.listInlinePolicies(id);
        if (inline === undefined) return; // already gone
        for (const name of inline) await iam.deleteInlinePolicy(id, name);
        for (const arn of (await iam.listAttachedPolicies(id)) ?? []) await iam.detachPolicy(id, arn);
        await iam.deleteRole(id);
      } catch (e) {
        throw awsFailure(`delete IAM role ${id}`, e, [], HINTS);
      }
    },
  };
}
