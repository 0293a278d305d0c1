import type { SqlSession } from "../client/sqlSession";
import type { CheckFailure } from "../errors/ValidationError";
import { InputGate, gatesAboveMinimum, versionGateFailures } from "../validation/versionGates";
import { notify } from "./notices";

/**
 * Server-aware preview: the failures for the version gates `gates` on the server the DSN names
 * (properties as the gates name them; make them printable where the resource prints failures).
 *
 * The server version is read only when a gate is above the oldest supported version (inputs every
 * supported server takes send no statement at preview), and once per provider process (the session
 * caches it). When it cannot be read (no route to Databend from a pull-request runner, a server that is
 * down), the gates are not checked: preview passes with a warning naming them, and `up`, which needs
 * the server anyway, reports the server's own refusal.
 */
export async function versionFailures(
  session: () => Promise<SqlSession>,
  gates: readonly InputGate[],
): Promise<CheckFailure[]> {
  const needed = gatesAboveMinimum(gates);
  if (needed.length === 0) return [];
  let version: string;
  try {
    version = await (await session()).serverVersion();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    notify(
      "warning",
      `could not read the Databend server version, so these inputs were not checked against it: ` +
        `${needed.map((g) => `${g.what} (needs ${g.since} or later)`).join(", ")}. ${why}`,
    );
    return [];
  }
  return versionGateFailures(needed, version);
}
