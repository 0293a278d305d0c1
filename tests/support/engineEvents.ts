/** The subset of Pulumi engine events the tests read (see `pulumi ... --event-log`). */
export interface EngineEvent {
  sequence?: number;
  resourcePreEvent?: { metadata: StepMetadata };
  resOutputsEvent?: { metadata: StepMetadata };
  resOpFailedEvent?: { metadata: StepMetadata };
  diagnosticEvent?: { urn?: string; message: string; severity: string };
  summaryEvent?: { resourceChanges?: Record<string, number> };
}

/** Metadata of one step. */
export interface StepMetadata {
  op: string;
  urn: string;
  type: string;
}

/** Per resource (by URN name, the last URN segment), every step op seen, in order. */
export type OpsByName = Record<string, string[]>;

/** The name part of a URN (`urn:pulumi:s::p::type::name` → `name`). */
export function urnName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Collects step ops per resource name from engine events (stack resource excluded). */
export function opsByName(events: readonly EngineEvent[]): OpsByName {
  const ops: OpsByName = {};
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (!m || m.type === "pulumi:pulumi:Stack") continue;
    const list = (ops[urnName(m.urn)] ??= []);
    if (list[list.length - 1] !== m.op) list.push(m.op);
  }
  return ops;
}

/**
 * The one op that describes what happened to a resource: `replace` for any replacement chain,
 * otherwise the last op (`create`, `update`, `same`, `delete`, `refresh`, ...). `absent` when the
 * engine did not touch it.
 */
export function primaryOp(ops: OpsByName, name: string): string {
  const list = ops[name];
  if (!list || list.length === 0) return "absent";
  if (list.some((o) => o === "replace" || o === "create-replacement" || o === "delete-replaced"))
    return "replace";
  return list[list.length - 1] as string;
}

/** Warning (and error) diagnostics, optionally for one resource name. */
export function diagnostics(events: readonly EngineEvent[], severity: string, name?: string): string[] {
  return events
    .map((e) => e.diagnosticEvent)
    .filter((d): d is NonNullable<typeof d> => !!d && d.severity === severity)
    .filter((d) => name === undefined || (d.urn !== undefined && urnName(d.urn) === name))
    .map((d) => d.message);
}
