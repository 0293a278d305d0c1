import { reportStaleCopies } from "../audit/staleCopies";
import { isDatabendError } from "../errors/DatabendError";
import { withMoreHint } from "../errors/mapError";
import { ValidationError } from "../errors/ValidationError";
import type { SqlSession } from "../client/sqlSession";
import {
  renderCreateConnection,
  renderDescConnection,
  renderDropConnection,
  renderShowConnections,
} from "../sql/connection";
import { adoptRequest, ADOPT_VARIABLE } from "../settings";
import {
  connectionFingerprint,
  isFingerprint,
  fingerprintMatches,
  isLegacyFingerprint,
  legacyConnectionFingerprint,
  saltOf,
} from "../storage/fingerprint";
import { maskedMatches } from "../storage/masking";
import {
  CHANGED_OUTSIDE,
  compareSecretMasks,
  recordedSecretMasks,
  secretDriftNotice,
  secretMasksFor,
} from "../secrets/secretDrift";
import { parseStorageParamsDisplay } from "../storage/storageParamsDisplay";
import {
  STORAGE_SPECS,
  StorageParams,
  StorageType,
  isStorageType,
  paramForSqlKey,
  pickParams,
  secretValues,
  sqlKeysOf,
} from "../storage/storageSpecs";
import { validateConnectionInputs } from "../validation/connectionSchema";
import { containsUnknown, isUnknown } from "../validation/unknowns";
import { noticePlannedTakeOver, noticeTakenOver, wildcardRefusal } from "./adoption";
import { claimName, keptForSuccessor } from "./claims";
import { invalidateListings, listedRow, ListingSpec } from "./listings";
import { notify } from "./notices";
import {
  Props,
  ResourceHandlers,
  STATE_VERSION,
  compact,
  inputsFromOutputs,
  withoutHostKeys,
} from "./handlers";

/** Connection inputs after `check`. */
export interface ConnectionInputs {
  name: string;
  storageType: StorageType;
  params: StorageParams;
  adopt: boolean;
}

/** What the handlers need besides a SQL session. */
export interface ConnectionDeps {
  /** Why no statement could be sent (no DSN configured), or undefined. Checked at preview. */
  readonly dsnProblem?: () => string | undefined;
}

/** Hints appended to Databend errors about connections. */
const HINTS: Record<number, string> = {
  1063:
    "CREATE CONNECTION needs the SUPER privilege, or the CREATE CONNECTION privilege on *.* held by the current role " +
    "when the setting enable_experimental_connection_privilege_check=1; DESC and DROP need SUPER, ownership or ACCESS CONNECTION",
  2510: "The connection does not exist",
  4000: "Databend rejected the storage parameters",
};

/** How refresh lists connections in bulk. */
const LISTING: ListingSpec = {
  kind: "connection",
  sql: renderShowConnections(),
  usable: (row) => "storage_params" in row && "storage_type" in row,
};

/** Parses checked inputs (or prior outputs) into {@link ConnectionInputs}. */
export function parseConnection(props: Props): ConnectionInputs {
  const p = withoutHostKeys(props);
  if (!isStorageType(p.storageType) || typeof p.name !== "string") {
    throw new ValidationError("Connection", [{ property: "storageType", reason: "is missing or unknown" }]);
  }
  return {
    name: p.name,
    storageType: p.storageType,
    params: pickParams(p.storageType, p),
    adopt: p.adopt === true,
  };
}

/** The names of the secret parameters of storage type `type`. */
function secretKeysOf(type: StorageType): Set<string> {
  return new Set(
    Object.entries(STORAGE_SPECS[type].params)
      .filter(([, spec]) => spec.secret)
      .map(([key]) => key),
  );
}

