import type { CheckFailure } from "../errors/ValidationError";

/** Property bag as exchanged with the host (Pulumi's dynamic provider, or a plugin). */
export type Props = Record<string, unknown>;

/** Result of `check`: normalised inputs and every failure. */
export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}

/** Result of `diff`. `changes: undefined` means "cannot tell yet". */
export interface DiffResult {
  changes?: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

/** Result of `read`: no `id` (or an empty one) means the object is gone. */
export interface ReadResult {
  id?: string;
  props?: Props;
  inputs?: Props;
}

/**
 * Host-agnostic CRUD for one resource kind. Every method takes and returns plain objects, so the
 * same handlers back the Pulumi dynamic provider and any other host.
 */
export interface ResourceHandlers {
  check(olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<ReadResult>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/** Keys the host adds that handlers must ignore. */
export const HOST_KEYS: ReadonlySet<string> = new Set(["__provider"]);

/** `props` without host-owned keys. */
export function withoutHostKeys(props: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) if (!HOST_KEYS.has(k)) out[k] = v;
  return out;
}

/** Version of the state layout written by this provider; older layouts are migrated on read. */
export const STATE_VERSION = 1;

/**
 * A copy of `props` without `undefined` values (at any depth): hosts serialize properties to
 * protobuf structs, which have no `undefined`.
 */
export function compact(props: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    out[k] = compactValue(v);
  }
  return out;
}

function compactValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(compactValue);
  if (v !== null && typeof v === "object") return compact(v as Props);
  return v;
}
