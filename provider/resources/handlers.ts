import type { CheckFailure } from "../errors/ValidationError";

/** Property bag as exchanged with the host (Pulumi's dynamic provider, or a plugin). */
export type Props = Record<string, unknown>;

/** Result of `check`: normalised inputs and every failure. */
export interface CheckResult {
  /** The inputs to store, with defaults and computed values filled in. */
  inputs: Props;
  /** Every problem found; empty when the inputs are valid. */
  failures: CheckFailure[];
}

/** Result of `diff`. `changes: undefined` means "cannot tell yet". */
export interface DiffResult {
  /** Whether anything changes; undefined when it cannot be told yet. */
  changes?: boolean;
  /** Properties whose change forces replacement. */
  replaces?: string[];
  /** Delete the old object before creating the new one (same name). */
  deleteBeforeReplace?: boolean;
}

/** Result of `read`: no `id` (or an empty one) means the object is gone. */
export interface ReadResult {
  /** The object's ID; empty or absent when it is gone. */
  id?: string;
  /** Its outputs as they are now. */
  props?: Props;
  /** Inputs matching what was read, so the next diff sees drift. */
  inputs?: Props;
}

/**
 * Host-agnostic CRUD for one resource kind. Every method takes and returns plain objects, so the
 * same handlers back the Pulumi dynamic provider and any other host.
 */
export interface ResourceHandlers {
  /** Validates and normalises new inputs; sends nothing to any server. */
  check(olds: Props, news: Props): Promise<CheckResult>;
  /** Compares prior outputs (`olds`) with checked inputs (`news`). */
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  /** Creates the object and returns its ID and outputs. */
  create(inputs: Props): Promise<{
    /** The new object's ID (its Databend name, or the IAM role name). */
    id: string;
    /** Its outputs (state). */
    outs: Props;
  }>;
  /** Reads the object as it is now (refresh). */
  read(id: string, props: Props): Promise<ReadResult>;
  /** Changes the object in place and returns its new outputs. */
  update(
    id: string,
    olds: Props,
    news: Props,
  ): Promise<{
    /** The updated outputs (state). */
    outs: Props;
  }>;
  /** Deletes the object; deleting what is already gone succeeds. */
  delete(id: string, props: Props): Promise<void>;
}

/**
 * Keys the host adds that handlers must ignore: the dynamic provider's module, the stack identity
 * the SDK passes to the dynamic host (see `stackIdentity.ts`), and the version of the package that
 * deployed the resource (`__packageVersion`, see `../packageVersion.ts`).
 */
export const HOST_KEYS: ReadonlySet<string> = new Set(["__provider", "__stack", "__packageVersion"]);

/** `props` without host-owned keys. */
export function withoutHostKeys(props: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) if (!HOST_KEYS.has(k)) out[k] = v;
  return out;
}

/** Version of the state layout written by this provider; older layouts are migrated on read. */
export const STATE_VERSION = 2;

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

/** The inputs that match `outs` after a refresh: the outputs without the keys only a provider sets. */
export function inputsFromOutputs(outs: Props, outputOnly: readonly string[]): Props {
  const inputs: Props = { ...outs };
  for (const k of ["stateVersion", ...outputOnly]) delete inputs[k];
  return inputs;
}
