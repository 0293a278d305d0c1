/**
 * `verify: true` could not use the role as Databend would. The message says which step failed and
 * which permission is missing; it never contains the external ID or credentials.
 */
export class AccessVerificationError extends Error {
  /** Discriminant that survives two copies of this package being loaded. */
  override readonly name = "AccessVerificationError" as const;

  constructor(
    message: string,
    /** The IAM action that was denied or failed, e.g. `sts:AssumeRole` or `s3:ListBucket`. */
    readonly action: string,
    /** Whether waiting could help (IAM changes propagate within seconds). */
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/** True when `e` is an {@link AccessVerificationError}, also across package copies. */
export function isAccessVerificationError(e: unknown): e is AccessVerificationError {
  return e instanceof AccessVerificationError || (e instanceof Error && e.name === "AccessVerificationError");
}
