import { parseArgs } from "util";
import {
  bucketAccessPolicy,
  bucketAccessPolicyFailures,
  STAGE_ACCESS_LEVELS,
  StageAccess,
} from "../provider/aws/bucketAccessPolicy";
import type { PolicyDocument } from "../provider/aws/policyDocument";
import { parsePrincipalArn } from "../provider/aws/principalArn";
import { trustPolicy, trustPolicyFailures } from "../provider/aws/trustPolicy";
import { isValidationError, ValidationError } from "../provider/errors/ValidationError";
import { packageVersion } from "../provider/packageVersion";

/**
 * The `pulumi-databend` command line: `trust-policy` prints the IAM documents of a `ROLE_ARN`
 * connection, built by the same functions as the library, for people who manage IAM elsewhere.
 */

/** Exit codes: success, unexpected failure, bad arguments. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** Where the command writes. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The `--help` text. */
export const USAGE = `Usage: pulumi-databend trust-policy --principal ARN --external-id ID
                        [--bucket BUCKET [--prefix PREFIX] [--access read|readwrite]]
                        [--only trust|access]

Prints the IAM documents Databend needs to assume your role (a ROLE_ARN connection), as JSON:
  {"trustPolicy": {...}, "accessPolicy": {...}}
The access policy is printed only when --bucket is given. With --only, prints just that document,
ready for \`aws iam create-role --assume-role-policy-document\` or \`aws iam put-role-policy\`.

Options:
  --principal ARN      Databend's principal (for Databend Cloud, the role ARN from Databend support)
  --external-id ID     The external ID Databend presents (2-1224 of letters, digits, +=,.@:/-_)
  --bucket BUCKET      S3 bucket of the stage
  --prefix PREFIX      Folder in the bucket (normalised to end in /); default: the whole bucket
  --access LEVEL       read (default) or readwrite
  --only WHICH         trust or access: print that one document only
  -h, --help           Show this help

Exit status: 0 on success, 2 on bad arguments.`;

/** Parsed `trust-policy` options. */
export interface TrustPolicyOptions {
  principal: string;
  externalId: string;
  bucket?: string;
  prefix?: string;
  access: StageAccess;
  only?: "trust" | "access";
}

/** A usage error: printed with a pointer to `--help`, exit status 2. */
export class UsageError extends Error {
  /** Discriminant. */
  override readonly name = "UsageError" as const;
}

/** Parses the arguments after `trust-policy`. Throws {@link UsageError} on bad arguments. */
export function parseTrustPolicyArgs(args: readonly string[]): TrustPolicyOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        principal: { type: "string" },
        "external-id": { type: "string" },
        bucket: { type: "string" },
        prefix: { type: "string" },
        access: { type: "string" },
        only: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return "help";
  const str = (k: string): string | undefined =>
    typeof values[k] === "string" ? (values[k] as string) : undefined;
  const principal = str("principal");
  const externalId = str("external-id");
  const missing = [!principal && "--principal", !externalId && "--external-id"].filter(Boolean);
  if (missing.length) throw new UsageError(`missing ${missing.join(" and ")}`);
  const bucket = str("bucket");
  const access = str("access") ?? "read";
  if (!(STAGE_ACCESS_LEVELS as readonly string[]).includes(access)) {
    throw new UsageError(`--access must be one of ${STAGE_ACCESS_LEVELS.join(", ")}, not '${access}'`);
  }
  if (bucket === undefined && (str("prefix") !== undefined || str("access") !== undefined)) {
    throw new UsageError("--prefix and --access need --bucket");
  }
  const only = str("only");
  if (only !== undefined && only !== "trust" && only !== "access") {
    throw new UsageError(`--only must be trust or access, not '${only}'`);
  }
  if (only === "access" && bucket === undefined) throw new UsageError("--only access needs --bucket");
  return {
    principal: principal as string,
    externalId: externalId as string,
    bucket,
    prefix: str("prefix"),
    access: access as StageAccess,
    only,
  };
}

/** The output of `trust-policy` for parsed options: exactly the library's documents. */
export function renderTrustPolicy(o: TrustPolicyOptions): string {
  const failures = trustPolicyFailures({ databendPrincipalArn: o.principal, externalId: o.externalId });
  if (o.bucket !== undefined) {
    failures.push(...bucketAccessPolicyFailures({ bucket: o.bucket, prefix: o.prefix, access: o.access }));
  }
  if (failures.length) throw new ValidationError("trust-policy", failures);
  const trust = trustPolicy({ databendPrincipalArn: o.principal, externalId: o.externalId });
  const parsed = parsePrincipalArn(o.principal);
  const partition = "principal" in parsed ? parsed.principal.partition : undefined;
  const access =
    o.bucket === undefined
      ? undefined
      : bucketAccessPolicy({ bucket: o.bucket, prefix: o.prefix, access: o.access, partition });
  if (o.only === "trust") return trust.json;
  if (o.only === "access" && access) return access.json;
  const both: { trustPolicy: PolicyDocument; accessPolicy?: PolicyDocument } = {
    trustPolicy: trust.document,
  };
  if (access) both.accessPolicy = access.document;
  return JSON.stringify(both, null, 2);
}

function flagOf(property: string): string {
  const flags: Record<string, string> = { databendPrincipalArn: "--principal", externalId: "--external-id" };
  return flags[property] ?? `--${property}`;
}

/** The top-level `--help` text: every command, and the options that need none. */
export const TOP_USAGE = `Usage: pulumi-databend <command> [options]

Commands:
  trust-policy   Print the IAM trust (and access) policy a ROLE_ARN connection needs
                 (pulumi-databend trust-policy --help)
  audit          Show, for every external stage, the connection its copy matches and whether
                 the copy is stale; exit status 3 when one is (pulumi-databend audit --help)
  import         Write a Pulumi program (YAML or TypeScript) of every connection and stage,
                 stages linked to their connections (pulumi-databend import --help)

Options:
  -h, --help     Show this help
  -V, --version  Print the package version`;

/** This package's version (see `provider/packageVersion.ts`). */
export { packageVersion };

/** Runs the command line; returns the exit status. Never throws. */
export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    (command === undefined ? io.err : io.out)(TOP_USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === "-V" || command === "--version" || command === "version") {
    io.out(packageVersion());
    return EXIT.ok;
  }
  if (command !== "trust-policy") {
    io.err(`pulumi-databend: unknown command '${command}' (see pulumi-databend --help)`);
    return EXIT.usage;
  }
  try {
    const options = parseTrustPolicyArgs(rest);
    if (options === "help") {
      io.out(USAGE);
      return EXIT.ok;
    }
    io.out(renderTrustPolicy(options));
    return EXIT.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`pulumi-databend trust-policy: ${e.message} (see --help)`);
      return EXIT.usage;
    }
    if (isValidationError(e)) {
      for (const f of e.failures) io.err(`pulumi-databend trust-policy: ${flagOf(f.property)} ${f.reason}`);
      return EXIT.usage;
    }
    io.err(`pulumi-databend: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.failure;
  }
}
