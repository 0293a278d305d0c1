/**
 * Debug messages of the provider, for hosts that can show them (the dynamic-provider shims send them
 * to the Pulumi engine, which prints them with `pulumi up --debug`). Without a sink they are dropped.
 */

/** Receives one debug message. Must not throw. */
export type DebugSink = (message: string) => void;

let sink: DebugSink | undefined;

/** Installs (or, with `undefined`, removes) the sink for the provider's debug messages (the server version it found). */
export function setDebugLog(next: DebugSink | undefined): void {
  sink = next;
}

/** Sends `message` to the host's debug log, if there is one. Never throws. */
export function debugLog(message: string): void {
  try {
    sink?.(message);
  } catch {
    // a failing log sink must never fail a resource operation
  }
}
