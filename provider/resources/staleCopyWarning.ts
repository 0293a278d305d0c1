/**
 * The warning both hosts print when a stage's copy of its connection is older than the connection
 * (Databend copies a connection's parameters into a stage at creation and never updates them).
 */

/** What a stage copied, and the connection it refers to now. */
export interface StaleCopyFacts {
  /** The stage's name in Databend. */
  stageName: string;
  /** The stage resource's URN, for `pulumi up --replace`. */
  urn: string;
  /** What the stage copied (its `capturedConnection` output); absent without a connection. */
  captured?: { name: string; fingerprint: string; capturedAt: string };
  /** The name of the connection the stage refers to now. */
  connectionName?: string;
  /** That connection's fingerprint now; undefined when not known (no warning then). */
  connectionFingerprint?: string;
  /** The stage's `onConnectionChange`. */
  onConnectionChange?: string;
}

/** The warning text, or undefined when the copy is current, re-captured automatically, or unknown. */
export function staleCopyWarning(f: StaleCopyFacts): string | undefined {
  const cap = f.captured;
  if (!cap || f.connectionName === undefined || f.connectionFingerprint === undefined) return undefined;
  if (f.onConnectionChange === "recreate") return undefined;
  if (cap.fingerprint === f.connectionFingerprint && cap.name === f.connectionName) return undefined;
  const what =
    cap.name !== f.connectionName
      ? `the stage now refers to connection '${f.connectionName}'`
      : `connection '${f.connectionName}' has changed`;
  return (
    `stage '${f.stageName}' holds a copy of connection '${cap.name}' taken at ${cap.capturedAt}, and ${what} since. ` +
    "Databend does not pass connection changes on to existing stages, so the stage still uses the old parameters. " +
    `To re-capture, run \`pulumi up --replace '${f.urn}'\`, or set onConnectionChange: "recreate" on the stage.`
  );
}
