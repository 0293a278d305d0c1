import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { EngineEvent, OpsByName, opsByName } from "./engineEvents";
import { ROOT, TOOLS_DIR, stackEnv } from "./stackEnv";

const run = promisify(execFile);

/** How a {@link TestStack} drives the engine. */
export type Driver = "cli" | "automation";

/** Options of a {@link TestStack}. */
export interface TestStackOptions {
  /** Program folder, relative to the repository root (or absolute). Defaults to `tests/e2e/programs/spec`. */
  program?: string;
  /** `cli` runs `pulumi` as a person would; `automation` uses the Automation API. Defaults to `cli`. */
  driver?: Driver;
  /** Where the provider gets the DSN: stack config `databend:dsn` (secret), `DATABEND_DSN`, or nowhere. */
  dsnVia?: "config" | "env" | "none";
}

/** Extra arguments and environment for one operation (CLI driver only). */
export interface OpOptions {
  /** Fail if the preview proposes any change. */
  expectNoChanges?: boolean;
  /** More CLI arguments, e.g. `["--replace", urn]`. */
  args?: string[];
  /** More environment variables for this command, e.g. `{ DATABEND_RECAPTURE: "s" }`. */
  env?: Record<string, string>;
}

/** What one engine operation produced. */
export interface OpResult {
  /** Engine events, in order. */
  events: EngineEvent[];
  /** Step ops per resource name. */
  ops: OpsByName;
  /** Everything the command printed (CLI) or streamed (Automation API). */
  output: string;
  /** Whether it succeeded. */
  ok: boolean;
}

/**
 * A throwaway Pulumi stack against the local stack: its own `file://` backend and PULUMI_HOME in a
 * temp folder, a passphrase, no update checks and no plugin downloads. One per test file or test.
 */
export class TestStack {
  readonly name = `t${Date.now().toString(36)}${Math.random().toString(36).slice(2, 7)}`;
  readonly dir: string;
  readonly programDir: string;
  readonly driver: Driver;
  private readonly env: Record<string, string>;
  private readonly outputs: string[] = [];
  private automationStack?: import("@pulumi/pulumi/automation").Stack;

