import type { ValidateFunction } from "ajv";
import type { CheckFailure } from "../errors/ValidationError";
import { STAGE_ACCESS_LEVELS } from "../aws/bucketAccessPolicy";
import { EXTERNAL_ID_PATTERN, EXTERNAL_ID_RULE } from "../aws/externalId";
import { parsePrincipalArn } from "../aws/principalArn";
import {
  POLICY_ARN_PATTERN,
  POLICY_ARN_RULE,
  ROLE_NAME_PATTERN,
  ROLE_NAME_RULE,
  ROLE_PATH_PATTERN,
  ROLE_PATH_RULE,
} from "../aws/roleName";
import { bucketNameProblem, normalizePrefix } from "../aws/s3Location";
import { ajv } from "./ajv";
import { toCheckFailures } from "./failures";
import { splitUnknowns } from "./unknowns";

/** StageAccessRole inputs as the SDK names them (for "not allowed" messages). */
export const STAGE_ACCESS_ROLE_INPUTS = [
  "databendPrincipalArn",
  "bucket",
  "prefix",
  "access",
  "externalId",
  "roleName",
  "path",
  "permissionsBoundary",
  "tags",
  "maxSessionDuration",
  "verify",
];

/** Largest number of tags IAM allows on a role. */
export const MAX_TAGS = 50;

const schema = {
  type: "object",
  properties: {
    databendPrincipalArn: { type: "string", minLength: 1 },
    bucket: { type: "string", minLength: 1 },
    prefix: { type: "string" },
    access: { enum: STAGE_ACCESS_LEVELS },
    externalId: { type: "string", pattern: EXTERNAL_ID_PATTERN, description: EXTERNAL_ID_RULE },
    externalIdGenerated: { type: "boolean" },
    roleName: { type: "string", pattern: ROLE_NAME_PATTERN, description: ROLE_NAME_RULE },
    path: { type: "string", pattern: ROLE_PATH_PATTERN, description: ROLE_PATH_RULE },
    permissionsBoundary: { type: "string", pattern: POLICY_ARN_PATTERN, description: POLICY_ARN_RULE },
    tags: { type: "object", additionalProperties: { type: "string" } },
    maxSessionDuration: {
      type: "integer",
      minimum: 3600,
      maximum: 43200,
      description: "a whole number of seconds from 3600 (1 hour) to 43200 (12 hours)",
    },
    verify: { type: "boolean" },
  },
  required: ["databendPrincipalArn", "bucket", "roleName"],
  additionalProperties: false,
};

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= ajv.compile(schema);
  return compiled;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const TAG_RULE = "letters, digits, spaces and _.:/=+-@";

/** Failures of a role's tags: at most 50; keys 1-128 and values 0-256 characters; no `aws:` keys. */
export function tagFailures(tags: Readonly<Record<string, unknown>>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS)
    failures.push({ property: "tags", reason: `must have at most ${MAX_TAGS} entries` });
  for (const key of keys) {
    if (!TAG_KEY.test(key)) {
      failures.push({ property: `tags.${key}`, reason: `has an invalid key: keys are 1 to 128 ${TAG_RULE}` });
    } else if (key.toLowerCase().startsWith("aws:")) {
      failures.push({ property: `tags.${key}`, reason: "uses the reserved prefix aws:" });
    }
    const value = tags[key];
    if (typeof value === "string" && !TAG_VALUE.test(value)) {
      failures.push({ property: `tags.${key}`, reason: `must be at most 256 ${TAG_RULE}` });
    }
  }
  return failures;
}

/**
 * Validates StageAccessRole inputs (without `__provider`): the shape, then the principal ARN, the bucket
 * name, the prefix and the tags with messages that say what is allowed. Unknown values (preview) are
 * skipped. The external ID is never echoed.
 */
export function validateStageAccessRoleInputs(inputs: Readonly<Record<string, unknown>>): CheckFailure[] {
  const { known, unknown } = splitUnknowns(inputs);
  const validate = validator();
  const failures: CheckFailure[] = validate(known)
    ? []
    : toCheckFailures(
        validate.errors,
        {
          notAllowed: () => `is not a StageAccessRole input; allowed: ${STAGE_ACCESS_ROLE_INPUTS.join(", ")}`,
          missing: () => "is required",
        },
        unknown,
      );
  const failed = new Set(failures.map((f) => f.property));
  if (typeof known.databendPrincipalArn === "string" && !failed.has("databendPrincipalArn")) {
    const p = parsePrincipalArn(known.databendPrincipalArn);
    if ("reason" in p) failures.push({ property: "databendPrincipalArn", reason: p.reason });
  }
  if (typeof known.bucket === "string" && !failed.has("bucket")) {
    const problem = bucketNameProblem(known.bucket);
    if (problem) failures.push({ property: "bucket", reason: problem });
  }
  if (typeof known.prefix === "string") {
    const p = normalizePrefix(known.prefix);
    if ("reason" in p) failures.push({ property: "prefix", reason: p.reason });
  }
  if (known.tags && typeof known.tags === "object" && !Array.isArray(known.tags)) {
    failures.push(...tagFailures(known.tags as Record<string, unknown>));
  }
  return failures;
}
