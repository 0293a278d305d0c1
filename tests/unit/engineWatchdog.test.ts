import { PassThrough } from "stream";
import { watchEngine } from "../../provider/engineWatchdog";
import { isDynamicProviderHost } from "../../sdk/dynamicHost";

/** Waits until `cond()` holds (polling), failing after `ms`. */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe("watchEngine", () => {
  const stops: (() => void)[] = [];
  afterEach(() => stops.splice(0).forEach((s) => s()));

  function start(over: Partial<Parameters<typeof watchEngine>[0]> = {}) {
    const calls: string[] = [];
    const exits: number[] = [];
    const w = watchEngine({
      cleanup: async () => {
        calls.push("cleanup");
      },
      exit: (code) => {
        calls.push("exit");
        exits.push(code);
      },
      stdin: null,
      parentPid: () => 4242,
      signals: [],
      intervalMs: 10,
      ...over,
    });
    stops.push(w.stop);
    return { w, calls, exits };
  }

  it("closes the sessions, then exits 0, when the engine's stdin pipe reaches end of file", async () => {
    const stdin = new PassThrough();
    const { w, calls, exits } = start({ stdin });
    expect(w.reason).toBeUndefined();
    stdin.end();
    await until(() => exits.length > 0);
    expect(w.reason).toBe("stdin closed");
    expect(calls).toEqual(["cleanup", "exit"]);
    expect(exits).toEqual([0]);
  });

  it("exits when the parent process changes (the engine that exec'ed the plugin died)", async () => {
    let parent = 4242;
    const { w, calls, exits } = start({ parentPid: () => parent });
    await new Promise((r) => setTimeout(r, 40));
    expect(exits).toEqual([]);
    parent = 1;
    await until(() => exits.length > 0);
    expect(w.reason).toBe("parent changed");
    expect(calls).toEqual(["cleanup", "exit"]);
  });

  it("exits after graceMs even when closing the sessions hangs", async () => {
    const stdin = new PassThrough();
    const { exits } = start({ stdin, cleanup: () => new Promise(() => undefined), graceMs: 50 });
    const t0 = Date.now();
    stdin.end();
    await until(() => exits.length > 0);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it("exits once, whatever fires first and how often", async () => {
    const stdin = new PassThrough();
    let parent = 4242;
    const { calls, exits } = start({ stdin, parentPid: () => parent });
    stdin.end();
    stdin.destroy();
    parent = 1;
    await new Promise((r) => setTimeout(r, 60));
    expect(calls).toEqual(["cleanup", "exit"]);
    expect(exits).toHaveLength(1);
  });

  it("on a signal it closes the sessions and exits with 128 + the signal's number", async () => {
    const { w, calls, exits } = start({ signals: ["SIGUSR2"] });
    process.emit("SIGUSR2", "SIGUSR2");
    await until(() => exits.length > 0);
    expect(w.reason).toBe("SIGUSR2");
    expect(calls).toEqual(["cleanup", "exit"]);
    expect(exits).toEqual([128 + 12]);
    expect(process.listenerCount("SIGUSR2")).toBe(0);
  });

  it("keeps nothing alive and leaves nothing behind once stopped", () => {
    const stdin = new PassThrough();
    const { w } = start({ stdin, signals: ["SIGUSR2"] });
    expect(stdin.listenerCount("end")).toBe(1);
    w.stop();
    expect(stdin.listenerCount("end")).toBe(0);
    expect(process.listenerCount("SIGUSR2")).toBe(0);
  });
});

describe("isDynamicProviderHost", () => {
  it("is true only in Pulumi's dynamic-provider plugin", () => {
    expect(isDynamicProviderHost("/x/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js")).toBe(true);
    expect(isDynamicProviderHost("/x/node_modules/@pulumi/pulumi/cmd/run/index.js")).toBe(false);
    expect(isDynamicProviderHost("/x/node_modules/jest-worker/build/workers/processChild.js")).toBe(false);
    expect(isDynamicProviderHost(undefined)).toBe(false);
    // The test process itself is not one.
    expect(isDynamicProviderHost()).toBe(false);
  });
});
