import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../provider";

/**
 * The dynamic-provider host: what the serialized shims (see `providerShim.ts`) call inside the Pulumi
 * dynamic-provider plugin. It lives in the installed package, not in state, so the code every resource
 * stores stays a few lines, and an upgraded package serves old state. It only adapts the dynamic
 * provider protocol to the host-agnostic handlers of `pulumi-databend/provider`.
 */

/** Protocol version the shims speak (see `PROVIDER_PROTOCOL` in the provider). */
export const SHIM_PROTOCOL = 1;

type ProviderModule = typeof import("../provider");

/** The dynamic provider methods a shim forwards. */
export type ShimMethod = "check" | "diff" | "create" | "read" | "update" | "delete";

function provider(): ProviderModule {
  return require("pulumi-databend/provider") as ProviderModule;
}

function seconds(v: string | undefined): number | undefined {
  const n = Number(v ?? "");
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `configure()`: the DSN, AWS region and timeouts from stack config; nothing is captured. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  provider().configure({
    dsn: req.config.get("databend:dsn"),
    awsRegion: req.config.get("aws:region"),
    connectTimeoutSeconds: seconds(req.config.get("databend:connectTimeout")),
    queryTimeoutSeconds: seconds(req.config.get("databend:queryTimeout")),
  });
}

/** Runs handler `method` of resource `kind` with the dynamic provider's arguments. */
export async function call(kind: ResourceKind, method: ShimMethod, args: unknown[]): Promise<unknown> {
  const h = provider().handlersFor(kind, SHIM_PROTOCOL);
  const [a, b, c] = args as [never, never, never];
  switch (method) {
    case "check":
      return h.check(a, b);
    case "diff":
      return h.diff(a, b, c);
    case "create":
      try {
        return await h.create(a);
      } catch (e) {
        // A created-but-not-initialised object (ResourceInitError) is recorded in state from the
        // error's `properties`; Pulumi adds the serialized provider only on success, so add it here
        // or every later operation on the resource (including destroy) fails.
        if (e instanceof Error && "id" in e && "properties" in e && typeof e.properties === "object") {
          e.properties = { ...e.properties, __provider: (a as Record<string, unknown>).__provider };
        }
        throw e;
      }
    case "read": {
      const r = await h.read(a, b);
      return { id: r.id ?? "", props: r.props, inputs: r.inputs };
    }
    case "update":
      return h.update(a, b, c);
    case "delete":
      return h.delete(a, b);
  }
}
