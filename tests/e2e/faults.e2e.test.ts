import { ChildProcess } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { IAMClient, ListRolesCommand } from "@aws-sdk/client-iam";
import { expectOk } from "../support/assertions";
import { closeDatabend, query } from "../support/databend";
import { Fault, FaultProxy } from "../support/faultProxy";
import { localAwsConfig, stackEnv } from "../support/stackEnv";
import { OpResult, TestStack } from "../support/testStack";

/**
 * Faults injected during `pulumi up` (issue 9, section 1): the Databend endpoint and the AWS endpoint
 * sit behind a fault proxy; each fault is injected while `up` creates a StageAccessRole, a Connection
 * that uses it and a Stage that uses the connection. Then the documented recovery runs (no program
 * edit, no SQL by hand) and the stack must converge: `up` succeeds, `preview --expect-no-changes`
 * passes, no object with the case's prefix exists outside the state (orphans: 0) and none the program
 * declares is missing (lost: 0). The figures are in docs/reliability.md.
 */

const env = stackEnv();
const run = Math.random().toString(36).slice(2, 6);
/** An account root principal (moto's account); the role is not verified. */
const PRINCIPAL = "arn:aws:iam::123456789012:root";
/** Small timeouts, so that a stalled endpoint fails the deployment in seconds. */
const CONNECT_TIMEOUT = 2;
const QUERY_TIMEOUT = 2;

const iam = new IAMClient(localAwsConfig());

afterAll(async () => {
  iam.destroy();
  await closeDatabend();
});

/** Names of the objects of one case (Databend names and the IAM role name share the prefix). */
function namesOf(prefix: string): { role: string; conn: string; stage: string } {
  return { role: `${prefix}role`, conn: `${prefix}conn`, stage: `${prefix}stage` };
}

/** The program of one case: role → connection (ROLE_ARN) → stage. */
function program(prefix: string): unknown[] {
  const n = namesOf(prefix);
  const bucket = `b-${prefix.replace(/_/g, "-")}x`;
  return [
    {
      kind: "StageAccessRole",
      name: "role",
      args: { databendPrincipalArn: PRINCIPAL, bucket, roleName: n.role },
    },
    {
      kind: "Connection",
      name: "conn",
      args: {
        name: n.conn,
        storageType: "s3",
        roleArn: { $ref: "role", $out: "roleArn" },
        externalId: { $ref: "role", $out: "externalId" },
      },
    },
    {
      kind: "Stage",
      name: "stage",
      args: { name: n.stage, url: `s3://${bucket}/p/`, connection: { $ref: "conn" } },
    },
  ];
}

/** What exists with `prefix`, in Databend and IAM. */
async function liveObjects(prefix: string): Promise<string[]> {
  const conns = (await query("SHOW CONNECTIONS")).map((r) => String(r.name));
  const stages = (await query("SHOW STAGES")).map((r) => String(r.name));
  const roles = ((await iam.send(new ListRolesCommand({ MaxItems: 1000 }))).Roles ?? []).map(
    (r) => r.RoleName ?? "",
  );
  return [...conns, ...stages, ...roles].filter((x) => x.startsWith(prefix)).sort();
}

/** What the stack's state holds: resource IDs and pending creates (URN, and the ID a user would give). */
interface StateObjects {
  ids: string[];
  pending: { type: string; urn: string; id: string }[];
}

/** Reads {@link StateObjects} from one `pulumi stack export`. */
async function stateObjects(stack: TestStack): Promise<StateObjects> {
  const doc = JSON.parse(await stack.exportState()) as {
    deployment: {
      resources?: { id?: string; type: string }[];
      pending_operations?: { type: string; resource: { urn: string; inputs?: Record<string, unknown> } }[];
    };
  };
  const ids = (doc.deployment.resources ?? [])
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic"))
    .map((r) => r.id ?? "")
    .sort();
  // The ID of a Connection or Stage is its Databend name; of a StageAccessRole, its role name.
  const pending = (doc.deployment.pending_operations ?? []).map((op) => ({
    type: op.type,
    urn: op.resource.urn,
    id: String(op.resource.inputs?.name ?? op.resource.inputs?.roleName ?? ""),
  }));
  return { ids, pending };
}

/** Orphans (live, not in state) and lost objects (declared or in state, not live). */
async function reconcile(
  state: StateObjects,
  prefix: string,
): Promise<{ orphans: string[]; lost: string[] }> {
  const live = await liveObjects(prefix);
  const declared = Object.values(namesOf(prefix));
  return {
    orphans: live.filter((x) => !state.ids.includes(x)),
    lost: [...new Set([...declared, ...state.ids])].filter((x) => !live.includes(x)),
  };
}

