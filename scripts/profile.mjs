// `node scripts/profile.mjs [N] [variant]`: where the CPU goes. Deploys N connections + N stages (variant
// `ours`, or a floor of scripts/lib/benchPrograms.mjs) through the real Pulumi CLI against the running
// local stack (`npm run stack:start`), changes every connection's secret, and destroys. For each phase it
// prints the wall time and the CPU time of every process the CLI ran (the CLI waits for its plugins).
//   PROFILE_NODE=1  V8's CPU profiler in every Node process (program, dynamic-provider plugin): CPU per
//                   process kind, and the top packages and functions by self time;
//   PROFILE_GO=1    the CLI's own profile too (`--profiling`): read it with `go tool pprof -top`;
//   KEEP=1          keep the profiles (the folder is printed); STATE_OUT=<file> saves the state after `up`.
// Figures, not a test.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  ROOT as root,
  SPEC_PROGRAM as program,
  benchResources,
  stackEnv,
  throwawayBackend,
} from "./lib/benchPrograms.mjs";

const env = stackEnv();
const n = Number(process.argv[2] ?? 50);
const variant = process.argv[3] ?? "ours";
const hook = process.env.PROFILE_NODE ? path.join(root, "scripts/lib/cpuProfileHook.cjs") : undefined;
const run = Date.now().toString(36).slice(-4);
const resources = (secret) => benchResources(variant, n, `p${run}`, secret, env.AWS_ENDPOINT_URL);

const { dir, env: baseEnv } = throwawayBackend("profile");
const resourcesFile = baseEnv.SPEC_RESOURCES_FILE;
const stack = `profile${run}`;
const pulumi = (args, extraEnv = {}) =>
  execFileSync("pulumi", [...args, "--stack", stack, "--cwd", program, "--non-interactive"], {
    env: { ...baseEnv, ...extraEnv },
    stdio: "pipe",
    maxBuffer: 256 * 1024 * 1024,
  });

/** CPU seconds (user + system) of every waited-for descendant so far (the CLI waits for its plugins). */
function childCpu() {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Runs one phase with the profiler on; returns the profiles written, by process kind. */
function profiled(label, args) {
  const out = path.join(dir, "prof", label);
  fs.mkdirSync(out, { recursive: true });
  const c0 = childCpu();
  const t0 = performance.now();
  // PROFILE_GO=1: the CLI's own CPU profile too (read it with `go tool pprof -top`).
  const goArgs = process.env.PROFILE_GO ? ["--profiling", path.join(out, "cli")] : [];
  pulumi([...args, ...goArgs], hook ? { NODE_OPTIONS: `--require ${hook}`, PROF_DIR: out } : {});
  const wall = (performance.now() - t0) / 1000;
  return {
    label,
    wall,
    cpu: childCpu() - c0,
    files: fs
      .readdirSync(out)
      .filter((f) => f.endsWith(".cpuprofile"))
      .map((f) => path.join(out, f)),
  };
}

function kindOf(profile) {
  const urls = new Set(profile.nodes.map((x) => x.callFrame.url));
  if ([...urls].some((u) => u.includes("cmd/dynamic-provider"))) return "provider";
  if ([...urls].some((u) => u.includes("cmd/run"))) return "program";
  return "other";
}

function summarise({ label, wall, cpu, files }) {
  const byKind = {};
  const fnSelf = new Map();
  const pkgSelf = new Map();
  for (const f of files) {
    const p = JSON.parse(fs.readFileSync(f, "utf8"));
    const kind = kindOf(p);
    const dt = new Map();
    for (let i = 0; i < p.samples.length; i++) {
      dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
    }
    let busy = 0;
    for (const node of p.nodes) {
      const us = dt.get(node.id) ?? 0;
      const name = node.callFrame.functionName || "(anonymous)";
      if (name === "(idle)" || name === "(program)") continue;
      busy += us;
      const url = node.callFrame.url;
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
      const pkg = m
        ? m[1]
        : url.startsWith("node:")
          ? "node:"
          : url.includes("/dist/")
            ? "pulumi-databend"
            : url || name;
      const key = `${kind} ${pkg}`;
      pkgSelf.set(key, (pkgSelf.get(key) ?? 0) + us);
      const fkey = `${kind} ${name} ${url.replace(/.*node_modules\//, "").replace(root, "")}:${node.callFrame.lineNumber}`;
      fnSelf.set(fkey, (fnSelf.get(fkey) ?? 0) + us);
    }
    byKind[kind] = (byKind[kind] ?? 0) + busy / 1e6;
  }
  const top = (m, k) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([key, us]) => `    ${(us / 1e3).toFixed(0).padStart(7)} ms  ${key}`)
      .join("\n");
  console.log(
    `\n## ${label}: wall ${wall.toFixed(1)} s, CPU of every process ${cpu.toFixed(1)} s; Node busy CPU (s) ${Object.entries(
      byKind,
    )
      .map(([k, s]) => `${k} ${s.toFixed(2)}`)
      .join(", ")}`,
  );
  console.log("  by package:\n" + top(pkgSelf, 12));
  console.log("  by function:\n" + top(fnSelf, 20));
}

try {
  pulumi(["stack", "init"]);
  pulumi(["config", "set", "--secret", "databend:dsn", env.DATABEND_DSN]);
  pulumi(["config", "set", "--secret", "secrets", JSON.stringify({ a: "profile-a", b: "profile-b" })]);
  fs.writeFileSync(resourcesFile, JSON.stringify(resources("a")));
  summarise(profiled("up", ["up", "--yes", "--skip-preview"]));
  if (process.env.STATE_OUT) fs.writeFileSync(process.env.STATE_OUT, pulumi(["stack", "export"]));
  summarise(profiled("preview", ["preview", "--expect-no-changes"]));
  fs.writeFileSync(resourcesFile, JSON.stringify(resources("b")));
  summarise(profiled("update", ["up", "--yes", "--skip-preview"]));
  summarise(profiled("destroy", ["destroy", "--yes", "--skip-preview"]));
} finally {
  if (!process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
  fs.rmSync(path.join(program, `Pulumi.${stack}.yaml`), { force: true });
}
