import * as fs from "fs";
import * as path from "path";

/**
 * `pulumi up` runs the program twice, for its preview and for the update, and a program's warning is
 * printed by both. A warning that matters before the user confirms belongs in the preview; the update
 * repeats it only when no preview was shown (`--skip-preview`, `-f`, the Automation API). This finds
 * the `pulumi` command among the program's ancestor processes (Linux `/proc`); when it cannot tell, it
 * answers "warn", so a warning is never lost.
 */

/** The arguments of the nearest ancestor process whose program is `pulumi`, if it can be read. */
export function pulumiCommandLine(start: number = process.ppid, proc = "/proc"): string[] | undefined {
  let pid = start;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    try {
      const args = fs
        .readFileSync(path.join(proc, String(pid), "cmdline"), "utf8")
        .split("\0")
        .filter(Boolean);
      if (args[0] && path.basename(args[0]) === "pulumi") return args.slice(1);
      const stat = fs.readFileSync(path.join(proc, String(pid), "stat"), "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Whether a warning should be shown in this run of the program: always during a preview; during an
 * update only when the command showed no preview before it.
 */
export function shouldWarnInThisPhase(
  dryRun: boolean,
  command: string[] | undefined = pulumiCommandLine(),
): boolean {
  if (dryRun || !command) return true;
  const [verb, ...flags] = command;
  if (verb !== "up" && verb !== "update") return true;
  return flags.some((f) => f === "--skip-preview" || f === "-f" || f.startsWith("--skip-preview="));
}
