import { maskSecrets } from "../secrets/mask";

/**
 * AWS SDK errors are recognised by `name` (duck typing, so two copies of the SDK both work), never by
 * message text. This module has no SDK import.
 */

/** The SDK error name of `e` (e.g. `NoSuchEntityException`), or undefined for non-AWS errors. */
export function awsErrorName(e: unknown): string | undefined {
  if (e instanceof Error && typeof (e as { $metadata?: unknown }).$metadata === "object") return e.name;
  if (e instanceof Error && /Exception$|^AccessDenied$|^NoSuch/.test(e.name)) return e.name;
  return undefined;
}

/** Whether `e` is an AWS SDK error with one of `names`. */
export function isAwsError(e: unknown, ...names: string[]): boolean {
  const name = awsErrorName(e);
  return name !== undefined && names.includes(name);
}

/** Names IAM, STS and S3 use for "not allowed". */
export const ACCESS_DENIED = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"];

/**
 * An Error for a failed AWS call: names the action, keeps the SDK error's name and message (with every
 * secret masked) and adds `hints[name]` when there is one. The cause is a plain copy of the masked
 * message, so nothing from the raw response is kept.
 */
export function awsFailure(
  action: string,
  e: unknown,
  secrets: readonly (string | undefined)[],
  hints: Readonly<Record<string, string>> = {},
): Error {
  const name = awsErrorName(e);
  const raw = e instanceof Error ? e.message : String(e);
  const message = maskSecrets(raw, secrets);
  const hint = name ? hints[name] : undefined;
  const text = `${action}: ${name ? `${name}: ` : ""}${message}${hint ? `. ${hint}` : ""}`;
  return new Error(text, { cause: new Error(message) });
}
