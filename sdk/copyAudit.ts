import type { CopyAudit } from "../provider/audit/copyAudit";

export type { CopyAudit, CopyMatch, StageCopyAudit } from "../provider/audit/copyAudit";

/** Arguments of {@link getCopyAudit}. */
export interface GetCopyAuditArgs {
  /**
   * The Databend DSN to read. Default: the stack's `databend:dsn` setting, else the `DATABEND_DSN`
   * environment variable, as the provider reads them.
   */
  dsn?: string;
}

/** The stack's `databend:dsn`, read without Pulumi's "use getSecret" warning; undefined outside a program. */
function stackDsn(): string | undefined {
  try {
    const runtime = (require("@pulumi/pulumi") as typeof import("@pulumi/pulumi")).runtime;
    return runtime.getConfig("databend:dsn");
  } catch {
    return undefined;
  }
}

/**
 * The account-wide stale-copy audit: for every external stage of the account, managed by Pulumi or
 * not, the connection its copy matches (`exact`, `probable`, `ambiguous` or `none`) and whether the copy
 * is stale (the stage holds other credentials than that connection holds now), with the differing
 * parameter names. Two statements (one `SHOW CONNECTIONS`, one `SHOW STAGES`) whatever the number of
 * stages; no secret, mask or digest of one in the result. The same as `pulumi-databend audit --json`
 * and, in Pulumi YAML, `databend:index:getCopyAudit`.
 */
export async function getCopyAudit(args: GetCopyAuditArgs = {}): Promise<CopyAudit> {
  const settings = require("../provider/settings") as typeof import("../provider/settings");
  const audit =
    require("../provider/audit/readCopyAudit") as typeof import("../provider/audit/readCopyAudit");
  const dsn = args.dsn ?? stackDsn();
  if (dsn) settings.configure({ ...settings.getSettings(), dsn });
  return audit.auditAccount();
}
