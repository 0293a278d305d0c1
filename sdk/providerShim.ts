import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "../provider";

/**
 * A dynamic provider for `kind`. Pulumi serializes this object into the state of every resource, so
 * each method is one line that loads this package's dynamic host (`pulumi-databend/dynamic`) inside
 * the plugin and forwards its arguments: the stored code is small, captures only `kind`, and an upgraded
 * package serves old state. Credentials are read by the host's `configure()`, never captured.
 */
export function providerShim(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  return {
    configure: (r) => require("pulumi-databend/dynamic").configure(r),
    check: (...a) => require("pulumi-databend/dynamic").call(kind, "check", a),
    diff: (...a) => require("pulumi-databend/dynamic").call(kind, "diff", a),
    create: (...a) => require("pulumi-databend/dynamic").call(kind, "create", a),
    read: (...a) => require("pulumi-databend/dynamic").call(kind, "read", a),
    update: (...a) => require("pulumi-databend/dynamic").call(kind, "update", a),
    delete: (...a) => require("pulumi-databend/dynamic").call(kind, "delete", a),
  };
}
