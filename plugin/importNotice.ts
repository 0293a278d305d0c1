/**
 * The warning `pulumi import` prints for what Databend cannot give back: it masks every connection
 * parameter, and it does not say which connection (or credentials) a stage copied.
 */
import type { Props, ResourceKind } from "../provider";

/** What `pulumi import` of a file format says about the options it left out. */
const FILE_FORMAT_IMPORT_NOTICE =
  "Options whose value is whitespace only (such as a '\\n' record delimiter) or NULL were left out of the " +
  "imported file format: Pulumi's YAML code generator writes them so that they read back as other values. " +
  'If the format sets them, add them to the program (quoted: "NULL", "\\n"); SHOW FILE FORMATS does ' +
  "not print every option on every server (NULL_IF never), so compare with the statement that made it.";

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
  if (kind === "fileFormat") return FILE_FORMAT_IMPORT_NOTICE;
  return undefined;
}
