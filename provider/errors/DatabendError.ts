/** Stable, client-side categories for errors returned by Databend. */
export const DatabendErrorCode = {
  /** The object does not exist (e.g. 2501, 2510). */
  NotFound: "NotFound",
  /** An object with that name exists already (2502, 2512). */
  AlreadyExists: "AlreadyExists",
  /** The current role lacks a privilege (1063, 2506). */
  PermissionDenied: "PermissionDenied",
  /** Databend rejected the statement or its values (1005, 1006, 2004, 2511, 4000, ...). */
  InvalidInput: "InvalidInput",
  /** Wrong user or password, or an expired session (2201, 5100, 5101, 5103). */
  Auth: "Auth",
  /** The server could not be reached, or the connection broke. */
  Transport: "Transport",
  /** Any other error. */
  Unknown: "Unknown",
} as const;

/** One of the {@link DatabendErrorCode} values. */
export type DatabendErrorCode = (typeof DatabendErrorCode)[keyof typeof DatabendErrorCode];

/** Fields of a {@link DatabendError}. */
export interface DatabendErrorInit {
  /** Client-side category. */
  code: DatabendErrorCode;
  /** Databend's numeric error code (e.g. 2512), when the server sent one. */
  serverCode?: number;
  /** Whether retrying the same statement may succeed. */
  retryable: boolean;
  /** The statement that failed, with every secret value masked. */
  statement?: string;
  /** The original error, with secrets already masked out of its message. */
  cause?: unknown;
}

/**
 * An error returned by Databend (or by the transport to it). The message keeps Databend's code and
 * text, adds what it means for the resource, and never contains a secret value.
 */
export class DatabendError extends Error {
  /** Discriminant that survives two copies of this package being loaded. */
  override readonly name = "DatabendError" as const;
  /** Client-side category. */
  readonly code: DatabendErrorCode;
  /** Databend's numeric error code, when known. */
  readonly serverCode?: number;
  /** Whether a retry may succeed. */
  readonly retryable: boolean;
  /** The failing statement, secrets masked. */
  readonly statement?: string;

  constructor(message: string, init: DatabendErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.serverCode = init.serverCode;
    this.retryable = init.retryable;
    this.statement = init.statement;
  }
}

/** True when `e` is a {@link DatabendError}, also across package copies (checks `name`). */
export function isDatabendError(e: unknown): e is DatabendError {
  return e instanceof DatabendError || (e instanceof Error && e.name === "DatabendError");
}
