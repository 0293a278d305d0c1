import * as pulumi from "@pulumi/pulumi";
import { defaultRoleName } from "../../provider/aws/roleName";
import { trustPolicy } from "../../provider/aws/trustPolicy";
import { DynamicResource } from "../dynamicResource";

type In<T> = pulumi.Input<T>;

/** Arguments of a {@link StageAccessRole}. */
export interface StageAccessRoleArgs {
  /**
   * The principal Databend assumes the role as. For Databend Cloud, the organisation role ARN that
   * Databend support gives you (`arn:aws:iam::<account>:role/...`); a user ARN or an account root
   * (`arn:aws:iam::<account>:root`) is accepted too. Wildcards are refused. Changing it updates the
   * trust policy in place.
   */
  readonly databendPrincipalArn: In<string>;
  /** The S3 bucket the stage reads (a name, not a URL). Changing it updates the access policy in place. */
  readonly bucket: In<string>;
  /**
   * The key prefix (folder) Databend may use, the path part of the stage URL. Normalised to end in `/`
   * (`data` becomes `data/`, so `data-private/` stays out of reach); a leading `/` is dropped; `*`, `?`
   * and `$` are refused because IAM would read them as wildcards or variables. Changing it updates the
   * access policy in place. Defaults to the whole bucket.
   */
  readonly prefix?: In<string>;
  /**
   * `read` (list and read: COPY INTO a table, SELECT from the stage) or `readwrite` (also write and
   * delete: unload with COPY INTO a location, REMOVE, PURGE). Changing it updates the access policy in
   * place. Defaults to `read`.
   */
  readonly access?: In<"read" | "readwrite">;
  /**
   * The external ID Databend must present (the connection's `externalId`): 2 to 1224 of letters,
   * digits and `+=,.@:/-_`. When absent, a random 32-character ID is generated once and kept for the
   * life of the resource, across updates and replacements (removing a given ID keeps the last one).
   * Stored as a secret.
   */
  readonly externalId?: In<string>;
  /**
   * The IAM role's name. Changing this forces replacement (a new role with a new ARN; dependent
   * connections are replaced too). Defaults to the resource name, with characters IAM does not allow
   * replaced by `-` and cut to 64 characters.
   */
  readonly roleName?: In<string>;
  /** The role's IAM path. Changing this forces replacement (delete first, as the name stays). Defaults to `/`. */
  readonly path?: In<string>;
  /** ARN of a managed policy used as the role's permissions boundary. Changed in place. */
  readonly permissionsBoundary?: In<string>;
  /** Tags on the role (at most 50). Changed in place. */
  readonly tags?: In<Record<string, In<string>>>;
  /** Longest session Databend may get, in seconds (3600 to 43200). Changed in place. Defaults to IAM's 3600. */
  readonly maxSessionDuration?: In<number>;
  /**
   * After creating or updating the role, assume it with the external ID (STS) and list the prefix (S3),
   * retrying for up to 60 s while IAM changes propagate; a failure names the missing permission. The
   * calls use the deployment's own AWS credentials, so this only works when the trust policy covers
   * them (for example `databendPrincipalArn` is your account's root while testing); with a Databend
   * Cloud principal, check from Databend instead (`LIST @stage`). Defaults to `false`.
   */
  readonly verify?: In<boolean>;
}

/** Outputs that carry the external ID. */
const SECRET_OUTPUTS = ["externalId", "trustPolicy"];