/**
 * The outputs (state) of a connection. Secret values are never returned: Pulumi's SDK prints every
 * returned output at `--debug`, secrets included. Diffs compare the fingerprint instead, and
 * `secretParams` records which secret parameters are set; `secretMasks` holds one mask digest per
 * secret, so refresh can tell a secret changed outside Pulumi (see `../secrets/secretDrift.ts`).
 */
export function connectionOutputs(
  c: ConnectionInputs,
  fingerprint?: string,
  secretMasks?: Record<string, string>,
): Props {
  const secrets = secretKeysOf(c.storageType);
  const plain = Object.fromEntries(Object.entries(c.params).filter(([k]) => !secrets.has(k)));
  const secretParams = Object.keys(c.params)
    .filter((k) => secrets.has(k))
    .sort();
  return compact({
    name: c.name,
    storageType: c.storageType,
    ...plain,
    secretParams: secretParams.length ? secretParams : undefined,
    fingerprint: fingerprint ?? connectionFingerprint(c.storageType, c.params, c.name),
    secretMasks,
    adopt: c.adopt ? true : undefined,
    stateVersion: STATE_VERSION,
  });
}

/**
 * The fingerprint of `c`: the one recorded with the previous inputs when they hold exactly the same
 * name, storage type and parameters (secrets compared in memory, as the engine hands them over), so
 * that a run which changes nothing derives nothing; else a fresh derivation (about 14 ms of scrypt).
 */
function fingerprintOf(c: ConnectionInputs, olds: Props): string {
  if (isFingerprint(olds.fingerprint) && isStorageType(olds.storageType) && typeof olds.name === "string") {
    const before = parseConnection(olds);
    if (
      before.name === c.name &&
      before.storageType === c.storageType &&
      sameParams(before.params, c.params)
    ) {
      return olds.fingerprint;
    }
  }
  // The object keeps its random salt across changes; a new name is a new object with a new salt.
  return connectionFingerprint(
    c.storageType,
    c.params,
    c.name,
    olds.name === c.name ? saltOf(olds.fingerprint) : undefined,
  );
}

/**
 * The mask digests of `c`'s secrets: the ones of the previous inputs when they hold exactly the same
 * parameters (nothing derived), else each kept when it still says its value or derived afresh.
 */
function secretMasksOf(c: ConnectionInputs, olds: Props): Record<string, string> | undefined {
  const recorded = recordedSecretMasks(olds.secretMasks);
  if (recorded && isStorageType(olds.storageType) && typeof olds.name === "string") {
    const before = parseConnection(olds);
    if (before.storageType === c.storageType && sameParams(before.params, c.params)) return recorded;
  }
  return secretMasksFor(c.storageType, c.params, recorded);
}

/** The mask digests `check` put in the inputs, or derived now for inputs that have none. */
function checkedSecretMasks(c: ConnectionInputs, inputs: Props): Record<string, string> | undefined {
  return "secretMasks" in inputs ? recordedSecretMasks(inputs.secretMasks) : secretMasksOf(c, {});
}

function sameParams(a: StorageParams, b: StorageParams): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => String(a[k]) === String(b[k]));
}

/**
 * The fingerprint `check` put in the inputs (or a program of package 0.2 did, derived the same way),
 * so that create and update do not derive it a second time; undefined when there is none.
 */
function checkedFingerprint(inputs: Props): string | undefined {
  return isFingerprint(inputs.fingerprint) ? inputs.fingerprint : undefined;
}

function secretsOf(c: ConnectionInputs): string[] {
  return secretValues(c.storageType, c.params);
}

export { parseStorageParamsDisplay };

/** Placeholder stored when refresh finds a value changed outside Pulumi (the real value is unreadable). */
export { CHANGED_OUTSIDE };

/** Fingerprint recorded when refresh finds the connection changed outside Pulumi: the next `up` repairs it. */
export const DRIFTED = "drifted";

/**
 * Whether two fingerprints say the same parameters. A fingerprint written by package 0.1 is compared
 * with the 0.1 digest of the new parameters, so state written by that version keeps working.
 */
