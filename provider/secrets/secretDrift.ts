import { STORAGE_SPECS, StorageParams, StorageType, isStorageType } from "../storage/storageSpecs";
import { isMaskDigest, maskDigests, secretsChanged } from "./maskDigest";

/**
 * Secret drift: a secret changed outside Pulumi, seen through Databend's masks. A connection or a
 * stage records, in its `secretMasks` output, one mask digest per secret parameter it wrote (see
 * `maskDigest.ts`); refresh compares each masked value the server shows with it, and a parameter whose
 * mask belongs to another secret has its digest replaced by {@link CHANGED_OUTSIDE}, so the refresh
 * diff names it (`secretMasks.secretAccessKey`) and never shows a value, and the next `up` writes the
 * program's value again.
 */

/** What refresh records in place of a value (or a secret's digest) changed outside Pulumi. */
export const CHANGED_OUTSIDE = "(changed outside Pulumi)";

/** Mask digests by parameter name, as recorded in `secretMasks`. */
export type SecretMasks = Record<string, string>;

/** The secret parameters of `params` with their values (parameter name → value). */
export function secretParamValues(type: StorageType, params: StorageParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, spec] of Object.entries(STORAGE_SPECS[type].params)) {
    const v = params[key];
    if (spec.secret && typeof v === "string") out[key] = v;
  }
  return out;
}

/**
 * The `secretMasks` to record for the secrets of `params`: digests from `previous` kept when they
 * still say the same values, others derived (two scrypt derivations per secret, about 5 ms). Undefined when there is none.
 */
export function secretMasksFor(
  type: StorageType,
  params: StorageParams,
  previous?: unknown,
): SecretMasks | undefined {
  return maskDigests(secretParamValues(type, params), previous);
}

/** Only the well-formed digests of `value` (a `secretMasks` from inputs or state), or undefined. */
export function recordedSecretMasks(value: unknown): SecretMasks | undefined {
  if (!value || typeof value !== "object" || Array.isArray(value)) return undefined;
  const out: SecretMasks = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (isMaskDigest(v)) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** True when `secretMasks` (from state) records a secret changed outside Pulumi. */
export function hasSecretDrift(secretMasks: unknown): boolean {
  return (
    !!secretMasks &&
    typeof secretMasks === "object" &&
    Object.values(secretMasks as Record<string, unknown>).includes(CHANGED_OUTSIDE)
  );
}

/**
 * Compares the masked secrets the server shows (`shown`: parameter name → masked value) with the
 * recorded `secretMasks`: the parameters changed outside Pulumi, and the `secretMasks` to record now
 * (a changed one as {@link CHANGED_OUTSIDE}; one already marked stays marked until a write).
 */
export function compareSecretMasks(
  recorded: unknown,
  shown: Readonly<Record<string, string>>,
): { changed: string[]; secretMasks: Record<string, string> | undefined } {
  const before =
    recorded && typeof recorded === "object" && !Array.isArray(recorded)
      ? (recorded as Record<string, unknown>)
      : {};
  const changed = secretsChanged(before, shown);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(before)) {
    if (changed.includes(k) || v === CHANGED_OUTSIDE) out[k] = CHANGED_OUTSIDE;
    else if (isMaskDigest(v)) out[k] = v;
  }
  return { changed, secretMasks: Object.keys(out).length ? out : undefined };
}

/**
 * The masked secrets a stage's `storage_params` shows (DESC STAGE, either layout), by the parameter
 * names of `keys`: each parameter is looked up under its SQL key and aliases (a stage shows an S3
 * `sessionToken` as `security_token`).
 */
export function shownStageSecrets(
  storageType: string | undefined,
  storageParams: Readonly<Record<string, unknown>>,
  keys: Iterable<string>,
): Record<string, string> {
  const type = storageType?.toLowerCase();
  if (!isStorageType(type)) return {};
  const out: Record<string, string> = {};
  for (const key of keys) {
    const spec = STORAGE_SPECS[type].params[key];
    if (!spec) continue;
    const shown = [spec.sql, ...(spec.aliases ?? [])]
      .map((k) => storageParams[k])
      .find((v) => v !== undefined);
    if (typeof shown === "string") out[key] = shown;
  }
  return out;
}

/** The warning refresh gives for secrets changed outside Pulumi: names, never values. */
export function secretDriftNotice(
  kind: "connection" | "stage",
  name: string,
  changed: readonly string[],
): string {
  const what = changed.length === 1 ? `secret ${changed[0]}` : `secrets ${changed.join(", ")}`;
  const repair =
    kind === "connection"
      ? "the next `pulumi up` writes the program's value again"
      : "the next `pulumi up` sets the stage's credentials again (a stage with a connection copies the connection's current parameters)";
  return (
    `${kind} '${name}': the ${what} shown by Databend (masked) is not the one Pulumi wrote: it was changed ` +
    `outside Pulumi; ${repair}`
  );
}