/** One command of a recovery. */
type Step =
  /** `pulumi up`, with extra environment (e.g. `DATABEND_ADOPT='*'`). */
  | { op: "up"; env?: Record<string, string> }
  /** `pulumi cancel --yes`: removes the lock a killed CLI left in the file backend. */
  | { op: "cancel" }
  /** `pulumi refresh --import-pending-creates URN --import-pending-creates ID` for each pending create. */
  | { op: "import-pending" }
  /** `pulumi refresh --clear-pending-creates`. */
  | { op: "clear-pending" };

/** A fault case: where, what, and the documented recovery. */
interface FaultCase {
  /** Short id (also part of the names). */
  id: string;
  /** Which endpoint the fault hits. */
  endpoint: "databend" | "aws";
  /** The fault. */
  fault: Fault;
  /** Kill the CLI with this signal as soon as the faulted statement reached the server. */
  interrupt?: "SIGKILL" | "SIGINT";
  /** What the faulted `up` does: fail, or succeed (a fault the provider rides out). */
  upFails: boolean;
  /** What happens to stalled requests once the fault ends: dropped, or run late by the server. */
  deliverStalled?: boolean;
  /** The endpoint drops a stalled request after this long. Default 2 minutes. */
  stallLimitMs?: number;
  /** The documented recovery. Default: a plain `pulumi up`. */
  recovery?: Step[];
  /** A regex the faulted `up`'s output must match (what the user sees). */
  sees?: RegExp;
}

/** What one case measured. */
interface CaseResult {
  /** The faulted (or interrupted) `up`. */
  faulted: { ok: boolean; output: string };
  /** Seconds from the first faulted request (or the signal) until `up` ended. */
  seconds: number;
  /** Non-idempotent CREATE statements (and IAM CreateRole calls) that reached the server, by name. */
  creates: Record<string, number>;
  /** Orphans, lost objects, lock files and pending creates right after the fault. */
  before: { orphans: string[]; lost: string[]; locks: number; pending: number };
  /** Each recovery command, in order. */
  steps: OpResult[];
  noChanges: OpResult;
  reconciled: { orphans: string[]; lost: string[] };
  pending: number;
  /** `pulumi destroy` after the recovery, and what it left with the case's prefix. */
  destroyed: OpResult;
  leftAfterDestroy: string[];
}

const ADOPT: Step = { op: "up", env: { DATABEND_ADOPT: "*" } };
/**
 * A stage whose CREATE was running when the CLI (and its provider) were killed carries no owner marker:
 * nothing proves it is this stack's, so the wildcard refuses it (saying so) and the recovery names it.
 */
const ADOPT_NAMING_STAGE: Step = { op: "up", env: { DATABEND_ADOPT: "*,{stage}" } };

/** The CLI killed with SIGKILL while the statement `match` runs (its answer would come 4 s later). */
function killed(id: string, endpoint: FaultCase["endpoint"], match: RegExp, recovery: Step[]): FaultCase {
  return {
    id,
    endpoint,
    fault: { kind: "delay", match, delayMs: 4000 },
    interrupt: "SIGKILL",
    upFails: true,
    recovery,
  };
}

