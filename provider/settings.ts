/**
 * Provider-process settings. They are set by `configure()` from Pulumi config (or by a plugin host)
 * and read at call time, so no credential is ever captured into serialized provider code.
 */

/** Settings a host passes to {@link configure}. */
export interface ProviderSettings {
  /** Databend DSN, e.g. `databend://user:password@host:8000/default?sslmode=disable`. */
  dsn?: string;
  /** AWS region from Pulumi config (`aws:region`). */
  awsRegion?: string;
}

let current: ProviderSettings = {};

/** Replaces the process-wide settings. Empty strings count as unset. */
export function configure(settings: ProviderSettings): void {
  current = {
    dsn: settings.dsn || undefined,
    awsRegion: settings.awsRegion || undefined,
  };
}

/** The configured settings. */
export function getSettings(): Readonly<ProviderSettings> {
  return current;
}

/** The DSN from config `databend:dsn`, else `DATABEND_DSN`; throws a clear error when neither is set. */
export function resolveDsn(): string {
  const dsn = current.dsn ?? process.env.DATABEND_DSN;
  if (!dsn) {
    throw new Error(
      "no Databend DSN: run `pulumi config set --secret databend:dsn 'databend://user:password@host:8000/default'` " +
        "or set the DATABEND_DSN environment variable",
    );
  }
  return dsn;
}

/** The AWS region from config `aws:region`, else the SDK's own chain (AWS_REGION, profile). */
export function resolveAwsRegion(): string | undefined {
  return current.awsRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}
