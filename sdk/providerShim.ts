import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../provider";

/**
 * The package entry that holds the real provider logic. Shims load it by name inside each method, so
 * the code Pulumi serializes into state is only this small object, and an upgraded package serves old
 * state.
 */
const PROVIDER_MODULE = "pulumi-databend/provider";

/** Protocol version written into every shim (see `PROVIDER_PROTOCOL` in the provider). */
const SHIM_PROTOCOL = 1;

type ProviderModule = typeof import("../provider");

/**
 * A dynamic provider for `kind` that delegates every call to the provider module. Credentials are
 * read in `configure()` from stack config (`databend:dsn`, `aws:region`), never captured.
 */
export function providerShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  return {
    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
      const p = require(PROVIDER_MODULE) as ProviderModule;
      p.configure({
        dsn: req.config.get("databend:dsn"),
        awsRegion: req.config.get("aws:region"),
        connectTimeoutSeconds: Number(req.config.get("databend:connectTimeout") ?? "") || undefined,
        queryTimeoutSeconds: Number(req.config.get("databend:queryTimeout") ?? "") || undefined,
      });
    },
    async check(olds: Record<string, unknown>, news: Record<string, unknown>) {
      const p = require(PROVIDER_MODULE) as ProviderModule;
      return p.handlersFor(kind, SHIM_PROTOCOL).check(olds, news);
    },
    async diff(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const p = require(PROVIDER_MODULE) as ProviderModule;
      return p.handlersFor(kind, SHIM_PROTOCOL).diff(id, olds, news);
    },
    async create(inputs: Record<string, unknown>) {
      const p = require(PROVIDER_MODULE) as ProviderModule;
      try {
        return await p.handlersFor(kind, SHIM_PROTOCOL).create(inputs);
      } catch (e) {
        // A created-but-not-initialised object (ResourceInitError) is recorded in state from the
        // error's `properties`; Pulumi adds the serialized provider only on success, so add it here
        // or every later operation on the resource (including destroy) fails.
        if (e instanceof Error && "id" in e && "properties" in e && typeof e.properties === "object") {
          e.properties = { ...e.properties, __provider: inputs.__provider };
        }
        throw e;
      }
    },
    async read(id: string, props: Record<string, unknown>) {
      const p = require(PROVIDER_MODULE) as ProviderModule;
      const r = await p.handlersFor(kind, SHIM_PROTOCOL).read(id, props);
      return { id: r.id ?? "", props: r.props, inputs: r.inputs };
    },
    async update(id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
      const p = require(PROVIDER_MODULE) as ProviderModule;
      return p.handlersFor(kind, SHIM_PROTOCOL).update(id, olds, news);
    },
    async delete(id: string, props: Record<string, unknown>) {
      const p = require(PROVIDER_MODULE) as ProviderModule;
      await p.handlersFor(kind, SHIM_PROTOCOL).delete(id, props);
    },
  };
}