const ALL_CASES: FaultCase[] = [
  {
    id: "refuse",
    endpoint: "databend",
    fault: { kind: "refuse" },
    upFails: true,
    sees: /cannot reach the Databend endpoint/,
  },
  {
    id: "stall_conn",
    endpoint: "databend",
    fault: { kind: "stall", match: /^CREATE CONNECTION/ },
    upFails: true,
    deliverStalled: true,
    recovery: [ADOPT],
    sees: /timed out|timeout/i,
  },
  {
    id: "delay_conn",
    endpoint: "databend",
    fault: { kind: "delay", match: /^CREATE CONNECTION/, delayMs: 9000 },
    upFails: true,
    recovery: [ADOPT],
    sees: /timed out|timeout/i,
  },
  {
    id: "cut_stage",
    endpoint: "databend",
    fault: { kind: "cut", match: /^CREATE STAGE/ },
    upFails: true,
    recovery: [ADOPT],
  },
  {
    id: "unavail_stage",
    endpoint: "databend",
    fault: { kind: "503", match: /^CREATE/, after: 1 },
    upFails: true,
    sees: /503/,
  },
  {
    id: "restart_stage",
    endpoint: "databend",
    fault: { kind: "refuse", match: /^CREATE/, after: 1 },
    upFails: true,
  },
  {
    // The SDK sends the cut CreateRole again; IAM answers EntityAlreadyExists, and the role's trust
    // policy names this resource's own external ID, which proves the role is this operation's: taken over.
    id: "aws_cut_role",
    endpoint: "aws",
    fault: { kind: "cut", match: /^CreateRole$/, times: 1 },
    upFails: false,
  },
  {
    id: "aws_unavail_role",
    endpoint: "aws",
    fault: { kind: "503", match: /^CreateRole$/, times: 1 },
    upFails: false,
  },
  {
    // Every AWS request is bounded by databend:queryTimeout (2 s here), for each of the SDK's attempts.
    id: "aws_stall_role",
    endpoint: "aws",
    fault: { kind: "stall", match: /^CreateRole$/ },
    stallLimitMs: 3000,
    upFails: true,
  },
  // Pulumi 3.274's refresh drops a pending create it was told to import instead of importing it
  // (only "creating" operations are carried over): the take-over does the rest.
  killed("kill_conn", "databend", /^CREATE CONNECTION/, [{ op: "cancel" }, { op: "import-pending" }, ADOPT]),
  killed("kill_stage", "databend", /^CREATE STAGE/, [
    { op: "cancel" },
    { op: "clear-pending" },
    ADOPT_NAMING_STAGE,
  ]),
  killed("kill_role", "aws", /^CreateRole$/, [{ op: "cancel" }, { op: "import-pending" }, ADOPT]),
  {
    id: "int_conn",
    endpoint: "databend",
    // The answer comes within the query timeout: the CLI waits for it, records the connection, stops.
    fault: { kind: "delay", match: /^CREATE CONNECTION/, delayMs: 1000 },
    interrupt: "SIGINT",
    upFails: true,
    sees: /update canceled/,
  },
];

/** `FAULT_CASES=id,id` runs only those cases (when working on one). */
const CASES = process.env.FAULT_CASES
  ? ALL_CASES.filter((c) => (process.env.FAULT_CASES as string).split(",").includes(c.id))
  : ALL_CASES;

/** Waits for `child` to exit, collecting its output. */
function exited(child: ChildProcess, output: string[]): Promise<number | null> {
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve(code)));
}

/** The stack's lock files in its file backend (`.pulumi/locks/`). */
function lockFiles(stack: TestStack): string[] {
  const dir = path.join(stack.dir, "state", ".pulumi", "locks");
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"));
}

/** `pulumi up` killed with `signal` once `proxy` has forwarded the statement the fault matches. */
async function interruptedUp(
  c: FaultCase,
  stack: TestStack,
  proxy: FaultProxy,
  opEnv: Record<string, string>,
): Promise<{ ok: boolean; output: string; seconds: number }> {
  const child = stack.spawnCli(["up", "--yes", "--skip-preview"], opEnv);
  const output: string[] = [];
  const exit = exited(child, output);
  await proxy.waitFor(c.fault.match ?? /./);
  const t0 = Date.now();
  child.kill(c.interrupt);
  const code = await exit;
  const seconds = (Date.now() - t0) / 1000;
  if (c.interrupt === "SIGKILL") {
    // What the killed CLI leaves running (language host, provider) ends with it, as on a crashed host.
    await new Promise((r) => setTimeout(r, 500));
    try {
      process.kill(-(child.pid as number), "SIGKILL");
    } catch {
      // the group has ended already
    }
  }
  return { ok: code === 0, output: output.join(""), seconds };
}

