// `npm run load -- [N] [--parallel P]`: the benchmark-sized run of issue 9, section 4. Figures, not a
// test (not part of `npm test`). Deploys N connections and N stages (one per connection) through the
// real Pulumi CLI with `--parallel P` against the local stack, then: a no-change preview, a refresh,
// an update of every connection, and destroy. For each phase it reports the wall time, whether it
// failed, the statements sent to Databend (counted by a pass-through proxy, so other users of the
// shared stack do not blur the figures) against the statements the plan needs, and the orphans.
// Usage: node scripts/load.mjs [N=500] [--parallel 32]   (needs `npm run stack:start`)
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import {
  ROOT as root,
  SPEC_PROGRAM as program,
  benchResources,
  stackEnv,
  throwawayBackend,
} from "./lib/benchPrograms.mjs";

const run = promisify(execFile);
const { FaultProxy } = await import(path.join(root, "tests/support/faultProxy.ts"));

const args = process.argv.slice(2);
const parallelAt = args.indexOf("--parallel");
const parallel = parallelAt >= 0 ? Number(args[parallelAt + 1]) : 32;
const n = Number(args.find((a, i) => /^\d+$/.test(a) && (parallelAt < 0 || i !== parallelAt + 1)) ?? 500);

const local = stackEnv();
const id = Math.random().toString(36).slice(2, 6);
const prefix = `load${id}_`;
const { dir, env: backendEnv } = throwawayBackend("load");
const stack = `load${id}`;
const proxy = await FaultProxy.start(local.DATABEND_BRIDGE_URL, { lifetimeMs: 6 * 3600_000 });
const specFile = backendEnv.SPEC_RESOURCES_FILE;
const runEnv = { ...backendEnv, ...local };
delete runEnv.DATABEND_DSN;

async function pulumi(...cmd) {
  const full = [...cmd, "--stack", stack, "--cwd", program, "--non-interactive"];
  try {
    const r = await run("pulumi", full, { env: runEnv, maxBuffer: 512 * 1024 * 1024 });
    return { ok: true, output: r.stdout + r.stderr };
  } catch (e) {
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

function resources(secretKey) {
  return benchResources("ours", n, `load${id}`, secretKey, local.AWS_ENDPOINT_URL);
}

/** What a statement is, for the tally: its leading keywords. */
function kindOf(sql) {
  const m = /^(CREATE OR REPLACE \w+|CREATE \w+|DROP \w+|ALTER \w+|DESC \w+|SHOW \w+|LIST|SELECT)/i.exec(
    sql.trim(),
  );
  return m ? m[1].toUpperCase() : sql.trim().split(/\s+/)[0].toUpperCase();
}

/** Names with this run's prefix that exist on the server (read directly, not through the proxy). */
let direct;
async function live() {
  if (!direct) {
    const { Client } = createRequire(import.meta.url)("databend-driver");
    direct = await new Client(local.DATABEND_DSN).getConn();
  }
  const names = [];
  for (const sql of ["SHOW CONNECTIONS", "SHOW STAGES"]) {
    for (const row of await direct.queryAll(sql)) names.push(String(row.data().name));
  }
  return names.filter((x) => x.startsWith(prefix));
}

async function stateNames() {
  const r = await pulumi("stack", "export");
  const doc = JSON.parse(r.output.slice(r.output.indexOf("{")));
  return (doc.deployment.resources ?? [])
    .filter((x) => x.type.startsWith("pulumi-nodejs:dynamic"))
    .map((x) => x.id);
}

const rows = [];
async function phase(label, needed, cmd) {
  const from = proxy.forwarded.length;
  const t0 = performance.now();
  const r = await cmd();
  const seconds = (performance.now() - t0) / 1000;
  const sent = proxy.forwarded.slice(from).flatMap((f) => (f.statement === undefined ? [] : [f.statement]));
  const tally = {};
  for (const s of sent) tally[kindOf(s)] = (tally[kindOf(s)] ?? 0) + 1;
  const writes = sent.filter((s) => /^(CREATE|DROP|ALTER)\b/i.test(s.trim())).length;
  const liveNames = await live();
  const inState = new Set(await stateNames());
  const orphans = liveNames.filter((x) => !inState.has(x)).length;
  rows.push({
    phase: label,
    ok: r.ok,
    seconds: seconds.toFixed(1),
    "statements sent": sent.length,
    "writes sent": writes,
    "writes needed": needed,
    orphans,
    live: liveNames.length,
    tally: JSON.stringify(tally),
  });
  if (!r.ok) console.error(`${label} failed:\n${r.output.slice(-4000)}`);
  console.error(`${label}: ${r.ok ? "ok" : "FAILED"} in ${seconds.toFixed(1)} s`);
}

const dsn = `databend://root:@${proxy.hostPort}/default?sslmode=disable`;
try {
  await pulumi("stack", "init");
  await pulumi("config", "set", "--secret", "databend:dsn", dsn);
  await pulumi(
    "config",
    "set",
    "--secret",
    "secrets",
    JSON.stringify({ a: "load-secret-a", b: "load-secret-b" }),
  );
  fs.writeFileSync(specFile, JSON.stringify(resources("a")));
  const par = ["--parallel", String(parallel)];
  console.error(`load: ${n} connections + ${n} stages, --parallel ${parallel}`);
  // Per pair: CREATE CONNECTION, CREATE STAGE, and the stage's owner marker (ALTER STAGE ... SET
  // COMMENT, which the local engine, 1.2.867 or later, stores).
  await phase("create", 3 * n, () => pulumi("up", "--yes", "--skip-preview", ...par));
  await phase("preview (no change)", 0, () => pulumi("preview", "--expect-no-changes", ...par));
  await phase("refresh", 0, () => pulumi("refresh", "--yes", "--skip-preview", ...par));
  fs.writeFileSync(specFile, JSON.stringify(resources("b")));
  await phase("update every connection", n, () => pulumi("up", "--yes", "--skip-preview", ...par));
  await phase("destroy", 2 * n, () => pulumi("destroy", "--yes", "--skip-preview", ...par));
  console.table(rows);
} finally {
  await pulumi("stack", "rm", "--yes", "--force");
  await proxy.stop();
  await direct?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(path.join(program, `Pulumi.${stack}.yaml`), { force: true });
}
