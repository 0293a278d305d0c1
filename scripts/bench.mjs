// `npm run bench`: figures, not a pass/fail test. For each N it deploys N connections and N stages
// (one per connection) through the real Pulumi CLI against the local stack, side by side with two floors,
// interleaved, R repetitions each:
//   ours    the package (tests/e2e/programs/spec);
//   floorB  the same program shape with a no-op dynamic provider (the Pulumi engine's own floor);
//   floorA  the same DDL sent directly through databend-driver from this script (Databend's floor).
// Phases: up (create), preview (no changes), refresh (`refresh --yes`, which previews first), up with
// every connection's secret changed (stages stay `same`), destroy. It writes docs/performance.md
// (medians, ratios to floor B, statements per phase, state bytes per resource) and the raw figures as
// docs/performance.json.
// Usage: node scripts/bench.mjs [--reps R] [N ...]   (default: --reps 3 10 50)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const require = createRequire(import.meta.url);
const env = Object.fromEntries(
  fs
    .readFileSync(path.join(root, ".stack/env"), "utf8")
    .split("\n")
    .map((l) => /^export ([A-Z_]+)='([^']*)'/.exec(l))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
const program = path.join(root, "tests/e2e/programs/spec");
const argv = process.argv.slice(2);
const repsAt = argv.indexOf("--reps");
const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 3;
const sizes = argv
  .filter((_, i) => i !== repsAt && i !== repsAt + 1)
  .map(Number)
  .filter((n) => n > 0);
const PHASES = ["up", "preview", "refresh", "update", "destroy"];

async function statements() {
  return (await (await fetch(`${env.DATABEND_BRIDGE_URL}/_bridge/statements`)).json()).count;
}

function resources(variant, n, run, secretKey) {
  const out = [];
  for (let i = 0; i < n; i++) {
    if (variant === "floorB") {
      out.push({ kind: "Trivial", name: `c${i}`, args: { value: `c${i}-${secretKey}` } });
      out.push({ kind: "Trivial", name: `s${i}`, args: { value: { $ref: `c${i}`, $out: "id" } } });
      continue;
    }
    out.push({
      kind: "Connection",
      name: `c${i}`,
      args: {
        name: `b${run}_c${i}`,
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
      args: { name: `b${run}_s${i}`, url: `s3://bench-${i}/data/`, connection: { $ref: `c${i}` } },
    });
  }
  return out;
}

/** Peak resident memory (MiB) of the dynamic-provider plugin processes, sampled while `fn` runs. */
function sampler() {
  let peak = 0;
  const timer = setInterval(() => {
    for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
        if (!cmd.includes("dynamic-provider")) continue;
        const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        if (rss) peak = Math.max(peak, Number(rss[1]) / 1024);
      } catch {
        /* the process ended */
      }
    }
  }, 100);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

async function runPulumi(variant, n, run) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-bench-"));
  fs.mkdirSync(path.join(dir, "state"));
  const stack = `bench${run}`;
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
      maxBuffer: 256 * 1024 * 1024,
    });
  const out = {};
  const phase = async (label, fn) => {
    const before = await statements();
    const stop = sampler();
    const t0 = performance.now();
    fn();
    const seconds = (performance.now() - t0) / 1000;
    out[label] = { seconds, statements: (await statements()) - before, providerPeakMiB: stop() };
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
    pulumi("config", "set", "resources", JSON.stringify(resources(variant, n, run, "a")));
    await phase("up", () => pulumi("up", "--yes", "--skip-preview"));
    const state = JSON.parse(pulumi("stack", "export").toString());
    const managed = state.deployment.resources.filter((r) => !r.type.startsWith("pulumi:"));
    out.stateBytesPerResource = Math.round(
      managed.reduce((sum, r) => sum + JSON.stringify(r).length, 0) / managed.length,
    );
    await phase("preview", () => pulumi("preview", "--expect-no-changes"));
    await phase("refresh", () => pulumi("refresh", "--yes"));
    pulumi("config", "set", "resources", JSON.stringify(resources(variant, n, run, "b")));
    await phase("update", () => pulumi("up", "--yes", "--skip-preview"));
    await phase("destroy", () => pulumi("destroy", "--yes", "--skip-preview"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.join(program, `Pulumi.${stack}.yaml`), { force: true });
  }
  return out;
}

