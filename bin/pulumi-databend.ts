/**
 * Entry point of the `pulumi-databend` command (see `trustPolicyCommand.ts`). The committed launcher
 * `bin/pulumi-databend.js` loads the compiled copy of this file.
 */
import { runCli } from "./trustPolicyCommand";

process.exitCode = runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
