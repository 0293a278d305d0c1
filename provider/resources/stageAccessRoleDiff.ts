import { samePolicy } from "../aws/policyDocument";
import { containsUnknown, isUnknown } from "../validation/unknowns";
import type { DiffResult, Props } from "./handlers";
import { STATE_VERSION } from "./handlers";
import {
  documentsFor,
  normalizedPrefixOrSelf,
  parseStageAccessRole,
  trustPolicyFingerprint,
} from "./stageAccessRoleSpec";

/** Inputs that force a new role: IAM cannot rename a role or move it to another path. */
export const REPLACE_ON_CHANGE = ["roleName", "path"];

/** Inputs changed in place (besides the two documents, compared for drift). */
export const UPDATABLE = [
  "databendPrincipalArn",
  "bucket",
  "prefix",
  "access",
  "permissionsBoundary",
  "tags",
  "maxSessionDuration",
  "verify",
];

function sorted(v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
  );
}

/** Normalises a value so that absent and default values, `{}` tags and prefix spellings compare equal. */
function comparable(key: string, v: unknown): string {
  let c: unknown;
  if (key === "tags") c = v && typeof v === "object" ? v : {};
  else if (key === "access") c = v ?? "read";
  else if (key === "verify") c = v === true;
  else if (key === "path") c = v ?? "/";
  else if (key === "prefix") c = typeof v === "string" ? normalizedPrefixOrSelf(v) : "";
  else c = v ?? null;
  return JSON.stringify(sorted(c));
}

/**
 * Diff of a StageAccessRole: replace on a new name (create first) or path (delete first, as the name
 * stays); update in place on any other input change, or when refresh found either document changed
 * outside Pulumi. Unknown values count as changes.
 */
export function diffStageAccessRole(olds: Props, news: Props): DiffResult {
  const replaces = REPLACE_ON_CHANGE.filter(
    (k) => isUnknown(news[k]) || comparable(k, olds[k]) !== comparable(k, news[k]),
  );
  if (replaces.length) {
    // The same name cannot exist twice: when it is kept (or not known yet), delete first.
    const renamed = !isUnknown(news.roleName) && news.roleName !== olds.roleName;
    return { changes: true, replaces, deleteBeforeReplace: !renamed };
  }
  if (UPDATABLE.some((k) => containsUnknown(news[k]) || comparable(k, olds[k]) !== comparable(k, news[k]))) {
    return { changes: true };
  }
  try {
    const docs = documentsFor(parseStageAccessRole(news));
    const r = parseStageAccessRole(news);
    // The trust policy holds the external ID, so it is compared by fingerprint (0.1 state kept it whole).
    const trustSame =
      typeof olds.trustPolicyFingerprint === "string"
        ? olds.trustPolicyFingerprint === trustPolicyFingerprint(r.roleName, docs.trustPolicy)
        : typeof olds.trustPolicy === "string" && samePolicy(olds.trustPolicy, docs.trustPolicy);
    const drifted =
      !trustSame ||
      typeof olds.accessPolicy !== "string" ||
      !samePolicy(olds.accessPolicy, docs.accessPolicy) ||
      olds.stateVersion !== STATE_VERSION;
    return { changes: drifted };
  } catch {
    return { changes: true };
  }
}
