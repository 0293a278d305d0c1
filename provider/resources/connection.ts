import { isDatabendError } from "../errors/DatabendError";
import { ValidationError } from "../errors/ValidationError";
import type { SqlSession } from "../client/sqlSession";
import { renderCreateConnection, renderDescConnection, renderDropConnection } from "../sql/connection";
import { connectionFingerprint } from "../storage/fingerprint";
import { maskedMatches } from "../storage/masking";
import {
  StorageParams,
  StorageType,
  isStorageType,
  paramForSqlKey,
  pickParams,
  secretValues,
} from "../storage/storageSpecs";
import { validateConnectionInputs } from "../validation/connectionSchema";
import { containsUnknown, isUnknown } from "../validation/unknowns";
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

/** Hints appended to Databend errors about connections. */
const HINTS: Record<number, string> = {
  1063:
    "CREATE CONNECTION needs the SUPER privilege, or the CREATE CONNECTION privilege on *.* held by the current role " +
    "when the setting enable_experimental_connection_privilege_check=1; DESC and DROP need SUPER, ownership or ACCESS CONNECTION",
  2510: "the connection does not exist",
  2512:
    "a connection with this name already exists and was not created by this stack; to take it over (its parameters " +
    "are replaced by yours), set `adopt: true` on the Connection, or `pulumi import` it through the provider plugin (Pulumi YAML; the TypeScript classes are dynamic resources, which cannot be imported)",
  4000: "Databend rejected the storage parameters",
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

/** The outputs (state) of a connection. Secret parameters are re-marked secret by the host. */
export function connectionOutputs(c: ConnectionInputs): Props {
  return compact({
    name: c.name,
    storageType: c.storageType,
    ...c.params,
    fingerprint: connectionFingerprint(c.storageType, c.params),
    stateVersion: STATE_VERSION,
  });
}

function secretsOf(c: ConnectionInputs): string[] {
  return secretValues(c.storageType, c.params);
}

/** Parses DESC CONNECTION's `storage_params` column: `k1=v1 k2=v2` (values masked by the server). */
export function parseStorageParamsDisplay(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tok of text.split(/\s+/).filter(Boolean)) {
    const eq = tok.indexOf("=");
    if (eq > 0) out[tok.slice(0, eq).toLowerCase()] = tok.slice(eq + 1);
  }
  return out;
}

/** Placeholder stored when refresh finds a value changed outside Pulumi (the real value is unreadable). */
export const CHANGED_OUTSIDE = "(changed outside Pulumi)";

/**
 * Connection CRUD. `session` is called lazily, so `check` and `diff` never touch the network.
 */
export function connectionHandlers(session: () => Promise<SqlSession>): ResourceHandlers {
  async function createOrReplace(c: ConnectionInputs, orReplace: boolean, action: string): Promise<void> {
    const s = await session();
    await s.exec(renderCreateConnection(c.name, c.storageType, c.params, { orReplace }), {
      action,
      secrets: secretsOf(c),
      hints: HINTS,
    });
  }

  return {
    async check(_olds, news) {
      const inputs = withoutHostKeys(news);
      const failures = validateConnectionInputs(inputs);
      if (failures.length === 0 && !containsUnknown(inputs)) {
        const c = parseConnection(inputs);
        inputs.fingerprint = connectionFingerprint(c.storageType, c.params);
      }
      return { inputs, failures };
    },

    async diff(_id, olds, news) {
      if (isUnknown(news.name)) return { changes: true, replaces: ["name"] };
      if (news.name !== olds.name) return { changes: true, replaces: ["name"] };
      const keys = new Set([...Object.keys(withoutHostKeys(olds)), ...Object.keys(withoutHostKeys(news))]);
      keys.delete("adopt");
      keys.delete("stateVersion");
      keys.delete("fingerprint");
      const changed = [...keys].some((k) => containsUnknown(news[k]) || olds[k] !== news[k]);
      return { changes: changed };
    },

    async create(inputs) {
      const c = parseConnection(inputs);
      try {
        await createOrReplace(c, false, `create connection ${c.name}`);
      } catch (e) {
        if (!(c.adopt && isDatabendError(e) && e.serverCode === 2512)) throw e;
        await createOrReplace(c, true, `adopt connection ${c.name}`);
      }
      return { id: c.name, outs: connectionOutputs(c) };
    },

    async read(id, props) {
      const s = await session();
      let row: Record<string, unknown> | undefined;
      try {
        const rows = await s.query(renderDescConnection(id), {
          action: `read connection ${id}`,
          hints: HINTS,
        });
        row = rows[0];
      } catch (e) {
        if (isDatabendError(e) && e.serverCode === 2510) return { id: "" };
        throw e;
      }
      if (!row) return { id: "" };
      const state = withoutHostKeys(props);
      const serverType = String(row.storage_type ?? "").toLowerCase();
      if (!isStorageType(serverType)) {
        // A type this package does not manage: keep the raw type so the next `up` replaces it.
        const outs = { name: id, storageType: serverType, fingerprint: "", stateVersion: STATE_VERSION };
        return { id, props: outs, inputs: outs };
      }
      const actual = parseStorageParamsDisplay(String(row.storage_params ?? ""));
      const stateType = isStorageType(state.storageType) ? state.storageType : serverType;
      const known = stateType === serverType ? pickParams(serverType, state) : {};
      const params: StorageParams = {};
      for (const [sqlKey, masked] of Object.entries(actual)) {
        const key = paramForSqlKey(serverType, sqlKey);
        if (!key) continue;
        const mine = known[key];
        params[key] = mine !== undefined && maskedMatches(String(mine), masked) ? mine : CHANGED_OUTSIDE;
      }
      const c: ConnectionInputs = { name: id, storageType: serverType, params, adopt: state.adopt === true };
      const outs = connectionOutputs(c);
      const inputs = inputsFromOutputs(outs, []);
      if (state.adopt === true) inputs.adopt = true;
      return { id, props: outs, inputs };
    },

    async update(_id, _olds, news) {
      const c = parseConnection(news);
      await createOrReplace(c, true, `update connection ${c.name}`);
      return { outs: connectionOutputs(c) };
    },

    async delete(id) {
      const s = await session();
      await s.exec(renderDropConnection(id), { action: `delete connection ${id}`, hints: HINTS });
    },
  };
}
