/**
 * The warning `pulumi import` prints for what Databend cannot give back: it masks every connection
 * parameter, and it does not say which connection (or credentials) a stage copied.
 */
import type { Props, ResourceKind } from "../provider";

/** Placeholder the Connection handler reads back for a masked value it cannot compare. */
const MASKED_PLACEHOLDER = "(changed outside Pulumi)";

/** The notice for an imported resource of `kind` with outputs `outs`, or undefined when nothing is missing. */
export function importNotice(kind: ResourceKind, outs: Props): string | undefined {
  if (kind === "connection") {
    const masked = Object.entries(outs)
      .filter(([, v]) => v === MASKED_PLACEHOLDER)
      .map(([k]) => k);
    const secrets = Array.isArray(outs.secretParams) ? outs.secretParams.map(String) : [];
    if (masked.length === 0 && secrets.length === 0) return undefined;
    // The generated program holds the secrets too, with the same placeholder (`read` puts it in the inputs).
    const parts = [
      masked.length ? masked.join(", ") : "",
      secrets.length ? `the secret parameter(s) ${secrets.join(", ")}` : "",
    ].filter(Boolean);
    return (
      `Databend masks connection parameters, so ${parts.join(" and ")} could not be read back (imported as ` +
      `'${MASKED_PLACEHOLDER}'). Put the real ` +
      "values in the program (secrets as secret config or plain values: the schema marks them secret); the " +
      "first `pulumi up` then writes them with CREATE OR REPLACE CONNECTION (stages keep their copy), and " +
      "later runs show no changes."
    );
  }
  if (kind === "stage" && typeof outs.url === "string") {
    return (
      "Databend does not report which connection or credentials an external stage copied, so the imported " +
      "stage has neither. Add `connection` (or `credentials`) to the program; the first `pulumi up` re-captures " +
      "them with ALTER STAGE ... SET URL, and later runs show no changes."
    );
  }
  return undefined;
}
