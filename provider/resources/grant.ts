import type { SqlSession } from "../client/sqlSession";
import { versionAtLeast } from "../client/serverVersion";
import { DatabendError, isDatabendError } from "../errors/DatabendError";
import { withMoreHint } from "../errors/mapError";
import { ADOPT_VARIABLE, adoptRequest } from "../settings";
import {
  GRANT_OBJECTS,
  GrantObjectKind,
  privilegesInGrantRows,
  renderGrant,
  renderRevoke,
  renderShowGrantsForRole,
} from "../sql/grant";
import { expandPrivileges, validateGrantInputs } from "../validation/grantSchema";
import { containsUnknown, isUnknown } from "../validation/unknowns";
import { noticePlannedTakeOver, noticeTakenOver, wildcardRefusal } from "./adoption";
import { claimName, keptForSuccessor } from "./claims";
import {
  Props,
  ResourceHandlers,
  STATE_VERSION,
  compact,
  inputsFromOutputs,
  withoutHostKeys,
} from "./handlers";
import { notify } from "./notices";
import type { StageDeps } from "./stage";

/** A grant's inputs after `check`. */
export interface GrantSpec {
  /** The stage's or connection's name. */
  object: string;
  /** The role's name. */
  role: string;
  /** The privileges, `ALL` expanded. */
  privileges: string[];
  /** Take over privileges the role already holds on the object. */
  adopt: boolean;
}

/** What the handlers need besides a SQL session (the DSN check at preview). */
export type GrantDeps = StageDeps;

const HINTS: Record<number, string> = {
  2204: "The role does not exist: create it first (CREATE ROLE), or fix `role`",
  2501: "The stage does not exist (yet): pass the Stage resource itself as `stage`, so Pulumi creates it first",
  2510: "The connection does not exist (yet): pass the Connection resource itself as `connection`",
};

/** The grant's ID: `<object>/<role>` (both plain identifiers, so the `/` is unambiguous). */
export function grantId(object: string, role: string): string {
  return `${object}/${role}`;
}

/** The object and role of a grant ID, or undefined when it is not one. */
export function parseGrantId(id: string): { object: string; role: string } | undefined {
  const m = /^([a-z_][a-z0-9_]*)\/([a-z_][a-z0-9_]*)$/.exec(id);
  return m ? { object: m[1] as string, role: m[2] as string } : undefined;
}

/** Parses checked inputs (or prior outputs) into a {@link GrantSpec}. */
export function parseGrant(kind: GrantObjectKind, props: Props): GrantSpec {
  const p = withoutHostKeys(props);
  return {
    object: String(p[kind] ?? ""),
    role: String(p.role ?? ""),
    privileges: expandPrivileges(kind, Array.isArray(p.privileges) ? p.privileges : []),
    adopt: p.adopt === true,
  };
}

/** A grant's outputs: its inputs with `ALL` expanded. */
export function grantOutputs(kind: GrantObjectKind, g: GrantSpec): Props {
  return compact({
    [kind]: g.object,
    role: g.role,
    privileges: g.privileges,
    adopt: g.adopt ? true : undefined,
    stateVersion: STATE_VERSION,
  });
}

/** The version gate of `kind` on `version`, as a sentence, or undefined when the server takes it. */
export function grantVersionProblem(kind: GrantObjectKind, version: string): string | undefined {
  const since = GRANT_OBJECTS[kind].since;
  if (!since || versionAtLeast(version, since)) return undefined;
  return (
    `GRANT ... ON ${GRANT_OBJECTS[kind].sql} needs Databend ${since} or later; this server is ${version} ` +
    `(its grammar has no privileges on ${kind}s)`
  );
}

/**
 * Privileges of a role on one stage or connection: `GRANT` to add, `REVOKE` to remove, both decided
 * from the role's live grants (`SHOW GRANTS FOR ROLE`, which every supported server has). The role is
 * referenced by name; roles themselves are not managed.
 */
