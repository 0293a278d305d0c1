#!/usr/bin/env node
/**
 * Entry point of the `pulumi-databend` command (see `trustPolicyCommand.ts`, `auditCommand.ts` and `importCommand.ts`).
 * package.json's `bin` points at the compiled copy, `dist/bin/pulumi-databend.js`.
 */
import { runAudit } from "./auditCommand";
import { runImport } from "./importCommand";
import { CliIo, runCli } from "./trustPolicyCommand";

const io: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};
const [command, ...rest] = process.argv.slice(2);

if (command === "audit" || command === "import") {
  void (command === "audit" ? runAudit(rest, io) : runImport(rest, io)).then((code) => {
    process.exitCode = code;
  });
} else {
  process.exitCode = runCli(process.argv.slice(2), io);
}
