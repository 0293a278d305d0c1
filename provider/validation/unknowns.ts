/** The value Pulumi sends for inputs that are not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `v` is Pulumi's unknown-value sentinel. */
export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/**
 * Splits `obj` into its known part and the set of (dotted) paths that are unknown, so that schemas
 * validate what is known and no failure is reported for what is not known yet.
 */
export function splitUnknowns(
  obj: Readonly<Record<string, unknown>>,
  prefix = "",
): {
  known: Record<string, unknown>;
  unknown: Set<string>;
} {
  const known: Record<string, unknown> = {};
  const unknown = new Set<string>();
  for (const [k, v] of Object.entries(obj)) {
    const path = prefix ? `${prefix}.${k}` : k;
    if (isUnknown(v)) {
      unknown.add(path);
    } else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const inner = splitUnknowns(v as Record<string, unknown>, path);
      known[k] = inner.known;
      inner.unknown.forEach((p) => unknown.add(p));
    } else if (Array.isArray(v) && v.some(isUnknown)) {
      unknown.add(path);
    } else {
      known[k] = v;
    }
  }
  return { known, unknown };
}

/** True when `v`, or anything inside it, is unknown. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}
