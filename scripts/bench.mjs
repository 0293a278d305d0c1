// `npm run bench`: figures, not a pass/fail test. For each N it deploys N connections and N stages
// (one per connection) through the real Pulumi CLI against the local stack, side by side with two floors,
// interleaved, R repetitions each:
//   ours    the package (tests/e2e/programs/spec);
//   floorB  the same program shape with a no-op dynamic provider (the Pulumi engine's own floor);
//   floorA  the same DDL sent directly through databend-driver from this script (Databend's floor);
//   floorBwide (only with --variants) floor B with as many properties per resource as ours stores.
// Phases: up (create), preview (no changes), refresh (`refresh --yes`, which previews first), up with
// every connection's secret changed (stages stay `same`), destroy. It writes docs/performance.md
// (medians, ratios to floor B, statements per phase, state bytes per resource) and the raw figures as
// docs/performance.json.
// Usage: node scripts/bench.mjs [--reps R] [--variants ours,floorB,floorA,floorBwide] [--append] [N ...]
//        (default: --reps 3 --variants ours,floorB,floorA 10 50)
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import {
  ROOT as root,
  SPEC_PROGRAM as program,
  benchResources,
  stackEnv,
  throwawayBackend,
} from "./lib/benchPrograms.mjs";

const require = createRequire(import.meta.url);
const execFileAsync = promisify(execFile);
const env = stackEnv();
const argv = process.argv.slice(2);
const repsAt = argv.indexOf("--reps");
const reps = repsAt >= 0 ? Number(argv[repsAt + 1]) : 3;
const variantsAt = argv.indexOf("--variants");
const VARIANTS = variantsAt >= 0 ? argv[variantsAt + 1].split(",") : ["ours", "floorB", "floorA"];
// --append: keep the figures already in docs/performance.json and add these repetitions to them (a long
// size can run on its own, one repetition at a time).
const append = argv.includes("--append");
const sizes = argv
  .filter((_, i) => ![repsAt, repsAt + 1, variantsAt, variantsAt + 1].includes(i))
  .map(Number)
  .filter((n) => n > 0);
const PHASES = ["up", "preview", "refresh", "update", "destroy"];

async function statements() {
  return (await (await fetch(`${env.DATABEND_BRIDGE_URL}/_bridge/statements`)).json()).count;
}

function resources(variant, n, run, secretKey) {
  return benchResources(variant, n, `b${run}`, secretKey, env.AWS_ENDPOINT_URL, env.AWS_ACCESS_KEY_ID);
}

