/**
 * Loads the gRPC and protobuf modules the plugin needs from the installed `@pulumi/pulumi` (a peer
 * dependency that depends on them), so the plugin uses exactly the copies its generated message
 * classes were built with, without declaring them a second time.
 */
import * as path from "path";
import { createRequire } from "module";

let requireFromPulumi: NodeRequire | undefined;

/** `require(id)` as seen from `@pulumi/pulumi`'s own folder. */
export function pulumiModule<T>(id: string): T {
  requireFromPulumi ??= createRequire(
    path.join(path.dirname(require.resolve("@pulumi/pulumi/package.json")), "x.js"),
  );
  return requireFromPulumi(id) as T;
}
