import * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../provider";
import { VERSION_KEY, packageVersion } from "../provider/packageVersion";
import { STACK_KEY, stackIdentityOf } from "../provider/resources/stackIdentity";

/**
 * The provider module stored in the state of every resource of `kind`: one line that asks the
 * installed package's dynamic host (`pulumi-databend/dynamic`) for the provider. Pulumi's
 * dynamic-provider plugin evaluates it and calls `handler()`. It carries no code and no credentials,
 * so it is the same for every resource of a kind (the plugin loads it once per process), an upgraded
 * package serves old state, and it costs under 100 bytes per copy instead of the 2 KB that closure
 * serialization of even a one-line-per-method object writes.
 */
export function providerModuleText(kind: ResourceKind): string {
  return `exports.handler = () => require("pulumi-databend/dynamic").provider(${JSON.stringify(kind)});\n`;
}

/**
 * Base of this package's resources: a Pulumi dynamic resource (served by the `pulumi-nodejs` plugin,
 * type `pulumi-nodejs:dynamic/databend:<Type>`, exactly as `pulumi.dynamic.Resource` registers it)
 * whose provider is {@link providerModuleText} instead of a serialized closure. Registering this way also
 * spares every program the closure serializer (and the TypeScript compiler it loads).
 */
export abstract class DynamicResource extends pulumi.CustomResource {
  /**
   * @param kind - The provider handlers that serve the resource.
   * @param type - The type name, e.g. `Connection`.
   * @param name - The resource name.
   * @param props - The inputs, and the outputs to register (as `undefined`).
   * @param opts - Resource options.
   */
  protected constructor(
    kind: ResourceKind,
    type: string,
    name: string,
    props: pulumi.Inputs,
    opts?: pulumi.CustomResourceOptions,
  ) {
    if ("__provider" in props) throw new Error("A dynamic resource must not define the __provider key");
    // The stack's identity, a hidden input: the provider's owner marker and DATABEND_ADOPT='*' need it,
    // and Pulumi's dynamic provider passes no URN. Handlers ignore it, so it never shows as a change.
    // The package's version, another hidden input: the state records which version deployed it.
    const stack = stackIdentityOf(pulumi.getProject(), pulumi.getStack());
    super(
      `pulumi-nodejs:dynamic/databend:${type}`,
      name,
      {
        ...props,
        __provider: providerModuleText(kind),
        ...(stack ? { [STACK_KEY]: stack } : {}),
        [VERSION_KEY]: packageVersion(),
      },
      opts,
    );
  }
}
