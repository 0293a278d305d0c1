import type { SqlRow, SqlSession } from "../client/sqlSession";
import { versionAtLeast } from "../client/serverVersion";
import { renderShowConnections } from "../sql/connection";
import { renderSelectStages, renderShowStages } from "../sql/stage";
import { auditCopies, CopyAudit } from "./copyAudit";
import { importPlan, ImportPlan } from "./importPlan";

/** The first server whose `SHOW STAGES` has DESC STAGE's columns (before it, only names and counts). */
export const SHOW_STAGES_LOCATION_SINCE = "1.2.870";

/**
 * The statements the audit sends to a server of `version`: one `SHOW CONNECTIONS` and one listing of
 * every stage (`SHOW STAGES` from 1.2.870; before it `SELECT * FROM system.stages`, the table DESC
 * STAGE reads, since that `SHOW STAGES` lacks the location). Always two, whatever the account holds.
 */
export function copyAuditStatements(version: string): [string, string] {
  return [
    renderShowConnections(),
    versionAtLeast(version, SHOW_STAGES_LOCATION_SINCE) ? renderShowStages() : renderSelectStages(),
  ];
}

/** The rows of the audit's two statements: every connection and every stage of the account. */
export async function readAccountRows(s: SqlSession): Promise<{ connections: SqlRow[]; stages: SqlRow[] }> {
  const [connectionSql, stageSql] = copyAuditStatements(await s.serverVersion());
  const connections = await s.query(connectionSql, { action: "list connections for the copy audit" });
  const stages = await s.query(stageSql, { action: "list stages for the copy audit" });
  return { connections, stages };
}

/**
 * Reads the account and audits every external stage's copy (see `copyAudit.ts`): two statements
 * (besides the version the session learnt when it opened), whatever the number of stages.
 */
export async function readCopyAudit(s: SqlSession): Promise<CopyAudit> {
  const rows = await readAccountRows(s);
  return auditCopies(rows.connections, rows.stages);
}

/** The program `pulumi-databend import` writes, from the same two statements (see `importPlan.ts`). */
export async function readImportPlan(s: SqlSession): Promise<ImportPlan> {
  const rows = await readAccountRows(s);
  return importPlan(rows.connections, rows.stages);
}

/** The copy audit (two statements; see `readCopyAudit`) on the session of the configured DSN (`databend:dsn`, else `DATABEND_DSN`). */
export async function auditAccount(): Promise<CopyAudit> {
  const client = require("../client/databendClient") as typeof import("../client/databendClient");
  return readCopyAudit(await client.getSession());
}
