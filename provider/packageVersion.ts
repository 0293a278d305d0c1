import * as fs from "fs";
import * as path from "path";

/**
 * The hidden input in which a TypeScript program's resources record the version of the package that
 * last deployed them (the dynamic host's counterpart of the plugin's version on the provider
 * resource). Handlers ignore it, so a new version never shows as a change; the engine writes it with
 * the inputs of every `pulumi up`. State written before it existed simply has none.
 */
export const VERSION_KEY = "__packageVersion";

let cached: string | undefined;

/**
 * This package's version, from its `package.json`: beside `dist/` (the installed package, the plugin
 * archive, whose bundle sits in `dist/plugin/`) or beside the sources (a checkout). `unknown` if
 * neither is found.
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = "unknown";
  for (const up of ["..", "../.."]) {
    const file = path.resolve(__dirname, up, "package.json");
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "pulumi-databend" && typeof pkg.version === "string") {
      cached = pkg.version;
      break;
    }
  }
  return cached;
}
