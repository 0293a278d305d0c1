import { parseArgs } from "util";
import type { CopyAudit } from "../provider/audit/copyAudit";
import { staleStages } from "../provider/audit/copyAudit";
import { withAccount } from "./accountSession";
import type { CliIo } from "./trustPolicyCommand";

/**
 * `pulumi-databend audit`: the account-wide stale-copy audit (see `provider/audit/copyAudit.ts`),
 * read with the DSN the provider would use, as a table or as JSON, with an exit status CI can test.
 */

/** Exit codes of `audit`: no stale copy, an error, bad arguments, some copy stale. */
export const AUDIT_EXIT = { ok: 0, failure: 1, usage: 2, stale: 3 } as const;

/** The `audit --help` text. */
export const AUDIT_USAGE = `Usage: pulumi-databend audit [--dsn DSN] [--json] [--connection NAME]...

Reads the Databend account (one SHOW CONNECTIONS, one SHOW STAGES) and prints, for every external
stage, managed by Pulumi or not, the connection its copy matches (exact, probable, ambiguous or none)
and whether the copy is stale: the stage matches a connection on its location but holds other
credentials than the connection holds now (a key rotated since the stage was created).
No secret, mask or digest of one is printed.

Options:
  --dsn DSN     The Databend DSN; default: the DATABEND_DSN environment variable
  --json        Print {"stages": [{"stage", "url", "connection", "match", "stale", "differs",
                "candidates"}]} instead of a table
  --connection NAME
                Only the stages whose copy matches connection NAME (alone or among ambiguous
                candidates); repeat for several. The exit status then says whether one of them is stale
  -h, --help    Show this help

Exit status: 0 when no copy is stale, 3 when some copy is stale, 1 when the account cannot be read,
2 on bad arguments.`;

/** Parsed `audit` options. */
export interface AuditOptions {
  /** The DSN given with `--dsn`, if any. */
  readonly dsn?: string;
  /** Print JSON. */
  readonly json: boolean;
  /** Only the stages matching these connections (all stages when empty). */
  readonly connections: readonly string[];
}

/** Parses the arguments after `audit`; a string is a usage error's message. */
export function parseAuditArgs(args: readonly string[]): AuditOptions | "help" | { error: string } {
  try {
    const { values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        dsn: { type: "string" },
        json: { type: "boolean" },
        connection: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) return "help";
    if (values.dsn === "") return { error: "--dsn is empty" };
    const connections = values.connection ?? [];
    if (connections.includes("")) return { error: "--connection is empty" };
    return { dsn: values.dsn, json: values.json === true, connections };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** The audit as a table: one line per external stage, then a summary line. */
export function renderAuditTable(audit: CopyAudit): string {
  const header = ["STAGE", "URL", "CONNECTION", "MATCH", "STALE", "DIFFERS"];
  const rows = audit.stages.map((s) => [
    s.stage,
    s.url,
    s.connection ?? (s.candidates.length ? `(one of ${s.candidates.join(", ")})` : "-"),
    s.match,
    s.stale ? "yes" : "no",
    s.differs.join(",") || "-",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
  const stale = staleStages(audit).length;
  const summary = `${audit.stages.length} external stage(s), ${stale} stale cop${stale === 1 ? "y" : "ies"}`;
  return [line(header), ...rows.map(line), summary].join("\n");
}

/** The audit as the JSON `--json` prints. */
export function renderAuditJson(audit: CopyAudit): string {
  return JSON.stringify(audit, null, 2);
}

/** The stages of `audit` whose copy matches one of `connections` (every stage when there are none). */
export function auditOfConnections(audit: CopyAudit, connections: readonly string[]): CopyAudit {
  if (connections.length === 0) return audit;
  const wanted = new Set(connections);
  return {
    stages: audit.stages.filter(
      (s) => (s.connection !== null && wanted.has(s.connection)) || s.candidates.some((c) => wanted.has(c)),
    ),
  };
}

/** The exit status for an audit: 3 when some copy is stale, else 0. */
export function auditExitCode(audit: CopyAudit): number {
  return staleStages(audit).length ? AUDIT_EXIT.stale : AUDIT_EXIT.ok;
}

/**
 * Runs `audit`. The DSN is read exactly as the provider reads it (`--dsn` as `databend:dsn`, else
 * `DATABEND_DSN`); the Databend driver is required only here. Never throws.
 */
export async function runAudit(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseAuditArgs(args);
  if (options === "help") {
    io.out(AUDIT_USAGE);
    return AUDIT_EXIT.ok;
  }
  if ("error" in options) {
    io.err(`pulumi-databend audit: ${options.error} (see --help)`);
    return AUDIT_EXIT.usage;
  }
  const { readCopyAudit } = await import("../provider/audit/readCopyAudit");
  try {
    const audit = auditOfConnections(await withAccount(options.dsn, readCopyAudit), options.connections);
    io.out(options.json ? renderAuditJson(audit) : renderAuditTable(audit));
    return auditExitCode(audit);
  } catch (e) {
    io.err(`pulumi-databend audit: ${e instanceof Error ? e.message : String(e)}`);
    return AUDIT_EXIT.failure;
  }
}
