import type { OpResult } from "./testStack";

/** Fails with the engine's full output when an operation did not succeed. */
export function expectOk(r: OpResult): void {
  if (!r.ok) throw new Error(`pulumi operation failed:\n${r.output}`);
}

/** Fails unless the operation failed, and returns its output. */
export function expectFailed(r: OpResult): string {
  if (r.ok) throw new Error(`pulumi operation unexpectedly succeeded:\n${r.output}`);
  return r.output;
}
