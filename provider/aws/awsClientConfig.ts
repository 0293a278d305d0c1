import { resolveAwsRegion, resolveTimeouts } from "../settings";

/** What every AWS SDK client of this package is created with. */
export interface AwsClientConfig {
  /** Region (IAM and STS sign for us-east-1 in the aws partition when none is configured). */
  readonly region: string;
  /** Timeouts of every HTTP request, in milliseconds: a stalled endpoint fails in seconds. */
  readonly requestHandler: {
    readonly connectionTimeout: number;
    readonly requestTimeout: number;
    /** Without it, the SDK only logs a warning when `requestTimeout` passes, and keeps waiting. */
    readonly throwOnRequestTimeout: true;
  };
}

/**
 * The region and the request timeouts (`databend:connectTimeout` and `databend:queryTimeout`, the same
 * as for Databend) for an AWS SDK client. Without them a stalled IAM endpoint would hold `up` for as
 * long as it keeps the connection open, once per SDK attempt.
 */
export function awsClientConfig(): AwsClientConfig {
  const t = resolveTimeouts();
  return {
    region: resolveAwsRegion() ?? "us-east-1",
    requestHandler: {
      connectionTimeout: t.connect * 1000,
      requestTimeout: t.query * 1000,
      throwOnRequestTimeout: true,
    },
  };
}
