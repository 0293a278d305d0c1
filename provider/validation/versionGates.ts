import type { CheckFailure } from "../errors/ValidationError";
import { MIN_SERVER_VERSION, versionAtLeast } from "../client/serverVersion";

/** A version gate an input hits: the input's path, the first accepting version, and what it is. */
export interface InputGate {
  /** The input's path (`url`, `type`, `fieldDelimiter`, `fileFormat.trimSpace`). */
  readonly property: string;
  /** `x.y.z`: the first Databend version that accepts it. */
  readonly since: string;
  /** What needs the version, as the message names it (`TYPE = AVRO`). */
  readonly what: string;
}

/** The gates that some supported server fails (those above {@link MIN_SERVER_VERSION}). */
export function gatesAboveMinimum<G extends InputGate>(gates: readonly G[]): G[] {
  return gates.filter((g) => !versionAtLeast(MIN_SERVER_VERSION, g.since));
}

/**
 * One failure per gate that `serverVersion` does not pass, naming the first version that does:
 * `TYPE = AVRO needs Databend 1.2.704 or later; this server is 1.2.453`.
 */
export function versionGateFailures(gates: readonly InputGate[], serverVersion: string): CheckFailure[] {
  return gates
    .filter((g) => !versionAtLeast(serverVersion, g.since))
    .map((g) => ({
      property: g.property,
      reason: `${g.what} needs Databend ${g.since} or later; this server is ${serverVersion}`,
    }));
}

/** Prefixes the gates' properties (`type` becomes `fileFormat.type`). */
export function prefixGates<G extends InputGate>(gates: readonly G[], prefix: string): InputGate[] {
  return gates.map((g) => ({ ...g, property: `${prefix}.${g.property}` }));
}
