/**
 * `pulumi.runtime.setMocks` wiring for SDK tests: records what each resource registers and answers
 * with its inputs as state, plus what the provider's `check` adds (a connection's fingerprint), plus
 * any extra state a test asks for.
 */
import * as pulumi from "@pulumi/pulumi";
import { connectionHandlers } from "../../provider/resources/connection";

/** What one resource registered with the (mocked) engine. */
export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

/** The key and value Pulumi uses to mark a secret in serialized properties. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when a registered input value is marked secret. */
export function isSecretValue(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** The plain value of a registered input, secret or not. */
export function plainValue(v: unknown): unknown {
  return isSecretValue(v) ? (v as { value: unknown }).value : v;
}

/** Installs mocks; `extraState(name)` adds outputs the provider would return for resource `name`. */
export async function installMocks(
  extraState: (r: RegisteredResource) => Record<string, unknown> = () => ({}),
): Promise<Map<string, RegisteredResource>> {
  const registered = new Map<string, RegisteredResource>();
  await pulumi.runtime.setMocks(
    {
      async newResource(args) {
        const r: RegisteredResource = {
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
        };
        registered.set(args.name, r);
        const checked = r.type.endsWith(":Connection") ? await checkedConnection(r.inputs) : {};
        return { id: `${args.name}-id`, state: { ...r.inputs, ...checked, ...extraState(r) } };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    "project",
    "stack",
    false,
  );
  return registered;
}

/** What the provider's `check` adds to a connection's inputs (its fingerprint), as the engine would. */
async function checkedConnection(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const plain = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, plainValue(v)]));
  const r = await connectionHandlers(() => Promise.reject(new Error("no session in SDK tests"))).check(
    {},
    plain,
  );
  return r.failures.length === 0 ? { fingerprint: r.inputs.fingerprint } : {};
}

/** Resolves an output's value (mocks run as `up`, so every value is known). */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply((v) => resolve(v)));
}
