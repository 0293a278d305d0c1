import * as path from "path";

/**
 * Makes Pulumi's dynamic-provider plugin find its modules when the program's folder has no
 * `node_modules` of its own: the common case of an Automation API inline program whose `workDir` is a
 * temporary folder (pulumi/pulumi#5578). The plugin resolves `@pulumi/pulumi/cmd/dynamic-provider`,
 * and the provider module in state resolves `pulumi-databend/dynamic`, from the program's folder; Node also
 * searches the folders in `NODE_PATH`. Importing this package adds the `node_modules` folder that holds
 * this package's `@pulumi/pulumi` to `NODE_PATH` of this process, which every `pulumi` command the
 * Automation API starts afterwards (and the plugins those start) inherits. Nothing else is changed, and
 * a folder already listed is not added again.
 *
 * Returns the folder added, or undefined when nothing was needed or found.
 */
export function exposeModulesToPlugins(): string | undefined {
  let pulumiPackage: string;
  try {
    pulumiPackage = require.resolve("@pulumi/pulumi/package.json");
  } catch {
    return undefined;
  }
  // <dir>/node_modules/@pulumi/pulumi/package.json -> <dir>/node_modules
  const modules = path.resolve(path.dirname(pulumiPackage), "..", "..");
  if (path.basename(modules) !== "node_modules") return undefined;
  const current = (process.env.NODE_PATH ?? "").split(path.delimiter).filter(Boolean);
  if (current.includes(modules)) return undefined;
  process.env.NODE_PATH = [...current, modules].join(path.delimiter);
  return modules;
}
