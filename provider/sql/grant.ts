import { ident } from "./quote";

/** The objects a grant resource puts privileges on. */
export type GrantObjectKind = "stage" | "connection";

/** What Databend's grammar says about privileges on one kind of object. */
export interface GrantObjectSpec {
  /** The object keyword: `STAGE`, `CONNECTION`. */
  readonly sql: string;
  /** The privileges a role can hold on such an object, in the order they are sent (`ALL` is all of them). */
  readonly privileges: readonly string[];
  /**
   * The first Databend version whose grammar takes `GRANT ... ON <sql>`, when not every supported one
   * does. Connection privileges came with databend PR #18382 (the setting
   * `enable_experimental_connection_privilege_check`): absent from 1.2.453 and 1.2.750, present in
   * 1.2.780 and 1.2.810.
   */
  readonly since?: string;
}

/** Privileges on stages and connections. OWNERSHIP is a transfer, not a grant: it is not managed here. */
export const GRANT_OBJECTS: Readonly<Record<GrantObjectKind, GrantObjectSpec>> = {
  stage: { sql: "STAGE", privileges: ["READ", "WRITE"] },
  connection: { sql: "CONNECTION", privileges: ["ACCESS CONNECTION"], since: "1.2.780" },
};

function privilegeList(kind: GrantObjectKind, privileges: readonly string[]): string {
  const known = GRANT_OBJECTS[kind].privileges;
  const list = known.filter((p) => privileges.includes(p)); // from the fixed table, in its order
  if (list.length === 0 || list.length !== new Set(privileges).size) {
    throw new TypeError(`privileges on a ${kind} must be some of ${known.join(", ")}`);
  }
  return list.join(", ");
}

/** `GRANT READ, WRITE ON STAGE s TO ROLE r`, `GRANT ACCESS CONNECTION ON CONNECTION c TO ROLE r`. */
export function renderGrant(
  kind: GrantObjectKind,
  object: string,
  privileges: readonly string[],
  role: string,
): string {
  return `GRANT ${privilegeList(kind, privileges)} ON ${GRANT_OBJECTS[kind].sql} ${ident(object)} TO ROLE ${ident(role)}`;
}

/** `REVOKE WRITE ON STAGE s FROM ROLE r`. */
export function renderRevoke(
  kind: GrantObjectKind,
  object: string,
  privileges: readonly string[],
  role: string,
): string {
  return `REVOKE ${privilegeList(kind, privileges)} ON ${GRANT_OBJECTS[kind].sql} ${ident(object)} FROM ROLE ${ident(role)}`;
}

/**
 * `SHOW GRANTS FOR ROLE r`: every privilege the role holds, one row per object, with the statement
 * that would grant it (`GRANT Read,Write ON STAGE s TO ROLE \`r\``). Every supported server has it;
 * `SHOW GRANTS ON STAGE s` does not exist before 1.2.7xx (1.2.453 refuses it with 1005).
 */
export function renderShowGrantsForRole(role: string): string {
  return `SHOW GRANTS FOR ROLE ${ident(role)}`;
}

/**
 * The privileges on `kind` `object` in SHOW GRANTS FOR ROLE's rows (column names are capitalised on
 * 1.2.453): `ALL` stands for every privilege of the kind; OWNERSHIP is left out.
 */
export function privilegesInGrantRows(
  rows: readonly Readonly<Record<string, unknown>>[],
  kind: GrantObjectKind,
  object: string,
): string[] {
  const spec = GRANT_OBJECTS[kind];
  const held = new Set<string>();
  for (const row of rows) {
    const text = String(row.grants ?? row.Grants ?? "");
    const m = /^GRANT (.+?) ON (\w+) (\S+) TO /i.exec(text);
    if (!m || m[2]?.toUpperCase() !== spec.sql || m[3] !== object) continue;
    for (const raw of (m[1] ?? "").split(",")) {
      const p = raw.trim().toUpperCase();
      if (p === "ALL") spec.privileges.forEach((x) => held.add(x));
      else if (spec.privileges.includes(p)) held.add(p);
    }
  }
  return spec.privileges.filter((p) => held.has(p));
}