/** Leaf values a resource stores (inputs and outputs, nested values counted one by one). */
function leafValues(v) {
  if (Array.isArray(v)) return v.reduce((n, x) => n + leafValues(x), 0);
  if (v && typeof v === "object") return Object.values(v).reduce((n, x) => n + leafValues(x), 0);
  return 1;
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
  const { dir, env: runEnv } = throwawayBackend("bench");
  const stack = `bench${run}`;
  const setResources = (list) => fs.writeFileSync(runEnv.SPEC_RESOURCES_FILE, JSON.stringify(list));
  // Asynchronous, so that the memory sampler's timer runs while the CLI does.
  const pulumi = async (...args) =>
    (
      await execFileAsync("pulumi", [...args, "--stack", stack, "--cwd", program, "--non-interactive"], {
        env: runEnv,
        maxBuffer: 256 * 1024 * 1024,
      })
    ).stdout;
  const out = {};
  const phase = async (label, fn) => {
    const before = await statements();
    const stop = sampler();
    const t0 = performance.now();
    await fn();
    const seconds = (performance.now() - t0) / 1000;
    out[label] = { seconds, statements: (await statements()) - before, providerPeakMiB: stop() };
  };
  try {
    await pulumi("stack", "init");
    await pulumi("config", "set", "--secret", "databend:dsn", env.DATABEND_DSN);
    await pulumi(
      "config",
      "set",
      "--secret",
      "secrets",
      JSON.stringify({ a: "bench-secret-a", b: "bench-secret-b", verify: env.AWS_SECRET_ACCESS_KEY }),
    );
    setResources(resources(variant, n, run, "a"));
    await phase("up", () => pulumi("up", "--yes", "--skip-preview"));
    const state = JSON.parse(await pulumi("stack", "export"));
    const managed = state.deployment.resources.filter((r) => !r.type.startsWith("pulumi:"));
    out.stateBytesPerResource = Math.round(
      managed.reduce((sum, r) => sum + JSON.stringify(r).length, 0) / managed.length,
    );
    out.valuesPerResource =
      Math.round(
        (managed.reduce((sum, r) => sum + leafValues(r.inputs) + leafValues(r.outputs), 0) / managed.length) *
          10,
      ) / 10;
    await phase("preview", () => pulumi("preview", "--expect-no-changes"));
    await phase("refresh", () => pulumi("refresh", "--yes"));
    setResources(resources(variant, n, run, "b"));
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

// --verify (issue 19): the cost of Stage `verify`, ours against oursVerify, printed only (the figures
// of docs/performance.md and performance.json stay as they are); the numbers go to its notes by hand.
if (argv.includes("--verify")) {
  const { S3Client, CreateBucketCommand } = require("@aws-sdk/client-s3");
  const s3 = new S3Client({
    endpoint: env.AWS_ENDPOINT_URL,
    region: env.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
  });
  await s3.send(new CreateBucketCommand({ Bucket: "bench-verify" })).catch(() => undefined);
  s3.destroy();
  const rows = [];
  const run = Date.now().toString(36).slice(-4);
  for (const n of sizes.length ? sizes : [10]) {
    const res = { ours: [], oursVerify: [] };
    for (let rep = 0; rep < reps; rep++) {
      for (const variant of ["ours", "oursVerify"]) {
        res[variant].push(await runPulumi(variant, n, `${run}${n}${rep}${variant === "ours" ? "o" : "v"}`));
        process.stderr.write(`n=${n} rep=${rep} ${variant} done\n`);
      }
    }
    for (const p of PHASES) {
      const m = (v, key) => median(res[v].map((r) => r[p][key]));
      rows.push(
        `| ${n} | ${p} | ${m("ours", "seconds").toFixed(1)} | ${m("oursVerify", "seconds").toFixed(1)} | ${m("ours", "statements")} | ${m("oursVerify", "statements")} |`,
      );
    }
  }
  console.log(
    [
      `| N | phase | ours (s) | ours with verify (s) | statements | statements with verify |`,
      "|---|---|---|---|---|---|",
      ...rows,
    ].join("\n"),
  );
  process.exit(0);
}

const rawFile = path.join(root, "docs/performance.json");
const raw = append && fs.existsSync(rawFile) ? JSON.parse(fs.readFileSync(rawFile, "utf8")) : [];
const run = Date.now().toString(36).slice(-4);
const TAG = { ours: "o", floorB: "b", floorA: "a", floorBwide: "w" };
for (const n of sizes.length ? sizes : [10, 50]) {
  const repBase = Math.max(-1, ...raw.filter((r) => r.n === n).map((r) => r.rep)) + 1;
  for (let rep = repBase; rep < repBase + reps; rep++) {
    for (const variant of VARIANTS) {
      const id = `${run}${n}${rep}${TAG[variant]}`.toLowerCase();
      const figures = variant === "floorA" ? await runFloorA(n, id) : await runPulumi(variant, n, id);
      raw.push({ n, rep, variant, ...figures });
      process.stderr.write(`n=${n} rep=${rep} ${variant} done\n`);
    }
  }
}

const has = (variant) => raw.some((r) => r.variant === variant);
/** How many repetitions each size had, e.g. "3 at N = 10 and 200, 1 at N = 500". */
function repsText() {
  const byN = new Map();
  for (const r of raw) byN.set(r.n, Math.max(byN.get(r.n) ?? 0, r.rep + 1));
  const groups = new Map();
  for (const [n, k] of byN) groups.set(k, [...(groups.get(k) ?? []), n]);
  return [...groups].map(([k, ns]) => `${k} at N = ${ns.join(", ")}`).join("; ");
}
const lines = [];
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
lines.push("# Performance", "");
lines.push(
  `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores (${cpu}), ` +
    `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, the real Pulumi CLI on a \`file://\` backend, ` +
    `the local Databend endpoint. Medians of the interleaved repetitions (${repsText()}); N connections + N stages. ` +
    "Ratios are to floor B (the same program shape on a no-op dynamic provider)" +
    (has("floorBwide")
      ? " and to floor B wide (the same, with as many properties per resource as ours stores)"
      : "") +
    ". Raw figures: `docs/performance.json`.",
  "",
);
const wideCols = has("floorBwide") ? [" ours / floor B wide |", " floor B wide (s) |"] : ["", ""];
lines.push(
  `| N | phase | ours / floor B |${wideCols[0]} ours (s) | floor B (s) |${wideCols[1]} floor A (s) | statements (ours) | floor A statements |`,
);
lines.push(`|---|---|---|${has("floorBwide") ? "---|---|" : ""}---|---|---|---|---|`);
for (const n of [...new Set(raw.map((r) => r.n))]) {
  for (const p of PHASES) {
    const m = (variant, key = "seconds") =>
      median(raw.filter((r) => r.n === n && r.variant === variant && r[p]).map((r) => r[p][key]));
    const ours = m("ours");
    const b = m("floorB");
    const w = has("floorBwide") ? m("floorBwide") : NaN;
    const a = raw.some((r) => r.n === n && r.variant === "floorA" && r[p]) ? m("floorA") : NaN;
    const aStatements = Number.isNaN(a) ? "" : String(m("floorA", "statements"));
    const fmt = (x, digits) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
    const wide = has("floorBwide") ? [` ${fmt(ours / w, 2)} |`, ` ${fmt(w, 1)} |`] : ["", ""];
    lines.push(
      `| ${n} | ${p} | ${(ours / b).toFixed(2)} |${wide[0]} ${ours.toFixed(1)} | ${b.toFixed(1)} |${wide[1]} ${Number.isNaN(a) ? "-" : a.toFixed(1)} | ${m("ours", "statements")} | ${aStatements} |`,
    );
  }
}
const pulumiVariants = ["ours", "floorB", "floorBwide"].filter(has);
lines.push(
  "",
  `| N | state bytes per resource (${pulumiVariants.join(" / ")}) | stored values per resource (${pulumiVariants.join(" / ")}) | provider peak RSS, MiB (${pulumiVariants.join(" / ")}) |`,
  "|---|---|---|---|",
);
for (const n of [...new Set(raw.map((r) => r.n))]) {
  const m = (variant, f) => median(raw.filter((r) => r.n === n && r.variant === variant).map(f));
  const each = (f) =>
    pulumiVariants.map((v) => (raw.some((r) => r.n === n && r.variant === v) ? f(v) : "-")).join(" / ");
  const peak = (v) => m(v, (r) => Math.max(...PHASES.map((p) => r[p]?.providerPeakMiB ?? 0))).toFixed(0);
  lines.push(
    `| ${n} | ${each((v) => m(v, (r) => r.stateBytesPerResource))} | ${each((v) => m(v, (r) => r.valuesPerResource))} | ${each(peak)} |`,
  );
}
fs.mkdirSync(path.join(root, "docs"), { recursive: true });
raw.sort((x, y) => x.n - y.n);
fs.writeFileSync(rawFile, JSON.stringify(raw, null, 2) + "\n");
const md = path.join(root, "docs/performance.md");
const notes = fs.existsSync(md) ? fs.readFileSync(md, "utf8").split("\n<!-- notes -->\n")[1] : undefined;
fs.writeFileSync(md, lines.join("\n") + "\n" + (notes ? `\n<!-- notes -->\n${notes}` : ""));
console.log(lines.join("\n"));
