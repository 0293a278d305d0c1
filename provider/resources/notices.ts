/**
 * Messages the handlers address to the person running the deployment (a stale copy, a requested
 * re-capture, a delete that kept an object). Each host delivers them its own way: the dynamic
 * provider writes them to standard error, which Pulumi shows as diagnostics; a plugin sends them to
 * the engine's log. Handlers never print directly.
 */

/** How serious a notice is. */
export type NoticeSeverity = "info" | "warning";

/** Delivers one notice. */
export type NoticeSink = (severity: NoticeSeverity, message: string) => void;

const defaultSink: NoticeSink = (severity, message) => {
  process.stderr.write(`${severity}: ${message}\n`);
};

let sink: NoticeSink = defaultSink;

/** Replaces the sink (a host calls this once); `undefined` restores the default (standard error). */
export function setNoticeSink(next: NoticeSink | undefined): void {
  sink = next ?? defaultSink;
}

/** Sends a notice through the current sink. */
export function notify(severity: NoticeSeverity, message: string): void {
  sink(severity, message);
}
