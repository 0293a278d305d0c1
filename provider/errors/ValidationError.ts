/** One failed input check: the property (a dotted path) and why it failed. */
export interface CheckFailure {
  /** Input property, e.g. `secretAccessKey` or `fileFormat.type`. Empty for whole-object failures. */
  property: string;
  /** What is wrong and what is allowed. */
  reason: string;
}

/**
 * Inputs that failed validation. Deliberately not a DatabendError: no statement was sent.
 */
export class ValidationError extends Error {
  /** Discriminant. */
  override readonly name = "ValidationError" as const;
  /** Every failure found. */
  readonly failures: readonly CheckFailure[];

  constructor(resource: string, failures: readonly CheckFailure[]) {
    super(
      `invalid ${resource} inputs: ` +
        failures.map((f) => (f.property ? `${f.property}: ${f.reason}` : f.reason)).join("; "),
    );
    this.failures = failures;
  }
}

/** True when `e` is a {@link ValidationError}, also across package copies. */
export function isValidationError(e: unknown): e is ValidationError {
  return e instanceof ValidationError || (e instanceof Error && e.name === "ValidationError");
}