  constructor(private readonly opts: TestStackOptions = {}) {
    this.driver = opts.driver ?? "cli";
    const program = opts.program ?? "tests/e2e/programs/spec";
    this.programDir = path.isAbsolute(program) ? program : path.join(ROOT, program);
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-e2e-"));
    const stack = stackEnv();
    this.env = {
      ...(process.env as Record<string, string>),
      ...stack,
      PULUMI_HOME: path.join(this.dir, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "e2e-passphrase",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      // Enables the CLI's `--event-log` flag, which the Automation API also relies on.
      PULUMI_DEBUG_COMMANDS: "true",
    };
    if ((opts.dsnVia ?? "config") !== "env") delete this.env.DATABEND_DSN;
    fs.mkdirSync(path.join(this.dir, "state"), { recursive: true });
  }

  /** Creates the stack and, by default, sets `databend:dsn` as a secret. */
  async init(): Promise<this> {
    if (this.driver === "cli") {
      await this.cli(["stack", "init"]);
    } else {
      const auto = await import("@pulumi/pulumi/automation");
      const pulumiCommand = await auto.PulumiCommand.get({ root: TOOLS_DIR, skipVersionCheck: false });
      const ws = await auto.LocalWorkspace.create({
        workDir: this.programDir,
        pulumiHome: this.env.PULUMI_HOME,
        envVars: this.env,
        pulumiCommand,
      });
      this.automationStack = await auto.Stack.create(this.name, ws);
    }
    if ((this.opts.dsnVia ?? "config") === "config") {
      await this.setConfig("databend:dsn", stackEnv().DATABEND_DSN as string, true);
    }
    return this;
  }

  /** Sets a config value (JSON-encodes non-strings). */
  async setConfig(key: string, value: unknown, secret = false): Promise<void> {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (this.automationStack) {
      await this.automationStack.setConfig(key, { value: text, secret });
    } else {
      if (text.startsWith("-")) throw new Error("config values starting with - are not supported");
      await this.cli(["config", "set", ...(secret ? ["--secret"] : ["--plaintext"]), key, text]);
    }
  }

  /** `pulumi up`. */
  up(opts: OpOptions = {}): Promise<OpResult> {
    return this.op("up", opts);
  }

  /** `pulumi preview`; with `expectNoChanges`, fails if anything would change. */
  preview(opts: OpOptions = {}): Promise<OpResult> {
    return this.op("preview", opts);
  }

  /** `pulumi refresh`. */
  refresh(opts: OpOptions = {}): Promise<OpResult> {
    return this.op("refresh", opts);
  }

  /** The URN of the resource named `name` in this stack's state. */
  async urnOf(name: string): Promise<string> {
    const state = JSON.parse(await this.exportState()) as { deployment: { resources?: { urn: string }[] } };
    const urn = (state.deployment.resources ?? []).map((r) => r.urn).find((u) => u.endsWith(`::${name}`));
    if (!urn) throw new Error(`no resource ${name} in state`);
    return urn;
  }

  /** `pulumi destroy`. */
  destroy(opts: OpOptions = {}): Promise<OpResult> {
    return this.op("destroy", opts);
  }

  /** Stack outputs as plain values (secrets decrypted). */
  async stackOutputs(): Promise<Record<string, unknown>> {
    if (this.automationStack) {
      const outs = await this.automationStack.outputs();
      return Object.fromEntries(Object.entries(outs).map(([k, v]) => [k, v.value]));
    }
    // Not recorded in allOutput(): --show-secrets is the test reading values back, not Pulumi leaking them.
    const { stdout } = await this.cli(["stack", "output", "--json", "--show-secrets"], false);
    return JSON.parse(stdout) as Record<string, unknown>;
  }

  /** The exported deployment (state) as text, secrets left encrypted. */
  async exportState(): Promise<string> {
    const { stdout } = await this.cli(["stack", "export"]);
    return stdout;
  }

  /** Names of the resources recorded in the stack's state (the stack resource excluded). */
  async resourceNames(): Promise<string[]> {
    const state = JSON.parse(await this.exportState()) as {
      deployment: { resources?: { urn: string; type: string }[] };
    };
    return (state.deployment.resources ?? [])
      .filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))
      .map((r) => r.urn.split("::").pop() as string);
  }

  /** The environment the CLI runs with (for starting `pulumi` directly, e.g. to kill it mid-run). */
  cliEnv(): Record<string, string> {
    return { ...this.env };
  }

  /** Everything every command printed so far (for secret scans). */
  allOutput(): string {
    return this.outputs.join("\n");
  }

  /** Destroys what is left, removes the stack and the temp folder. */
  async cleanup(): Promise<void> {
    try {
      await this.op("destroy");
      await this.cli(["stack", "rm", "--yes", "--force"]).catch(() => undefined);
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
      fs.rmSync(path.join(this.programDir, `Pulumi.${this.name}.yaml`), { force: true });
    }
  }

  private async op(kind: "up" | "preview" | "refresh" | "destroy", opts: OpOptions = {}): Promise<OpResult> {
    return this.automationStack ? this.autoOp(kind, opts.expectNoChanges ?? false) : this.cliOp(kind, opts);
  }

  private async cliOp(kind: string, opts: OpOptions): Promise<OpResult> {
    const eventLog = path.join(this.dir, `events-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
    const args = [kind, "--event-log", eventLog, "--diff", ...(opts.args ?? [])];
    if (kind !== "preview") args.push("--yes", "--skip-preview");
    if (opts.expectNoChanges) args.push("--expect-no-changes");
    let output: string;
    let ok = true;
    try {
      const r = await this.cli(args, true, opts.env);
      output = r.stdout + r.stderr;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      output = (err.stdout ?? "") + (err.stderr ?? "");
      ok = false;
    }
    const events = fs.existsSync(eventLog)
      ? fs
          .readFileSync(eventLog, "utf8")
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as EngineEvent)
      : [];
    return { events, ops: opsByName(events), output, ok };
  }

  private async autoOp(kind: string, expectNoChanges: boolean): Promise<OpResult> {
    const s = this.automationStack as import("@pulumi/pulumi/automation").Stack;
    const events: EngineEvent[] = [];
    let output = "";
    const common = {
      onEvent: (e: unknown) => events.push(e as EngineEvent),
      onOutput: (o: string) => (output += o),
      diff: true,
    };
    let ok = true;
    try {
      if (kind === "up") await s.up(common);
      else if (kind === "preview") await s.preview({ ...common, expectNoChanges });
      else if (kind === "refresh") await s.refresh({ ...common, yes: true } as never);
      else await s.destroy(common);
    } catch (e) {
      ok = false;
      output += `\n${e instanceof Error ? e.message : String(e)}`;
    }
    this.outputs.push(output);
    return { events, ops: opsByName(events), output, ok };
  }

  /**
   * Starts `pulumi <args>` for this stack without waiting, in its own process group (so a test can
   * kill the CLI, like a user or a CI runner would, and later reap what is left by the group's id).
   */
  spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
    const full = [...args, "--stack", this.name, "--cwd", this.programDir, "--non-interactive"];
    return spawn(path.join(TOOLS_DIR, "bin", "pulumi"), full, {
      env: { ...this.env, ...env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** Runs `pulumi <args>` with this stack's environment (plus `env`), without stack flags (`plugin install`, ...). */
  async command(
    args: string[],
    record = true,
    env: Record<string, string> = {},
  ): Promise<{ stdout: string; stderr: string }> {
    try {
      const r = await run(path.join(TOOLS_DIR, "bin", "pulumi"), args, {
        env: { ...this.env, ...env },
        maxBuffer: 64 * 1024 * 1024,
      });
      if (record) this.outputs.push(r.stdout, r.stderr);
      return r;
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      if (record) this.outputs.push(err.stdout ?? "", err.stderr ?? "");
      throw e;
    }
  }

  /** The stack's PULUMI_HOME (plugins installed there are used by this stack only). */
  get pulumiHome(): string {
    return this.env.PULUMI_HOME as string;
  }

  /** Runs `pulumi <args>` in the program folder for this stack. */
  cli(
    args: string[],
    record = true,
    env: Record<string, string> = {},
  ): Promise<{ stdout: string; stderr: string }> {
    return this.command(
      [...args, "--stack", this.name, "--cwd", this.programDir, "--non-interactive"],
      record,
      env,
    );
  }
}
