/**
 * Which Databend (or IAM) names a resource of the running deployment holds.
 *
 * A name is claimed when a resource of this deployment creates, adopts or updates the object, or when
 * `diff` finds the resource kept (not replaced) under that name. A delete of a claimed name is the
 * delete of a *previous* holder (a replaced resource, or one whose logical name changed and whose
 * successor adopted the object): it must not drop the object the successor now holds. The registry
 * lives for one provider process, which Pulumi starts per deployment and per provider.
 */

import { notify } from "./notices";

/** The kinds of named objects the handlers manage. */
export type ClaimKind = "connection" | "stage" | "role" | "fileFormat" | "grant";

const claims = new Set<string>();

function key(kind: ClaimKind, name: string): string {
  return `${kind}\u0000${name}`;
}

/** Records that a resource of this deployment holds `name`. */
export function claimName(kind: ClaimKind, name: string): void {
  claims.add(key(kind, name));
}

/** True when a resource of this deployment holds `name` (so a delete must keep the object). */
export function isClaimed(kind: ClaimKind, name: string): boolean {
  return claims.has(key(kind, name));
}

/**
 * True (after telling the user) when a delete of `name` must keep the object, because another
 * resource of this deployment holds it now.
 */
export function keptForSuccessor(kind: ClaimKind, name: string, label: string): boolean {
  if (!isClaimed(kind, name)) return false;
  notify(
    "info",
    `${label} '${name}' was not dropped: another resource of this deployment now holds it (its replacement, or ` +
      "the resource that adopted it)",
  );
  return true;
}

/** Forgets every claim (tests, and hosts that serve several deployments in one process). */
export function resetClaims(): void {
  claims.clear();
}
