// `npm run bench`: figures, not a pass/fail test. Deploys N connections and N stages (one per
// connection) through the real Pulumi CLI against the local stack, and reports for each phase the
// wall time, the time per resource and the SQL statements the Databend endpoint received.
// Usage: node scripts/bench.mjs [N ...]   (default: 1 10 25)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const env = Object.fromEntries(
  fs
    .readFileSync(path.join(root, ".stack/env"), "utf8")
    .split("\n")
    .map((l) => /^export ([A-Z_]+)='([^']*)'/.exec(l))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const program = path.join(root, "tests/e2e/programs/spec");
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);

async function statements() {
  return (await (await fetch(`${env.DATABEND_BRIDGE_URL}/_bridge/statements`)).json()).count;
}

function resources(n, secretKey) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({
      kind: "Connection",
      name: `c${i}`,
      args: {
        name: `bench_c${i}`,
        storageType: "s3",
        accessKeyId: "AKIABENCH",
        secretAccessKey: { $secret: secretKey },
        endpointUrl: env.AWS_ENDPOINT_URL,
        region: "us-east-1",
      },
    });
    out.push({
      kind: "Stage",
      name: `s${i}`,
      args: { name: `bench_s${i}`, url: `s3://bench-${i}/data/`, connection: { $ref: `c${i}` } },
    });
  }
  return out;
}

async function bench(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-bench-"));
  fs.mkdirSync(path.join(dir, "state"));
  const stack = `bench${n}`;
  const runEnv = {
    ...process.env,
    PATH: `${path.join(root, ".tools/bin")}:${process.env.PATH}`,
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "bench",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  const pulumi = (...args) =>
    execFileSync("pulumi", [...args, "--stack", stack, "--cwd", program, "--non-interactive"], {
      env: runEnv,
      stdio: "pipe",
    });
  const rows = [];
  const phase = async (label, fn) => {
    const before = await statements();
    const t0 = performance.now();
    fn();
    const ms = performance.now() - t0;
    rows.push({
      n,
      phase: label,
      seconds: (ms / 1000).toFixed(2),
      msPerResource: (ms / (2 * n)).toFixed(0),
      statements: (await statements()) - before,
    });
  };
  try {
    pulumi("stack", "init");
    pulumi("config", "set", "--secret", "databend:dsn", env.DATABEND_DSN);
    pulumi(
      "config",
      "set",
      "--secret",
      "secrets",
      JSON.stringify({ a: "bench-secret-a", b: "bench-secret-b" }),
    );
    pulumi("config", "set", "resources", JSON.stringify(resources(n, "a")));
    await phase("up (create)", () => pulumi("up", "--yes", "--skip-preview"));
    await phase("preview (no changes)", () => pulumi("preview", "--expect-no-changes"));
    await phase("refresh", () => pulumi("refresh", "--yes", "--skip-preview"));
    pulumi("config", "set", "resources", JSON.stringify(resources(n, "b")));
    await phase("up (update connections, stages same)", () => pulumi("up", "--yes", "--skip-preview"));
    await phase("destroy", () => pulumi("destroy", "--yes", "--skip-preview"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(program, `Pulumi.${stack}.yaml`), { force: true });
  }
  return rows;
}

const all = [];
for (const n of sizes.length ? sizes : [1, 10, 25]) all.push(...(await bench(n)));
console.log(`pulumi-databend bench (${os.cpus().length} cores, N connections + N stages per run)`);
console.table(all);
