import { ChildProcess } from "child_process";
import { closeDatabend, exec, query } from "../support/databend";
import {
  OUR_ROLES,
  ProcessInfo,
  alive,
  descendants,
  established,
  killIfAlive,
  tcpPortsTo,
} from "../support/processes";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

/**
 * Processes left running (issue 21, F10): `pulumi up` killed with SIGKILL in both hosts. Within 10 s
 * no process of ours is left (the `pulumi-resource-databend` plugin; Pulumi's dynamic-provider host
 * running this package, and its wrapper script), and none of their connections to Databend stays
 * open. What Pulumi's own processes (language hosts, the program) do is recorded, not asserted: see
 * docs/troubleshooting.md.
 */

const run = Math.random().toString(36).slice(2, 7);
const COUNT = 12;
const names = (host: string) => Array.from({ length: COUNT }, (_, i) => `proc_${host}_${run}_${i}`);
const bridgePort = Number(new URL((stackEnv().DATABEND_DSN as string).replace(/^databend:/, "http:")).port);

afterAll(async () => {
  for (const n of [...names("ts"), ...names("yaml")]) await exec(`DROP STAGE IF EXISTS ${n}`);
  await closeDatabend();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What killing the CLI left, and how long our processes took to go. */
interface KillOutcome {
  seen: ProcessInfo[];
  ours: ProcessInfo[];
  oursGoneAfterMs: number | undefined;
  pulumiLeft: ProcessInfo[];
  /** Local ports of our processes' connections to Databend before the kill, and those still open after. */
  portsBefore: number[];
  portsAfter: number[];
}

/** Starts `pulumi up`, waits until it is creating stages, SIGKILLs the CLI and watches what is left. */
async function killDuringUp(stack: TestStack, stages: string[]): Promise<KillOutcome> {
  const cli: ChildProcess = stack.spawnCli(["up", "--yes", "--skip-preview"]);
  const closed = new Promise((r) => cli.on("close", r));
  const pid = cli.pid as number;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error("pulumi up never started creating stages");
    const created = (await query("SHOW STAGES")).filter((s) => stages.includes(String(s.name)));
    if (created.length > 0 && descendants(pid).some((p) => OUR_ROLES.includes(p.role))) break;
    await sleep(50);
  }
  const seen = descendants(pid);
  const ours = seen.filter((p) => OUR_ROLES.includes(p.role));
  const portsBefore = ours.flatMap((p) => tcpPortsTo(p.pid, bridgePort));
  process.kill(pid, "SIGKILL");
  const t0 = Date.now();
  await closed;
  let oursGoneAfterMs: number | undefined;
  while (Date.now() - t0 < 10_000) {
    if (!ours.some(alive)) {
      oursGoneAfterMs = Date.now() - t0;
      break;
    }
    await sleep(50);
  }
  const open = new Set(established(bridgePort).map((c) => c.localPort));
  const pulumiLeft = seen.filter((p) => !OUR_ROLES.includes(p.role) && alive(p));
  const out: KillOutcome = {
    seen,
    ours,
    oursGoneAfterMs,
    pulumiLeft,
    portsBefore,
    portsAfter: portsBefore.filter((p) => open.has(p)),
  };
  // This test started them: reap whatever is left (ours too, should the assertion fail).
  seen.forEach(killIfAlive);
  process.stdout.write(
    `killed up: ${JSON.stringify({
      seen: seen.map((p) => p.role),
      oursGoneAfterMs,
      pulumiLeft: pulumiLeft.map((p) => `${p.role}: ${p.cmdline.slice(0, 120)}`),
      portsBefore,
      portsAfter: out.portsAfter,
    })}\n`,
  );
  return out;
}

/** Our processes of `role` were there, went within 10 s, and left no connection to Databend open. */
function expectOursGone(r: KillOutcome, role: ProcessInfo["role"]): void {
  expect(r.ours.map((p) => p.role)).toContain(role);
  expect(r.oursGoneAfterMs).toBeDefined();
  expect(r.oursGoneAfterMs as number).toBeLessThan(10_000);
  expect(r.portsAfter).toEqual([]);
}

/**
 * Kills `pulumi up` as {@link killDuringUp} does and checks ours are gone; then removes the lock so
 * that cleanup can destroy what the stack recorded (the recovery itself: recovery.e2e.test.ts).
 */
async function killAndCheck(stack: TestStack, stages: string[], role: ProcessInfo["role"]): Promise<void> {
  expectOursGone(await killDuringUp(stack, stages), role);
  await stack.cli(["cancel", "--yes"]);
}

describe("a SIGKILLed pulumi up leaves no process of ours running", () => {
  it("TypeScript host: the dynamic-provider host running this package exits within 10 s", async () => {
    const stack = await new TestStack().init();
    try {
      const stages = names("ts");
      await stack.setConfig(
        "resources",
        stages.map((name) => ({ kind: "Stage", name, args: { name } })),
      );
      await killAndCheck(stack, stages, "dynamic-provider");
    } finally {
      await stack.cleanup();
    }
  });

  it("Pulumi YAML: the pulumi-resource-databend plugin exits within 10 s", async () => {
    const program = new YamlProgram("yaml-killed");
    const stages = names("yaml");
    program.write(stages.map((name) => ({ name, type: "databend:Stage", properties: { name } })));
    const stack = await new TestStack({ program: program.dir }).init();
    try {
      await killAndCheck(stack, stages, "databend-plugin");
    } finally {
      await stack.cleanup();
      program.remove();
    }
  });
});
