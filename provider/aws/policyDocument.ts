/**
 * IAM policy documents: their shape, their canonical JSON, and a comparison that ignores formatting,
 * key order and IAM's URL-encoding (GetRole and GetRolePolicy return documents URL-encoded).
 */

/** The only policy language version this package writes (it is the one with policy variables). */
export const POLICY_VERSION = "2012-10-17";

/** A condition block: operator, then key, then value(s), e.g. `{StringEquals: {"sts:ExternalId": "..."}}`. */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** One statement of a policy document. */
export interface PolicyStatement {
  /** Statement ID (letters and digits). */
  readonly Sid?: string;
  /** Always `Allow` here. */
  readonly Effect: "Allow" | "Deny";
  /** The trusted principal of a trust policy. */
  readonly Principal?: {
    /** The trusted AWS principal's ARN. */
    readonly AWS: string;
  };
  /** One action or several. */
  readonly Action: string | readonly string[];
  /** One resource ARN or several (absent in trust policies). */
  readonly Resource?: string | readonly string[];
  /** Conditions. */
  readonly Condition?: PolicyCondition;
}

/** An IAM policy document. */
export interface PolicyDocument {
  /** Policy language version, {@link POLICY_VERSION}. */
  readonly Version: typeof POLICY_VERSION;
  /** The statements. */
  readonly Statement: readonly PolicyStatement[];
}

/** A policy as the library returns it: the document, and the exact JSON text sent to IAM. */
export interface PolicyResult {
  /** The document as an object. */
  readonly document: PolicyDocument;
  /** The document as JSON (two-space indented), as sent to IAM and printed by the CLI. */
  readonly json: string;
}

/** Wraps a document with its JSON text. */
export function toPolicyResult(document: PolicyDocument): PolicyResult {
  return { document, json: JSON.stringify(document, null, 2) };
}

/** Decodes a document IAM returned (URL-encoded JSON) or the JSON text itself. */
export function decodePolicyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) return trimmed;
  try {
    return decodeURIComponent(trimmed);
  } catch {
    return trimmed;
  }
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(canonical);
    return items.length === 1 ? items[0] : items;
  }
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      out[key] = canonical((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/**
 * The canonical form of a policy (sorted keys, one-element lists as scalars), as compact JSON; the
 * decoded text itself when it is not JSON.
 */
export function canonicalPolicyJson(text: string): string {
  const decoded = decodePolicyText(text);
  try {
    return JSON.stringify(canonical(JSON.parse(decoded)));
  } catch {
    return decoded;
  }
}

/** Whether two policy texts (JSON or URL-encoded JSON) say the same thing. */
export function samePolicy(a: string, b: string): boolean {
  return canonicalPolicyJson(a) === canonicalPolicyJson(b);
}
