import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiCommandLine, shouldWarnInThisPhase } from "../../../sdk/warningPhase";

describe("shouldWarnInThisPhase", () => {
  it.each<[string, boolean, string[] | undefined, boolean]>([
    ["a preview", true, ["preview"], true],
    ["the preview of pulumi up", true, ["up", "--yes"], true],
    ["the update after a shown preview", false, ["up", "--yes"], false],
    ["an update with --skip-preview", false, ["up", "--yes", "--skip-preview"], true],
    ["an update with -f", false, ["up", "-f"], true],
    ["a destroy", false, ["destroy", "--yes"], true],
    ["an unknown command line", false, undefined, true],
  ])("%s: %s", (_what, dryRun, command, expected) => {
    expect(shouldWarnInThisPhase(dryRun, command)).toBe(expected);
  });
});

describe("pulumiCommandLine", () => {
  it("walks up to the nearest pulumi process and returns its arguments", () => {
    const proc = fs.mkdtempSync(path.join(os.tmpdir(), "proc-"));
    const add = (pid: number, ppid: number, argv: string[]) => {
      fs.mkdirSync(path.join(proc, String(pid)));
      fs.writeFileSync(path.join(proc, String(pid), "cmdline"), argv.join("\0") + "\0");
      fs.writeFileSync(path.join(proc, String(pid), "stat"), `${pid} (x y) S ${ppid} 1 1`);
    };
    add(30, 20, ["node", "run.js"]);
    add(20, 10, ["/opt/bin/pulumi-language-nodejs", "127.0.0.1:1"]);
    add(10, 1, ["/opt/bin/pulumi", "up", "--yes"]);
    expect(pulumiCommandLine(30, proc)).toEqual(["up", "--yes"]);
    expect(pulumiCommandLine(99, proc)).toBeUndefined();
    fs.rmSync(proc, { recursive: true, force: true });
  });
});
