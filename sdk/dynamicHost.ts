import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../provider";
import { watchEngineOnce } from "../provider/engineWatchdog";
import { VERSION_KEY } from "../provider/packageVersion";
import { engineDebugLog } from "./engineLog";

/**
 * The dynamic-provider host: what the provider module stored in state (see `dynamicResource.ts`) loads
 * inside Pulumi's dynamic-provider plugin. It lives in the installed package, not in state, so every
 * resource stores one line, and an upgraded package serves old state. It only adapts the dynamic
 * provider protocol to the host-agnostic handlers of `pulumi-databend/provider`.
 *
 * State written by earlier versions holds serialized shims that call {@link configure} and {@link call}
 * (or `pulumi-databend/provider` directly); both stay exported and keep working.
 */

/** Protocol version this host speaks to the provider (see `PROVIDER_PROTOCOL` in the provider). */
export const SHIM_PROTOCOL = 1;

type ProviderModule = typeof import("../provider");

/** The dynamic provider methods a shim forwards. */
export type ShimMethod = "check" | "diff" | "create" | "read" | "update" | "delete";

function providerModule(): ProviderModule {
  return require("pulumi-databend/provider") as ProviderModule;
}

/**
 * Whether this process is Pulumi's dynamic-provider host (`pulumi-resource-pulumi-nodejs`, whose main
 * module is `@pulumi/pulumi/cmd/dynamic-provider`), not a program or a test that loads this module.
 */
export function isDynamicProviderHost(main: string | undefined = require.main?.filename): boolean {
  return /[\\/]cmd[\\/]dynamic-provider(?:[\\/]index\.js)?$/.test(main ?? "");
}

/**
 * In the dynamic-provider host: exit, closing the Databend sessions, when the engine is gone (a killed
 * `pulumi` never stops it; see `provider/engineWatchdog.ts`). Once per process; nowhere else.
 */
function watchEngine(): void {
  if (isDynamicProviderHost()) watchEngineOnce(() => providerModule().closeSessions());
}

function seconds(v: string | undefined): number | undefined {
  const n = Number(v ?? "");
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `configure()`: the DSN, AWS region and timeouts from stack config; nothing is captured. */
export async function configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
  watchEngine();
  providerModule().configure({
    dsn: req.config.get("databend:dsn"),
    awsRegion: req.config.get("aws:region"),
    connectTimeoutSeconds: seconds(req.config.get("databend:connectTimeout")),
    queryTimeoutSeconds: seconds(req.config.get("databend:queryTimeout")),
  });
  // The provider's debug messages (the server version it found) go to the engine: `pulumi up --debug`.
  providerModule().setDebugLog(engineDebugLog());
}

/** The stack identity a program's resource carries (see `sdk/dynamicResource.ts`), if any. */
function stackOf(props: unknown): unknown {
  return props && typeof props === "object" ? (props as Record<string, unknown>).__stack : undefined;
}

/** Runs handler `method` of resource `kind` with the dynamic provider's arguments. */
export async function call(kind: ResourceKind, method: ShimMethod, args: unknown[]): Promise<unknown> {
  const p = providerModule();
  const h = p.handlersFor(kind, SHIM_PROTOCOL);
  const [a, b, c] = args as [never, never, never];
  // Inputs from this package's SDK carry the stack's identity: check's news, create's inputs, update's news.
  const stack = stackOf(
    method === "create" ? a : method === "check" ? b : method === "update" ? c : undefined,
  );
  if (stack !== undefined) p.setStackIdentity(stack);
  switch (method) {
    case "check": {
      const r = await h.check(a, b);
      // Handlers drop host keys; the identity and the package version go on with the checked inputs
      // to create and update, and into the state.
      const version = (b as Record<string, unknown> | undefined)?.[VERSION_KEY];
      return {
        ...r,
        inputs: {
          ...r.inputs,
          ...(stack === undefined ? {} : { [p.STACK_KEY]: stack }),
          ...(typeof version === "string" ? { [VERSION_KEY]: version } : {}),
        },
      };
    }
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
      try {
        return await h.update(a, b, c);
      } catch (e) {
        // As for create: an updated object whose follow-up check failed stays in state with these outputs.
        if (e instanceof Error && "id" in e && "properties" in e && typeof e.properties === "object") {
          e.properties = { ...e.properties, __provider: (c as Record<string, unknown>).__provider };
        }
        throw e;
      }
    case "delete":
      return h.delete(a, b);
  }
}

const providers = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

/**
 * The dynamic provider for resources of `kind`: what the one-line provider module in state returns.
 * One object per kind and process; every method forwards to {@link call}.
 */
export function provider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  let p = providers.get(kind);
  if (!p) {
    watchEngine();
    type P = Required<pulumi.dynamic.ResourceProvider>;
    p = {
      configure,
      check: (olds, news) => call(kind, "check", [olds, news]) as ReturnType<P["check"]>,
      diff: (id, olds, news) => call(kind, "diff", [id, olds, news]) as ReturnType<P["diff"]>,
      create: (inputs) => call(kind, "create", [inputs]) as ReturnType<P["create"]>,
      read: (id, props) => call(kind, "read", [id, props]) as ReturnType<P["read"]>,
      update: (id, olds, news) => call(kind, "update", [id, olds, news]) as ReturnType<P["update"]>,
      delete: async (id, props) => {
        await call(kind, "delete", [id, props]);
      },
    };
    providers.set(kind, p);
  }
  return p;
}
