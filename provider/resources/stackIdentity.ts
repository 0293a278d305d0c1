/**
 * The identity of the stack a provider process deploys, `<project>/<stack>`: what the provider writes
 * as its owner marker (see `ownerMarker.ts`) and what the wildcard `DATABEND_ADOPT='*'` accepts as
 * proof that an existing object is this stack's own. Pulumi starts a provider process per deployment,
 * so one identity per process. The organization is not part of it: neither host is told it.
 *
 * Each host sets it from what it is given: the plugin from the URN of every request
 * (`urn:pulumi:<stack>::<project>::...`), the dynamic host from the hidden input {@link STACK_KEY},
 * which the SDK's resources add with the program's project and stack.
 */

/** The hidden input that carries the identity from a program to the dynamic host. */
export const STACK_KEY = "__stack";

/** Characters Pulumi allows in project and stack names (a stack's own name, not `org/project/stack`). */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

let current: string | undefined;

/** `<project>/<stack>`, or undefined when either name is missing or not a plain Pulumi name. */
export function stackIdentityOf(project: unknown, stack: unknown): string | undefined {
  if (typeof project !== "string" || typeof stack !== "string") return undefined;
  return NAME.test(project) && NAME.test(stack) ? `${project}/${stack}` : undefined;
}

/** The identity named by a resource URN (`urn:pulumi:<stack>::<project>::<type>::<name>`), if any. */
export function stackIdentityFromUrn(urn: string): string | undefined {
  const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
  return m ? stackIdentityOf(m[2], m[1]) : undefined;
}

/** True for a well-formed identity (`<project>/<stack>`). */
export function isStackIdentity(v: unknown): v is string {
  if (typeof v !== "string") return false;
  const [project, stack, ...rest] = v.split("/");
  return rest.length === 0 && stackIdentityOf(project, stack) === v;
}

/** Records the identity of the stack this process deploys; a malformed one is ignored. */
export function setStackIdentity(identity: unknown): void {
  if (isStackIdentity(identity)) current = identity;
}

/** The identity of the stack this process deploys, or undefined when the host has not said. */
export function stackIdentity(): string | undefined {
  return current;
}

/** Forgets the identity (tests). */
export function resetStackIdentity(): void {
  current = undefined;
}
