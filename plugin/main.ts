/**
 * Entry point of the `pulumi-resource-databend` provider plugin. The engine starts it with its own
 * gRPC address as the first argument and reads the port the plugin prints on stdout.
 */
import { nodeVersionProblem } from "../provider/nodeVersion";
import { packageVersion } from "../provider/packageVersion";
import { watchEngineOnce } from "../provider/engineWatchdog";
import { ProviderServer } from "./providerServer";

/** Starts the plugin: serves the provider and prints the port. */
export async function main(args: readonly string[]): Promise<void> {
  const engineAddress = args.find((a) => !a.startsWith("-"));
  const server = new ProviderServer({ version: packageVersion(), engineAddress });
  const port = await server.listen();
  // A killed engine never stops its plugins: exit (closing the Databend sessions) when it is gone.
  watchEngineOnce(() => server.closeSessions());
  process.stdout.write(`${port}\n`);
}

if (require.main === module) {
  const nodeProblem = nodeVersionProblem("pulumi-resource-databend");
  if (nodeProblem) {
    process.stderr.write(`${nodeProblem}\n`);
    process.exit(1);
  }
  main(process.argv.slice(2)).catch((e: unknown) => {
    process.stderr.write(
      `pulumi-resource-databend: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
    process.exit(1);
  });
}
