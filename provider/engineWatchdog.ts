import * as fs from "fs";
import * as os from "os";

/**
 * Ends a provider process (the `pulumi-resource-databend` plugin, and Pulumi's dynamic-provider host
 * while it serves this package) when the Pulumi engine that started it is gone, closing its Databend
 * sessions first.
 *
 * Why it is needed: the engine starts every plugin in a process group of its own and ends it with
 * SIGINT (then SIGKILL) when a command finishes. A CLI that is itself killed (SIGKILL, OOM killer, a
 * CI runner's timeout) sends nothing, and a gRPC server never notices that its only client is gone,
 * so plugins used to stay alive for good, each holding a Databend session.
 *
 * How it notices, cheaply and without keeping the event loop alive:
 * - **stdin end of file**: the engine gives each plugin a pipe as stdin and never writes to it; its
 *   write end closes only when the engine process is gone (the kernel closes it, whatever killed the
 *   engine). This also works through a wrapper script such as `pulumi-resource-pulumi-nodejs`, whose
 *   `node` inherits the pipe. Watched only when stdin is a pipe or socket (not a terminal or file).
 * - **a new parent**: the parent process id, checked once a second by an `unref()`ed timer; it
 *   changes when the engine that `exec`ed the plugin dies (the process is re-parented).
 * - **SIGINT / SIGTERM**: the engine's own orderly shutdown; the sessions are closed before exiting.
 */

/** What made the watchdog end the process: the engine's pipe, a new parent, or a signal. */
export type EngineGoneReason = "stdin closed" | "parent changed" | NodeJS.Signals;

/** Seams for tests; production callers pass only `cleanup`. */
export interface EngineWatchdogOptions {
  /** Closes what the process holds (its Databend sessions); bounded by `graceMs`. */
  cleanup: () => Promise<void>;
  /** How often the parent process id is checked, in ms (default 1000). */
  intervalMs?: number;
  /** How long `cleanup` may take before the process exits anyway, in ms (default 2000). */
  graceMs?: number;
  /** Ends the process (default `process.exit`). */
  exit?: (code: number) => void;
  /** The engine's pipe (default `process.stdin` when fd 0 is a pipe or socket, else none). */
  stdin?: NodeJS.ReadableStream | null;
  /** The current parent process id (default `process.ppid`). */
  parentPid?: () => number;
  /** Signals that end the process after `cleanup` (default SIGINT and SIGTERM). */
  signals?: readonly NodeJS.Signals[];
}

/** A running watchdog. */
export interface EngineWatchdog {
  /** Why it ended the process, once it has decided to. */
  readonly reason: EngineGoneReason | undefined;
  /** Stops watching (timers, listeners) without ending the process. */
  stop(): void;
}

/** The exit code for `why`: 0 for a vanished engine, 128 + the signal's number for a signal. */
function exitCode(why: EngineGoneReason): number {
  if (why === "stdin closed" || why === "parent changed") return 0;
  return 128 + (os.constants.signals[why] ?? 0);
}

/** `process.stdin` when fd 0 is a pipe or socket that the engine holds open, else null. */
function engineStdin(): NodeJS.ReadableStream | null {
  try {
    const st = fs.fstatSync(0);
    return st.isFIFO() || st.isSocket() ? process.stdin : null;
  } catch {
    return null;
  }
}

/** Starts a watchdog (see the module comment). */
export function watchEngine(opts: EngineWatchdogOptions): EngineWatchdog {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const parentPid = opts.parentPid ?? (() => process.ppid);
  const graceMs = opts.graceMs ?? 2000;
  const stdin = opts.stdin === undefined ? engineStdin() : opts.stdin;
  const signals = opts.signals ?? ["SIGINT", "SIGTERM"];
  const firstParent = parentPid();
  let reason: EngineGoneReason | undefined;

  const timer = setInterval(() => {
    if (parentPid() !== firstParent) void gone("parent changed");
  }, opts.intervalMs ?? 1000);
  timer.unref();
  const onEnd = () => void gone("stdin closed");
  const onSignal = (s: NodeJS.Signals) => void gone(s);
  if (stdin) {
    stdin.on("end", onEnd);
    stdin.on("close", onEnd);
    stdin.on("error", onEnd);
    stdin.resume();
    (stdin as { unref?: () => void }).unref?.();
  }
  for (const s of signals) process.on(s, onSignal);

  function stop(): void {
    clearInterval(timer);
    if (stdin) {
      stdin.off("end", onEnd);
      stdin.off("close", onEnd);
      stdin.off("error", onEnd);
    }
    for (const s of signals) process.off(s, onSignal);
  }

  async function gone(why: EngineGoneReason): Promise<void> {
    if (reason) return;
    reason = why;
    stop();
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      opts.cleanup().catch(() => undefined),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, graceMs);
      }),
    ]);
    clearTimeout(timeout);
    exit(exitCode(why));
  }

  return {
    get reason() {
      return reason;
    },
    stop,
  };
}

let processWatchdog: EngineWatchdog | undefined;

/**
 * Starts this process's watchdog once (later calls return the first one): what each host calls when
 * it starts serving. `cleanup` should close the Databend sessions (`closeSessions`).
 */
export function watchEngineOnce(cleanup: () => Promise<void>): EngineWatchdog {
  processWatchdog ??= watchEngine({ cleanup });
  return processWatchdog;
}
