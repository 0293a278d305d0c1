/**
 * Pulumi property values on the wire (google.protobuf.Struct as plain JavaScript) and the plain
 * objects the handlers take. The engine marks secrets, resource references and unknowns with
 * signature objects (see Pulumi's `sdk/go/common/resource/properties.go`); this module removes the
 * marks on the way in, remembering which top-level properties were secret, and puts them back on
 * the way out.
 */
import type { Props } from "../provider";

/** The key of every special value's signature. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature of a secret. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** Signature of a resource reference. */
export const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
/** Signature of an output value (only sent when the provider accepts outputs, which this one does not). */
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** A reference to another resource, as the engine sends it to a provider that accepts resources. */
export interface ResourceRef {
  /** The referenced resource's URN. */
  readonly urn: string;
  /** Its ID; empty or the unknown sentinel while it is not known yet. */
  readonly id?: string;
}

/** Marks a {@link ResourceRef} in unwrapped values. */
const REF = Symbol("resourceRef");

/** Unwrapped properties and the top-level keys that were (or contained) secrets. */
export interface Unwrapped {
  /** The values, secret marks removed, resource references as {@link ResourceRef}. */
  props: Props;
  /** Top-level keys that were secret. */
  secretKeys: Set<string>;
}

/** True when `v` is a resource reference produced by {@link unwrapProps}. */
export function isResourceRef(v: unknown): v is ResourceRef {
  return v !== null && typeof v === "object" && REF in v;
}

function unwrapValue(v: unknown, onSecret: () => void): unknown {
  if (Array.isArray(v)) return v.map((x) => unwrapValue(x, onSecret));
  if (v === null || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  const sig = o[SIG_KEY];
  if (sig === SECRET_SIG) {
    onSecret();
    return unwrapValue(o.value, onSecret);
  }
  if (sig === RESOURCE_REF_SIG) {
    return { [REF]: true, urn: String(o.urn ?? ""), id: typeof o.id === "string" ? o.id : undefined };
  }
  if (sig === OUTPUT_SIG) {
    if (o.secret === true) onSecret();
    return unwrapValue(o.value, onSecret);
  }
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapValue(x, onSecret)]));
}

/** Removes secret marks (remembering secret top-level keys) and decodes resource references. */
export function unwrapProps(struct: Record<string, unknown> | undefined): Unwrapped {
  const props: Props = {};
  const secretKeys = new Set<string>();
  for (const [k, v] of Object.entries(struct ?? {})) {
    props[k] = unwrapValue(v, () => secretKeys.add(k));
  }
  return { props, secretKeys };
}

/** A secret value on the wire. */
export function secretValue(value: unknown): Record<string, unknown> {
  return { [SIG_KEY]: SECRET_SIG, value };
}

function wireValue(v: unknown): unknown {
  if (v === undefined) return undefined;
  if (isResourceRef(v)) return { [SIG_KEY]: RESOURCE_REF_SIG, urn: v.urn, ...(v.id ? { id: v.id } : {}) };
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(wireValue);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = wireValue(x);
    return out;
  }
  return v;
}

/** Properties for the wire, with every key in `secretKeys` wrapped as a secret; undefined values dropped. */
export function wrapProps(props: Props, secretKeys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    const w = wireValue(v);
    out[k] = secretKeys.has(k) ? secretValue(w) : w;
  }
  return out;
}