export function grantHandlers(
  kind: GrantObjectKind,
  session: () => Promise<SqlSession>,
  deps: GrantDeps = {},
): ResourceHandlers {
  const label = `${kind} grant`;

  /** The privileges `role` holds on `object` now; undefined when the role does not exist. */
  async function live(s: SqlSession, object: string, role: string): Promise<string[] | undefined> {
    try {
      const rows = await s.query(renderShowGrantsForRole(role), {
        action: `read grants of role ${role}`,
        hints: HINTS,
      });
      return privilegesInGrantRows(rows, kind, object);
    } catch (e) {
      if (isDatabendError(e) && e.serverCode === 2204) return undefined;
      throw e;
    }
  }

  async function send(s: SqlSession, sql: string, action: string): Promise<void> {
    await s.exec(sql, { action, hints: HINTS, idempotent: true });
  }

  async function versionGate(s: SqlSession): Promise<void> {
    const problem = grantVersionProblem(kind, await s.serverVersion());
    if (problem) throw new DatabendError(problem, { code: "InvalidInput", retryable: false });
  }

  return {
    async check(olds, news) {
      const inputs = withoutHostKeys(news);
      const failures = validateGrantInputs(kind, inputs);
      const dsnProblem = deps.dsnProblem?.();
      if (dsnProblem) failures.push({ property: "", reason: dsnProblem });
      if (Array.isArray(inputs.privileges) && !containsUnknown(inputs.privileges) && failures.length === 0) {
        inputs.privileges = expandPrivileges(kind, inputs.privileges);
      }
      // Refused at preview when the server's grammar has no such privileges (one SELECT version() per
      // process; when the server cannot be reached here, create reports Databend's own error).
      if (GRANT_OBJECTS[kind].since && !dsnProblem && failures.length === 0) {
        const version = await session()
          .then((s) => s.serverVersion())
          .catch(() => undefined);
        const problem = version ? grantVersionProblem(kind, version) : undefined;
        if (problem) failures.push({ property: "", reason: problem });
      }
      const id =
        typeof inputs[kind] === "string" && typeof inputs.role === "string"
          ? grantId(String(inputs[kind]), String(inputs.role))
          : undefined;
      noticePlannedTakeOver(label, id, inputs.adopt === true, olds.role !== undefined);
      return { inputs, failures };
    },

    async diff(id, olds, news) {
      if (isUnknown(news[kind]) || isUnknown(news.role)) return { changes: true };
      if (news[kind] !== olds[kind] || news.role !== olds.role) {
        return {
          changes: true,
          replaces: news.role !== olds.role ? ["role"] : [kind],
          deleteBeforeReplace: false,
        };
      }
      claimName("grant", `${kind}:${id}`);
      if (containsUnknown(news)) return { changes: true };
      const before = parseGrant(kind, olds);
      const after = parseGrant(kind, news);
      return {
        changes:
          before.privileges.join() !== after.privileges.join() ||
          before.adopt !== after.adopt ||
          olds.stateVersion !== STATE_VERSION,
      };
    },

    async create(inputs) {
      const g = parseGrant(kind, inputs);
      const id = grantId(g.object, g.role);
      const s = await session();
      await versionGate(s);
      const held = (await live(s, g.object, g.role)) ?? [];
      if (held.length > 0) {
        const request = adoptRequest(id, g.adopt);
        const evidence = `role ${g.role} already holds ${held.join(", ")} on ${kind} ${g.object}`;
        const proven = request === "wildcard" && held.join() === g.privileges.join();
        if (!request || (request === "wildcard" && !proven)) {
          const err = new DatabendError(`create ${label} ${id}: ${evidence}, granted outside this resource`, {
            code: "AlreadyExists",
            retryable: false,
          });
          throw withMoreHint(
            err,
            request
              ? wildcardRefusal(label, id, `${evidence}, not exactly the privileges of this resource`, true)
              : `take it over (this resource then decides its privileges, and its delete revokes them) with ` +
                  `\`adopt: true\` or \`${ADOPT_VARIABLE}=${id} pulumi up\``,
          );
        }
        const extra = held.filter((p) => !g.privileges.includes(p));
        if (extra.length) await send(s, renderRevoke(kind, g.object, extra, g.role), `adopt ${label} ${id}`);
        noticeTakenOver(label, id, request, {
          proven,
          evidence: proven ? `${evidence}, exactly this resource's privileges` : evidence,
        });
      }
      await send(s, renderGrant(kind, g.object, g.privileges, g.role), `create ${label} ${id}`);
      claimName("grant", `${kind}:${id}`);
      return { id, outs: grantOutputs(kind, g) };
    },

    async read(id, props) {
      const state = withoutHostKeys(props);
      const parsed = parseGrantId(id);
      if (!parsed) return { id: "" };
      const s = await session();
      const held = await live(s, parsed.object, parsed.role);
      if (!held || held.length === 0) return { id: "" };
      const g: GrantSpec = { ...parsed, privileges: held, adopt: state.adopt === true };
      const outs = grantOutputs(kind, g);
      return { id, props: outs, inputs: inputsFromOutputs(outs, []) };
    },

    async update(id, olds, news) {
      const before = parseGrant(kind, olds);
      const g = parseGrant(kind, news);
      const s = await session();
      const held = (await live(s, g.object, g.role)) ?? [];
      const add = g.privileges.filter((p) => !held.includes(p));
      const remove = before.privileges.filter((p) => !g.privileges.includes(p) && held.includes(p));
      if (add.length) await send(s, renderGrant(kind, g.object, add, g.role), `update ${label} ${id}`);
      if (remove.length) await send(s, renderRevoke(kind, g.object, remove, g.role), `update ${label} ${id}`);
      claimName("grant", `${kind}:${id}`);
      return { outs: grantOutputs(kind, g) };
    },

    async delete(id, props) {
      if (keptForSuccessor("grant", `${kind}:${id}`, label)) return;
      const g = parseGrant(kind, props);
      const s = await session();
      const held = await live(s, g.object, g.role);
      const revoke = g.privileges.filter((p) => held?.includes(p));
      if (revoke.length === 0) return; // the role, the object or the privileges are gone already
      try {
        await send(s, renderRevoke(kind, g.object, revoke, g.role), `delete ${label} ${id}`);
      } catch (e) {
        if (!(isDatabendError(e) && (e.serverCode === 2501 || e.serverCode === 2510))) throw e;
        notify(
          "info",
          `${label} '${id}': the ${kind} was dropped before its grant, so Databend keeps ${revoke.join(", ")} in ` +
            `role ${g.role}'s grants (it cannot be revoked from an object that no longer exists)`,
        );
      }
    },
  };
}
