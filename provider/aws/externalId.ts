import { randomBytes } from "crypto";

/**
 * The characters and length IAM allows for `sts:ExternalId` (2 to 1,224 of letters, digits and
 * `+=,.@:/-_`), as a JSON-schema pattern.
 */
export const EXTERNAL_ID_PATTERN = "^[\\w+=,.@:/-]{2,1224}$";

/** Human description of {@link EXTERNAL_ID_PATTERN}, for messages. */
export const EXTERNAL_ID_RULE = "2 to 1224 characters from letters, digits and +=,.@:/-_";

/** Why `id` is not a valid external ID, or undefined when it is. Never echoes the value. */
export function externalIdProblem(id: string): string | undefined {
  return new RegExp(EXTERNAL_ID_PATTERN).test(id) ? undefined : `must be ${EXTERNAL_ID_RULE}`;
}

/** A new random external ID: 32 hex characters (128 bits) from the operating system's CSPRNG. */
export function generateExternalId(): string {
  return randomBytes(16).toString("hex");
}