async function recover(
  stack: TestStack,
  steps: Step[],
  opEnv: Record<string, string>,
  names: { stage: string },
): Promise<OpResult[]> {
  const results: OpResult[] = [];
  for (const step of steps) {
    if (step.op === "up") {
      // `{stage}` in a value stands for the case's stage name.
      const stepEnv = Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, v.replace("{stage}", names.stage)]),
      );
      results.push(await stack.up({ env: { ...opEnv, ...stepEnv } }));
    } else if (step.op === "cancel") {
      const r = await stack.cli(["cancel", "--yes"], true, opEnv).then(
        (x) => ({ ok: true, output: x.stdout + x.stderr }),
        (e: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${e.stdout}${e.stderr}` }),
      );
      results.push({ ...r, events: [], ops: {} });
    } else {
      const args =
        step.op === "clear-pending"
          ? ["--clear-pending-creates"]
          : (await stateObjects(stack)).pending
              .filter((p) => p.type === "creating")
              .flatMap((p) => ["--import-pending-creates", p.urn, "--import-pending-creates", p.id]);
      results.push(await stack.refresh({ env: opEnv, args }));
    }
  }
  return results;
}

async function runCase(c: FaultCase, stack: TestStack): Promise<CaseResult> {
  const prefix = `flt${run}_${c.id}_`;
  const limits = { maxStallMs: c.stallLimitMs ?? 120_000 };
  const databend = await FaultProxy.start(env.DATABEND_BRIDGE_URL as string, limits);
  const aws = await FaultProxy.start(env.AWS_ENDPOINT_URL as string, limits);
  const proxy = c.endpoint === "databend" ? databend : aws;
  const opEnv = { AWS_ENDPOINT_URL: aws.url };
  try {
    // One command for the whole configuration: the suite runs 13 stacks on 2 cores.
    await stack.cli([
      "config",
      "set-all",
      "--secret",
      `databend:dsn=databend://root:@${databend.hostPort}/default?sslmode=disable`,
      "--plaintext",
      `databend:connectTimeout=${CONNECT_TIMEOUT}`,
      "--plaintext",
      `databend:queryTimeout=${QUERY_TIMEOUT}`,
      "--plaintext",
      `resources=${JSON.stringify(program(prefix))}`,
    ]);
    await proxy.inject(c.fault);
    let faulted: { ok: boolean; output: string };
    let seconds: number;
    if (c.interrupt) {
      const r = await interruptedUp(c, stack, proxy, opEnv);
      faulted = r;
      seconds = r.seconds;
    } else {
      faulted = await stack.up({ env: opEnv });
      seconds = (Date.now() - (proxy.firstFaultAt ?? Date.now())) / 1000;
    }
    await proxy.clear();
    await proxy.release({ deliver: c.deliverStalled });
    const creates: Record<string, number> = {};
    for (const sql of databend.statements()) {
      const name = /^CREATE (?:CONNECTION|STAGE) (\S+)/.exec(sql)?.[1];
      if (name) creates[name] = (creates[name] ?? 0) + 1;
    }
    for (const action of aws.statements().filter((a) => a === "CreateRole")) {
      creates[action] = (creates[action] ?? 0) + 1;
    }
    const afterFault = await stateObjects(stack);
    const before = {
      ...(await reconcile(afterFault, prefix)),
      locks: lockFiles(stack).length,
      pending: afterFault.pending.length,
    };
    const steps = await recover(stack, c.recovery ?? [{ op: "up" }], opEnv, namesOf(prefix));
    const noChanges = await stack.preview({ env: opEnv, expectNoChanges: true });
    const finalState = await stateObjects(stack);
    const reconciled = await reconcile(finalState, prefix);
    const pending = finalState.pending.length;
    // Through the proxies: destroy configures the provider with the config recorded by the last up.
    const destroyed = await stack.destroy({ env: opEnv });
    const leftAfterDestroy = await liveObjects(prefix);
    return {
      faulted,
      seconds,
      creates,
      before,
      steps,
      noChanges,
      reconciled,
      pending,
      destroyed,
      leftAfterDestroy,
    };
  } finally {
    await databend.stop();
    await aws.stop();
  }
}

/** What the lost-checkpoint scenario saw. */
interface CheckpointResult {
  /** `preview` with a 0-byte `<stack>.json.attrs`. */
  emptyAttrs: string;
  /** `preview --expect-no-changes` once that file is removed. */
  attrsRemoved: OpResult;
  /** `preview` with a 0-byte `<stack>.json`. */
  emptyCheckpoint: string;
  /** `preview --expect-no-changes` after `pulumi stack import` of the last checkpoint in history. */
  imported: OpResult;
}

/**
 * The file backend's lost checkpoint (Pulumi's, seen after SIGKILL): a 0-byte `.json.attrs` next to
 * the checkpoint, or a 0-byte checkpoint. Both are simulated on a stack of trivial resources, and the
 * troubleshooting steps of docs/reliability.md are run.
 */
