#!/usr/bin/env node
/**
 * Entry point of the `pulumi-databend` command (see `trustPolicyCommand.ts`). package.json's `bin`
 * points at the compiled copy, `dist/bin/pulumi-databend.js`.
 */
import { runCli } from "./trustPolicyCommand";

process.exitCode = runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