/**
 * An AWS IAM role that Databend assumes to reach an S3 stage location (a `ROLE_ARN` connection). It
 * trusts `databendPrincipalArn` with an external ID (generated when not given, stable, secret) and
 * carries an inline least-privilege policy (`databend-stage-access`) for one bucket prefix. Both
 * documents are updated in place; on delete the inline (and any attached) policies are removed before
 * the role.
 *
 * AWS credentials and the region come from the AWS SDK's default chain and the `aws:region` stack
 * config (else `AWS_REGION`); they are read when the provider runs and never stored in state. Changes
 * made outside Pulumi to the two documents, tags, boundary and session duration show up on
 * `pulumi refresh`.
 *
 * One `pulumi up` is enough to wire a stage: pass the role's outputs to a `Connection`, and the connection
 * to a `Stage`; Pulumi creates them in that order, no second apply needed.
 *
 * @example
 * ```ts
 * import * as databend from "pulumi-databend";
 *
 * const role = new databend.aws.StageAccessRole("databend-raw", {
 *   databendPrincipalArn: "arn:aws:iam::123456789012:role/databend-cloud", // from Databend support
 *   bucket: "my-data",
 *   prefix: "raw/",
 * });
 * const conn = new databend.Connection("raw_conn", {
 *   storageType: "s3",
 *   roleArn: role.roleArn,
 *   externalId: role.externalId,
 * });
 * const stage = new databend.Stage("raw_stage", { url: role.stageUrl, connection: conn });
 * ```
 */
export class StageAccessRole extends DynamicResource {
  /** ARN of the role: the connection's `roleArn`. */
  declare readonly roleArn: pulumi.Output<string>;
  /** Name of the role. */
  declare readonly roleName: pulumi.Output<string>;
  /**
   * The external ID the trust policy requires: the connection's `externalId`. Secret. When you give one,
   * it is your input, never handed back by the provider; a generated one comes back as a secret output
   * (Pulumi's own `--debug` output prints every returned output, so give your own to keep it out of it).
   */
  declare readonly externalId: pulumi.Output<string>;
  /** The trust policy (JSON), computed from the principal and the external ID. Secret. */
  readonly trustPolicy: pulumi.Output<string>;
  /** The inline permissions policy (JSON). */
  declare readonly accessPolicy: pulumi.Output<string>;
  /** The bucket. */
  declare readonly bucket: pulumi.Output<string>;
  /** The normalised prefix: `""` or ending in `/`. */
  declare readonly prefix: pulumi.Output<string>;
  /** The access level. */
  declare readonly access: pulumi.Output<"read" | "readwrite">;
  /** The stage URL of the location, `s3://<bucket>/<prefix>`: the Stage's `url`. */
  declare readonly stageUrl: pulumi.Output<string>;

  constructor(resourceName: string, args: StageAccessRoleArgs, opts?: pulumi.CustomResourceOptions) {
    const props: Record<string, pulumi.Input<unknown> | undefined> = {
      databendPrincipalArn: args.databendPrincipalArn,
      bucket: args.bucket,
      prefix: args.prefix,
      access: args.access,
      // Always sent, and always secret: when it is empty the provider generates the ID, and the engine
      // keeps the generated value secret because the input of the same name was.
      externalId: pulumi.secret(args.externalId ?? ""),
      roleName: args.roleName ?? defaultRoleName(resourceName),
      path: args.path,
      permissionsBoundary: args.permissionsBoundary,
      tags: args.tags,
      maxSessionDuration: args.maxSessionDuration,
      verify: args.verify,
      roleArn: undefined,
      accessPolicy: undefined,
      stageUrl: undefined,
      stateVersion: undefined,
    };
    for (const [key, value] of Object.entries(args as unknown as Record<string, unknown>)) {
      // Unknown keys go through so that check() names them at preview time.
      if (!(key in props) && value !== undefined) props[key] = value as pulumi.Input<unknown>;
    }
    super("stageAccessRole", "StageAccessRole", resourceName, props, {
      ...opts,
      additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...SECRET_OUTPUTS],
    });
    if (args.externalId !== undefined) {
      // Yours: use the input itself, so the provider never needs to return it.
      (this as { externalId: pulumi.Output<string> }).externalId = pulumi
        .all([this.urn, pulumi.secret(args.externalId)])
        .apply(([, id]) => id);
    }
    this.trustPolicy = pulumi.secret(
      pulumi.all([args.databendPrincipalArn, this.externalId]).apply(([principal, externalId]) => {
        try {
          return trustPolicy({ databendPrincipalArn: principal, externalId }).json;
        } catch {
          return ""; // invalid inputs: the provider's check reports them, naming the property
        }
      }),
    );
  }
}
