/**
 * A warning once per `pulumi` command, as the TypeScript classes do (`sdk/warningPhase.ts`):
 * `pulumi up` runs a preview and then the update, and the plugin's `Diff` runs in both, with no flag
 * telling them apart. The plugin's parent process is the `pulumi` command, so a small file keyed by
 * its process ID records what was already said; a new command (a new process) warns again.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";

/** Where the warnings already shown by the `pulumi` process `parent` are recorded. */
export function warnedFile(parent: number = process.ppid, dir: string = os.tmpdir()): string {
  return path.join(dir, `pulumi-databend-warned-${parent}`);
}

/**
 * True the first time `message` about `urn` is seen under this `pulumi` command, and records it.
 * When the record cannot be read or written it answers true, so a warning is never lost.
 */
export function firstTimeInCommand(urn: string, message: string, file: string = warnedFile()): boolean {
  const key = createHash("sha256").update(urn).update("\0").update(message).digest("hex").slice(0, 32);
  try {
    const seen = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
    if (seen.includes(key)) return false;
    fs.appendFileSync(file, `${key}\n`, { mode: 0o600 });
  } catch {
    return true;
  }
  return true;
}