async function lostCheckpoint(stack: TestStack): Promise<CheckpointResult> {
  await stack.setConfig("resources", [{ kind: "Trivial", name: "t", args: { value: "a" } }]);
  expectOk(await stack.up());
  await stack.setConfig("resources", [
    { kind: "Trivial", name: "t", args: { value: "a" } },
    { kind: "Trivial", name: "u", args: { value: "b" } },
  ]);
  expectOk(await stack.up());
  const pulumiDir = path.join(stack.dir, "state", ".pulumi");
  const checkpoint = path.join(pulumiDir, "stacks", "spec", `${stack.name}.json`);
  fs.writeFileSync(`${checkpoint}.attrs`, "");
  const emptyAttrs = (await stack.preview()).output;
  fs.rmSync(`${checkpoint}.attrs`);
  const attrsRemoved = await stack.preview({ expectNoChanges: true });
  fs.writeFileSync(checkpoint, "");
  const emptyCheckpoint = (await stack.preview()).output;
  // The last checkpoint in history, as a deployment `pulumi stack import` reads.
  const history = path.join(pulumiDir, "history", "spec", stack.name);
  const last = fs
    .readdirSync(history)
    .filter((f) => f.endsWith(".checkpoint.json"))
    .sort()
    .pop() as string;
  const saved = JSON.parse(fs.readFileSync(path.join(history, last), "utf8")) as {
    checkpoint: { latest: unknown };
  };
  const file = path.join(stack.dir, "last-deployment.json");
  fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: saved.checkpoint.latest }));
  await stack.cli(["stack", "import", "--file", file]);
  const imported = await stack.preview({ expectNoChanges: true });
  return { emptyAttrs, attrsRemoved, emptyCheckpoint, imported };
}

/** Runs `jobs` with at most `limit` at a time. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

describe("faults injected during up, then the documented recovery", () => {
  const stacks: TestStack[] = [];
  const results = new Map<string, CaseResult | Error>();
  let checkpoint: CheckpointResult | Error;

  beforeAll(async () => {
    const backend = new TestStack({ dsnVia: "none" }).init().then((stack) => {
      stacks.push(stack);
      return lostCheckpoint(stack).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    });
    const done = await pool(
      CASES.map((c) => async () => {
        const stack = await new TestStack({ dsnVia: "none" }).init();
        stacks.push(stack);
        return runCase(c, stack).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      }),
      4,
    );
    CASES.forEach((c, i) => results.set(c.id, done[i] as CaseResult | Error));
    checkpoint = await backend;
    const table = CASES.map((c) => {
      const r = results.get(c.id);
      if (!r || r instanceof Error) return `${c.id}: ${r?.message ?? "did not run"}`;
      return (
        `${c.id}: up ${r.faulted.ok ? "ok" : "failed"} ${r.seconds.toFixed(1)} s after the fault; ` +
        `before recovery orphans=${r.before.orphans.length} lost=${r.before.lost.length} ` +
        `locks=${r.before.locks} pending=${r.before.pending}; after: orphans=${r.reconciled.orphans.length} ` +
        `lost=${r.reconciled.lost.length}; creates=${JSON.stringify(r.creates)}`
      );
    });
    console.log(table.join("\n"));
    if (process.env.FAULT_CASES) {
      for (const r of results.values()) {
        if (!(r instanceof Error)) console.log([r.faulted, ...r.steps].map((x) => x.output).join("\n----\n"));
      }
    }
  });
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.cleanup()));
  });

  function resultOf(id: string): CaseResult {
    const r = results.get(id);
    if (!r) throw new Error(`case ${id} did not run`);
    if (r instanceof Error) throw r;
    return r;
  }

  it.each(CASES)("$id: the faulted up behaves as documented and says why", (c) => {
    const r = resultOf(c.id);
    expect({ ok: r.faulted.ok, output: r.faulted.output }).toEqual({
      ok: !c.upFails,
      output: c.sees ? expect.stringMatching(c.sees) : expect.any(String),
    });
  });

  it.each(CASES)("$id: each non-idempotent CREATE reached the server at most once", (c) => {
    const r = resultOf(c.id);
    for (const [name, count] of Object.entries(r.creates)) {
      // The AWS SDK retries a CreateRole whose answer was cut: IAM refuses the second (the name is
      // taken), so the role exists once either way.
      expect({ name, count: name === "CreateRole" ? Math.min(count, 1) : count }).toEqual({ name, count: 1 });
    }
  });

  it.each(CASES)("$id: converges after the documented recovery: 0 orphans, 0 lost", (c) => {
    const r = resultOf(c.id);
    for (const step of r.steps) expectOk(step);
    expectOk(r.noChanges);
    expect(r.reconciled).toEqual({ orphans: [], lost: [] });
    expect(r.pending).toBe(0);
  });

  it.each(CASES)("$id: destroy then leaves nothing behind", (c) => {
    const r = resultOf(c.id);
    expectOk(r.destroyed);
    expect(r.leftAfterDestroy).toEqual([]);
  });

  it("recovers the file backend's lost checkpoint with the troubleshooting steps", () => {
    if (checkpoint instanceof Error) throw checkpoint;
    expect(checkpoint.emptyAttrs).toContain("failed to load checkpoint: EOF");
    expectOk(checkpoint.attrsRemoved);
    expect(checkpoint.emptyCheckpoint).toMatch(/failed to load checkpoint/);
    expectOk(checkpoint.imported);
  });
});