function sameFingerprint(old: unknown, news: Props): boolean {
  if (old === news.fingerprint) return true; // check reused the recorded one: nothing to derive
  if (!isFingerprint(old) && !isLegacyFingerprint(old)) return false;
  // A check without the previous inputs drew a new salt: compare what the recorded one says.
  const c = parseConnection(news);
  return fingerprintMatches(old, c.storageType, c.params, c.name);
}

/**
 * Connection CRUD. `session` is called lazily, so `check` and `diff` never touch the network.
 */
export function connectionHandlers(
  session: () => Promise<SqlSession>,
  deps: ConnectionDeps = {},
): ResourceHandlers {
  async function createOrReplace(c: ConnectionInputs, orReplace: boolean, action: string): Promise<void> {
    const s = await session();
    invalidateListings();
    await s.exec(renderCreateConnection(c.name, c.storageType, c.params, { orReplace }), {
      action,
      secrets: secretsOf(c),
      hints: HINTS,
      idempotent: orReplace,
    });
  }

  /** Whether the existing connection `c.name` has exactly `c`'s settings (false when it cannot be read). */
  async function sameSettings(c: ConnectionInputs): Promise<boolean> {
    try {
      const s = await session();
      const [row] = await s.query(renderDescConnection(c.name), { action: `read connection ${c.name}` });
      return !!row && matches(c, row);
    } catch {
      return false;
    }
  }

  /** The hint for 2512: is the existing connection this resource's own (being replaced), or someone else's? */
  async function existsHint(c: ConnectionInputs): Promise<string> {
    const same = await sameSettings(c);
    const rename =
      "if you renamed the resource in the program, add the `aliases` resource option with its old name";
    const takeOver = `take it over (its parameters are replaced by yours) with \`adopt: true\` or \`${ADOPT_VARIABLE}=${c.name} pulumi up\``;
    return same
      ? `Connection '${c.name}' already exists with exactly these settings. If this stack manages it, Pulumi is ` +
          "creating its replacement before deleting it (Databend names are unique): " +
          `${rename}; a connection needs no \`--replace\` (every parameter change is applied in place); if an ` +
          `interrupted deployment left it behind, run \`${ADOPT_VARIABLE}=${c.name} pulumi up\` once. If another ` +
          `stack or person manages it, choose another name, or ${takeOver}`
      : `Connection '${c.name}' already exists with other settings, so this resource did not create it: ` +
          `${takeOver}, or choose another name; ${rename}`;
  }

  return {
    async check(olds, news) {
      const inputs = withoutHostKeys(news);
      const failures = validateConnectionInputs(inputs);
      const dsnProblem = deps.dsnProblem?.();
      if (dsnProblem) failures.push({ property: "", reason: dsnProblem });
      if (failures.length === 0 && !containsUnknown(inputs) && typeof inputs.fingerprint !== "string") {
        const c = parseConnection(inputs);
        inputs.fingerprint = fingerprintOf(c, olds);
        // Digests of the secrets' masks: what refresh recognises them by (not compared by diff).
        const secretMasks = secretMasksOf(c, olds);
        if (secretMasks) inputs.secretMasks = secretMasks;
        else delete inputs.secretMasks;
      }
      noticePlannedTakeOver("connection", inputs.name, inputs.adopt === true, olds.name !== undefined);
      return { inputs, failures };
    },

    async diff(_id, olds, news) {
      if (isUnknown(news.name)) return { changes: true };
      // A new name is a new object: created first, then the old one is dropped.
      if (news.name !== olds.name) return { changes: true, replaces: ["name"], deleteBeforeReplace: false };
      claimName("connection", String(news.name));
      if (containsUnknown(news)) return { changes: true };
      const changed =
        olds.storageType !== news.storageType ||
        !sameFingerprint(olds.fingerprint, news) ||
        olds.stateVersion !== STATE_VERSION;
      return { changes: changed };
    },

    async create(inputs) {
      const c = parseConnection(inputs);
      try {
        await createOrReplace(c, false, `create connection ${c.name}`);
      } catch (e) {
        if (!(isDatabendError(e) && e.serverCode === 2512)) throw e;
        const request = adoptRequest(c.name, c.adopt);
        if (!request) throw withMoreHint(e, await existsHint(c));
        // Databend keeps no comment on a connection: exact settings are the only evidence there is.
        // A name the user gave needs none (and costs no DESC): every parameter is replaced anyway.
        const proven = request === "wildcard" && (await sameSettings(c));
        const evidence =
          request === "explicit"
            ? "its settings were not compared: every parameter is now this resource's"
            : proven
              ? `${EXACT_SETTINGS} (Databend keeps no marker on a connection)`
              : "its storage type or parameters differ from this resource's, or it could not be read";
        if (request === "wildcard" && !proven) {
          throw withMoreHint(e, wildcardRefusal("connection", c.name, evidence, true));
        }
        await createOrReplace(c, true, `adopt connection ${c.name}`);
        noticeTakenOver("connection", c.name, request, { proven, evidence });
      }
      claimName("connection", c.name);
      return {
        id: c.name,
        outs: connectionOutputs(c, checkedFingerprint(inputs), checkedSecretMasks(c, inputs)),
      };
    },

    async read(id, props) {
      const s = await session();
      let row: Record<string, unknown> | undefined;
      const listed = await listedRow(s, LISTING, id);
      if (listed === null) return { id: "" };
      if (listed) {
        row = listed;
      } else {
        try {
          const rows = await s.query(renderDescConnection(id), {
            action: `read connection ${id}`,
            hints: HINTS,
            // A server error may quote stored values (1.2.895 panics on some masks and prints them):
            // mask whatever secret the state still holds (state written by 0.1 kept secrets).
            secrets: isStorageType(props.storageType)
              ? secretValues(props.storageType, pickParams(props.storageType, props))
              : [],
          });
          row = rows[0];
        } catch (e) {
          if (isDatabendError(e) && e.serverCode === 2510) return { id: "" };
          throw e;
        }
      }
      if (!row) return { id: "" };
      const state = withoutHostKeys(props);
      // `pulumi import` (plugin host): no state at all. Every value is masked, so each one read back
      // becomes a placeholder, secrets included, and the fingerprint covers the placeholders: the
      // generated program then deploys with no changes, and filling in real values is one update.
      const importing = Object.keys(state).length === 0;
      const serverType = String(row.storage_type ?? "").toLowerCase();
      if (!isStorageType(serverType)) {
        // A type this package does not manage: keep the raw type so the next `up` replaces it.
        const outs = { name: id, storageType: serverType, fingerprint: DRIFTED, stateVersion: STATE_VERSION };
        return { id, props: outs, inputs: outs };
      }
      const known = state.storageType === serverType ? pickParams(serverType, state) : {};
      const secrets = secretKeysOf(serverType);
      const stateSecretKeys = new Set(
        Array.isArray(state.secretParams)
          ? state.secretParams.map(String)
          : Object.keys(known).filter((k) => secrets.has(k)),
      );
      const actual = parseStorageParamsDisplay(String(row.storage_params ?? ""), sqlKeysOf(serverType));
      const params: StorageParams = {};
      let drifted = state.storageType !== serverType;
      const serverKeys = new Set<string>();
      const shownSecrets: Record<string, string> = {};
      for (const [sqlKey, masked] of Object.entries(actual)) {
        const key = paramForSqlKey(serverType, sqlKey);
        if (!key) continue;
        serverKeys.add(key);
        if (secrets.has(key)) {
          if (importing) {
            params[key] = CHANGED_OUTSIDE;
            continue;
          }
          // The value is compared through its mask digest (below); a secret given in plaintext (state
          // written by package 0.1) is compared with the mask directly.
          shownSecrets[key] = masked;
          const mine = known[key];
          if (!stateSecretKeys.has(key) || (typeof mine === "string" && !maskedMatches(mine, masked)))
            drifted = true;
          if (typeof mine === "string") params[key] = mine;
          continue;
        }
        const mine = known[key];
        if (mine !== undefined && maskedMatches(String(mine), masked)) {
          params[key] = mine;
        } else {
          params[key] = CHANGED_OUTSIDE;
          drifted = true;
        }
      }
      for (const k of [...Object.keys(known), ...stateSecretKeys]) if (!serverKeys.has(k)) drifted = true;
      const masks = importing ? undefined : compareSecretMasks(state.secretMasks, shownSecrets);
      if (masks?.changed.length) {
        drifted = true;
        notify("warning", secretDriftNotice("connection", id, masks.changed));
      }
      const c: ConnectionInputs = { name: id, storageType: serverType, params, adopt: state.adopt === true };
      const fingerprint = importing
        ? connectionFingerprint(serverType, params, id)
        : drifted || typeof state.fingerprint !== "string"
          ? DRIFTED
          : state.fingerprint;
      const outs = connectionOutputs(c, fingerprint, masks?.secretMasks);
      const kept = [...serverKeys].filter((k) => secrets.has(k)).sort();
      if (kept.length) outs.secretParams = kept;
      // The stale copies reported at the last change stay as they were (only a change reports them).
      if (Array.isArray(state.staleCopies)) outs.staleCopies = state.staleCopies;
      const inputs = inputsFromOutputs(outs, ["secretParams", "staleCopies"]);
      if (importing) for (const k of kept) inputs[k] = CHANGED_OUTSIDE;
      return { id, props: outs, inputs };
    },

    async update(_id, olds, news) {
      const c = parseConnection(news);
      const migratingOnly =
        olds.stateVersion !== STATE_VERSION &&
        olds.storageType === c.storageType &&
        isLegacyFingerprint(olds.fingerprint) &&
        legacyConnectionFingerprint(c.storageType, c.params) === olds.fingerprint;
      // State written by 0.1 for unchanged parameters only needs new outputs (no secrets in them).
      const outs = connectionOutputs(c, checkedFingerprint(news), checkedSecretMasks(c, news));
      if (!migratingOnly) {
        await createOrReplace(c, true, `update connection ${c.name}`);
        // Every stage still holding the old copy, managed or not: Databend copied it at their creation.
        const stale = await reportStaleCopies(await session(), c.name);
        if (stale) outs.staleCopies = stale;
      }
      claimName("connection", c.name);
      return { outs };
    },

    async delete(id) {
      if (keptForSuccessor("connection", id, "connection")) return;
      const s = await session();
      invalidateListings();
      await s.exec(renderDropConnection(id), {
        action: `delete connection ${id}`,
        hints: HINTS,
        idempotent: true,
      });
    },
  };
}

/** The evidence the wildcard accepts for a connection, in words. */
const EXACT_SETTINGS =
  "its storage type and every parameter equal this resource's, as far as Databend's masks show";

/** True when DESC CONNECTION's row is consistent with `c` (same type, same keys, masked values match). */
function matches(c: ConnectionInputs, row: Record<string, unknown>): boolean {
  if (String(row.storage_type ?? "").toLowerCase() !== c.storageType) return false;
  const actual = parseStorageParamsDisplay(String(row.storage_params ?? ""), sqlKeysOf(c.storageType));
  const seen = new Set<string>();
  for (const [sqlKey, masked] of Object.entries(actual)) {
    const key = paramForSqlKey(c.storageType, sqlKey);
    const mine = key ? c.params[key] : undefined;
    if (!key || mine === undefined || !maskedMatches(String(mine), masked)) return false;
    seen.add(key);
  }
  return Object.keys(c.params).every((k) => seen.has(k));
}