async function runFloorA(n, run) {
  const { Client } = require("databend-driver");
  const conn = await new Client(env.DATABEND_DSN).getConn();
  const lit = (s) => `'${s}'`;
  const names = [...Array(n).keys()];
  const par = async (items, fn) => {
    // The engine's default parallelism for resource steps.
    const queue = [...items];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (queue.length) await fn(queue.shift());
      }),
    );
  };
  const create = (i, secret, replace) =>
    conn.exec(
      `CREATE ${replace ? "OR REPLACE " : ""}CONNECTION b${run}_c${i} STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'AKIABENCH' ` +
        `SECRET_ACCESS_KEY = ${lit(secret)} ENDPOINT_URL = ${lit(env.AWS_ENDPOINT_URL)} REGION = 'us-east-1'`,
    );
  const out = {};
  const phase = async (label, fn) => {
    const before = await statements();
    const t0 = performance.now();
    await fn();
    out[label] = { seconds: (performance.now() - t0) / 1000, statements: (await statements()) - before };
  };
  await phase("up", () =>
    par(names, async (i) => {
      await create(i, "bench-secret-a", false);
      await conn.exec(
        `CREATE STAGE b${run}_s${i} URL = 's3://bench-${i}/data/' CONNECTION = (CONNECTION_NAME = 'b${run}_c${i}')`,
      );
    }),
  );
  await phase("refresh", () =>
    par(names, async (i) => {
      await conn.queryAll(`DESC CONNECTION b${run}_c${i}`);
      await conn.queryAll(`DESC STAGE b${run}_s${i}`);
    }),
  );
  await phase("update", () => par(names, (i) => create(i, "bench-secret-b", true)));
  await phase("destroy", () =>
    par(names, async (i) => {
      await conn.exec(`DROP STAGE IF EXISTS b${run}_s${i}`);
      await conn.exec(`DROP CONNECTION IF EXISTS b${run}_c${i}`);
    }),
  );
  await conn.close();
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const raw = [];
let run = Date.now().toString(36).slice(-4);
for (const n of sizes.length ? sizes : [10, 50]) {
  for (let rep = 0; rep < reps; rep++) {
    for (const variant of ["ours", "floorB", "floorA"]) {
      const id = `${run}${n}${rep}${variant[5] ?? "o"}`.toLowerCase();
      const figures = variant === "floorA" ? await runFloorA(n, id) : await runPulumi(variant, n, id);
      raw.push({ n, rep, variant, ...figures });
      process.stderr.write(`n=${n} rep=${rep} ${variant} done\n`);
    }
  }
}

const lines = [];
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
lines.push("# Performance", "");
lines.push(
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${cpu}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, the real Pulumi CLI on a \`file://\` backend, ` +
    `the local Databend endpoint. Medians of ${reps} interleaved repetitions; N connections + N stages. ` +
    "Ratios are to floor B (the same program shape on a no-op dynamic provider). Raw figures: `docs/performance.json`.",
  "",
);
lines.push(
  "| N | phase | ours / floor B | ours (s) | floor B (s) | floor A (s) | statements (ours) | floor A statements |",
);
lines.push("|---|---|---|---|---|---|---|---|");
for (const n of [...new Set(raw.map((r) => r.n))]) {
  for (const p of PHASES) {
    const m = (variant, key = "seconds") =>
      median(raw.filter((r) => r.n === n && r.variant === variant && r[p]).map((r) => r[p][key]));
    const ours = m("ours");
    const b = m("floorB");
    const a = raw.some((r) => r.n === n && r.variant === "floorA" && r[p]) ? m("floorA") : NaN;
    const aStatements = Number.isNaN(a) ? "" : String(m("floorA", "statements"));
    lines.push(
      `| ${n} | ${p} | ${(ours / b).toFixed(2)} | ${ours.toFixed(1)} | ${b.toFixed(1)} | ${Number.isNaN(a) ? "-" : a.toFixed(1)} | ${m("ours", "statements")} | ${aStatements} |`,
    );
  }
}
lines.push(
  "",
  "| N | state bytes per resource (ours) | floor B | provider peak RSS, MiB (ours / floor B) |",
  "|---|---|---|---|",
);
for (const n of [...new Set(raw.map((r) => r.n))]) {
  const m = (variant, f) => median(raw.filter((r) => r.n === n && r.variant === variant).map(f));
  const peak = (v) => m(v, (r) => Math.max(...PHASES.map((p) => r[p]?.providerPeakMiB ?? 0))).toFixed(0);
  lines.push(
    `| ${n} | ${m("ours", (r) => r.stateBytesPerResource)} | ${m("floorB", (r) => r.stateBytesPerResource)} | ${peak("ours")} / ${peak("floorB")} |`,
  );
}
fs.mkdirSync(path.join(root, "docs"), { recursive: true });
fs.writeFileSync(path.join(root, "docs/performance.json"), JSON.stringify(raw, null, 2) + "\n");
const md = path.join(root, "docs/performance.md");
const notes = fs.existsSync(md) ? fs.readFileSync(md, "utf8").split("\n<!-- notes -->\n")[1] : undefined;
fs.writeFileSync(md, lines.join("\n") + "\n" + (notes ? `\n<!-- notes -->\n${notes}` : ""));
console.log(lines.join("\n"));
