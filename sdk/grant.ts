import * as pulumi from "@pulumi/pulumi";
import type { Connection } from "./connection";
import { DynamicResource } from "./dynamicResource";
import type { Stage } from "./stage";

/** A privilege on a stage; `ALL` is READ and WRITE. */
export type StagePrivilege = "READ" | "WRITE" | "ALL";

/** A privilege on a connection; `ALL` is ACCESS CONNECTION. */
export type ConnectionPrivilege = "ACCESS CONNECTION" | "ALL";

/** Arguments every grant takes. */
export interface GrantArgsBase {
  /**
   * The role that receives the privileges, by name (a plain identifier). The role must exist; this
   * package does not manage roles (`CREATE ROLE` is an operator's statement). Changing it replaces the
   * grant.
   */
  readonly role: pulumi.Input<string>;
  /**
   * Take over privileges the role already holds on the object (granted outside this resource): this
   * resource then decides them, and its delete revokes them. Without it, such a grant fails to create.
   */
  readonly adopt?: pulumi.Input<boolean>;
}

/** Arguments of a {@link StageGrant}. */
export interface StageGrantArgs extends GrantArgsBase {
  /** The stage (a `Stage` resource, so the grant is created after it, or its name). Changing it replaces the grant. */
  readonly stage: Stage | pulumi.Input<string>;
  /** The privileges: `READ` (LIST, COPY INTO a table, SELECT from the stage), `WRITE` (PUT, COPY INTO the stage, REMOVE), or `ALL`. */
  readonly privileges: pulumi.Input<StagePrivilege[]>;
}

/** Arguments of a {@link ConnectionGrant}. */
export interface ConnectionGrantArgs extends GrantArgsBase {
  /** The connection (a `Connection` resource, or its name). Changing it replaces the grant. */
  readonly connection: Connection | pulumi.Input<string>;
  /** The privileges; defaults to `["ACCESS CONNECTION"]`, the only one (`ALL` is the same). */
  readonly privileges?: pulumi.Input<ConnectionPrivilege[]>;
}

/** The name of `object`: a resource's `name` output, or the name given. */
function nameOf(object: pulumi.Resource | pulumi.Input<string>): pulumi.Input<string> {
  return pulumi.Resource.isInstance(object)
    ? (object as unknown as { name: pulumi.Output<string> }).name
    : object;
}

/**
 * Privileges of a role on a stage: `GRANT READ, WRITE ON STAGE s TO ROLE r`; a change grants what is
 * added and revokes what is removed, and delete revokes what the role still holds, all decided from
 * `SHOW GRANTS FOR ROLE`. A role with READ on an external stage reads with the credentials the stage
 * copied from its connection: it needs no ACCESS CONNECTION on that connection.
 */
export class StageGrant extends DynamicResource {
  /** The stage's name. */
  declare readonly stage: pulumi.Output<string>;
  /** The role's name. */
  declare readonly role: pulumi.Output<string>;
  /** The privileges the role holds on the stage through this resource (`ALL` expanded). */
  declare readonly privileges: pulumi.Output<string[]>;

  /**
   * @param resourceName - The Pulumi resource name.
   * @param args - The stage, the role and the privileges.
   * @param opts - Resource options.
   */
  constructor(resourceName: string, args: StageGrantArgs, opts?: pulumi.CustomResourceOptions) {
    const { stage, ...rest } = args;
    super("stageGrant", "StageGrant", resourceName, { ...rest, stage: nameOf(stage) }, opts);
  }
}

/**
 * Privileges of a role on a connection: `GRANT ACCESS CONNECTION ON CONNECTION c TO ROLE r` (Databend
 * 1.2.780 and later; refused at preview on older servers). Databend checks it only when the setting
 * `enable_experimental_connection_privilege_check` is 1: then the role may describe, drop and use the
 * connection in `CREATE STAGE ... CONNECTION = (CONNECTION_NAME = ...)`.
 */
export class ConnectionGrant extends DynamicResource {
  /** The connection's name. */
  declare readonly connection: pulumi.Output<string>;
  /** The role's name. */
  declare readonly role: pulumi.Output<string>;
  /** The privileges (`["ACCESS CONNECTION"]`). */
  declare readonly privileges: pulumi.Output<string[]>;

  /**
   * @param resourceName - The Pulumi resource name.
   * @param args - The connection and the role.
   * @param opts - Resource options.
   */
  constructor(resourceName: string, args: ConnectionGrantArgs, opts?: pulumi.CustomResourceOptions) {
    const { connection, ...rest } = args;
    super(
      "connectionGrant",
      "ConnectionGrant",
      resourceName,
      { privileges: ["ACCESS CONNECTION"], ...rest, connection: nameOf(connection) },
      opts,
    );
  }
}
