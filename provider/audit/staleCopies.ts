import type { SqlSession } from "../client/sqlSession";
import { notify } from "../resources/notices";
import { RECAPTURE_VARIABLE } from "../settings";
import type { CopyAudit } from "./copyAudit";
import { readCopyAudit } from "./readCopyAudit";

/**
 * What a connection reports after a change of its parameters: every stage of the account, managed by
 * this stack, another one or nobody, that still holds a copy of its old parameters (the copy audit's
 * stale stages that match this connection, alone or among ambiguous candidates).
 */

/** The stale copies of connection `name` in `audit`, sorted by stage name. */
export function staleCopiesOf(audit: CopyAudit, name: string): string[] {
  return audit.stages
    .filter((s) => s.stale && (s.connection === name || s.candidates.includes(name)))
    .map((s) => s.stage);
}

/** The warning for stale copies of `name` just after its change, or undefined when there are none. */
export function staleCopiesWarning(name: string, stages: readonly string[]): string | undefined {
  if (stages.length === 0) return undefined;
  const list = stages.map((s) => `'${s}'`).join(", ");
  return (
    `connection '${name}' changed, and ${stages.length} stage(s) still hold a copy of its old parameters: ${list}. ` +
    "Databend does not pass connection changes on to stages, so they keep using the old credentials: do not revoke " +
    'them yet. Stages of this stack with onConnectionChange: "recreate" re-capture later in this same update; ' +
    `re-capture the others (\`${RECAPTURE_VARIABLE}=<stage> pulumi up\` in the stack that manages them, or ` +
    `ALTER STAGE <stage> SET URL = '<url>' CONNECTION = (CONNECTION_NAME = '${name}')), then check with ` +
    "`pulumi-databend audit` (exit status 0 when no copy is stale)."
  );
}

/**
 * Audits the account after connection `name` changed and warns about its stale copies. Returns their
 * names, or undefined when the account could not be read (a warning says why; the change itself
 * stands).
 */
export async function reportStaleCopies(s: SqlSession, name: string): Promise<string[] | undefined> {
  let audit: CopyAudit;
  try {
    audit = await readCopyAudit(s);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    notify(
      "warning",
      `connection '${name}' changed, but the stages still holding its old parameters could not be listed (${why}); ` +
        "run `pulumi-databend audit` before revoking the old credentials.",
    );
    return undefined;
  }
  const stages = staleCopiesOf(audit, name);
  const warning = staleCopiesWarning(name, stages);
  if (warning) notify("warning", warning);
  return stages;
}
