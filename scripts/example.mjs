// Runs one example project end to end against the local stack, and leaves Databend (and the local S3)
// as it found them:
//   node scripts/example.mjs NAME [--project DIR] [--show]
// NAME is a folder of examples/ with a local.json (buckets to seed, config, secret config, a script to
// run after `up`, what to show). DIR is the Pulumi project to deploy (defaults to examples/NAME; the
// demo passes the repository root, whose Pulumi.yaml runs examples/s3-access-keys).
// Steps: seed buckets, `pulumi up`, the afterUp script, [SHOW/DESC/LIST], `pulumi preview
// --expect-no-changes`, `pulumi destroy`; then checks that the connections and stages on Databend are
// the ones that were there before, and that no secret was printed. Each run uses its own throwaway
// file:// backend, PULUMI_HOME and stack config file, so it can run while other stacks are up.
// Needs the local stack's environment (.stack/env) in process.env.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describeObjects, seedBuckets, removeBuckets, showObjects } from "./demo-support.mjs";

const require = createRequire(import.meta.url);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv) {
  const args = { name: undefined, project: undefined, show: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--project") args.project = argv[++i];
    else if (argv[i] === "--show") args.show = true;
    else if (!args.name) args.name = argv[i];
    else throw new Error(`unexpected argument ${argv[i]}`);
  }
  if (!args.name) throw new Error("usage: example.mjs NAME [--project DIR] [--show]");
  return args;
}

/** The local AWS key's own ARN (moto matches trust-policy principals literally). */
async function callerArn() {
  const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
  const sts = new STSClient({});
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

/** Replaces `${VAR}` with the environment's value (CALLER_ARN is computed on demand). */
async function expand(value, vars) {
  let out = String(value);
  for (const m of out.matchAll(/\$\{([A-Z_][A-Z0-9_]*)\}/g)) {
    const key = m[1];
    if (key === "CALLER_ARN" && vars.CALLER_ARN === undefined) vars.CALLER_ARN = await callerArn();
    if (vars[key] === undefined) throw new Error(`local.json needs ${key}, which is not set`);
    out = out.replace(m[0], vars[key]);
  }
  return out;
}

/** Runs a command, streaming and keeping its output. Resolves with { code, output }. */
function run(cmd, args, opts) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const take = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on("data", take(process.stdout));
    child.stderr.on("data", take(process.stderr));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const exampleDir = path.join(ROOT, "examples", args.name);
  const local = JSON.parse(fs.readFileSync(path.join(exampleDir, "local.json"), "utf8"));
  const project = path.resolve(ROOT, args.project ?? exampleDir);
  const vars = { ...process.env };
  if (!vars.DATABEND_DSN) throw new Error("DATABEND_DSN is not set: source .stack/env (npm run stack:start)");

  const work = fs.mkdtempSync(path.join(os.tmpdir(), `pulumi-databend-example-${args.name}-`));
  const stack = `example-${process.pid}`;
  const env = {
    ...process.env,
    PULUMI_HOME: path.join(work, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: `example-${Math.random().toString(36).slice(2)}`,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  fs.mkdirSync(path.join(work, "state"));
  // The stack's config file (Pulumi.<stack>.yaml, git-ignored) is removed at the end.
  const configFile = path.join(project, `Pulumi.${stack}.yaml`);
  const common = ["--stack", stack, "--cwd", project, "--non-interactive"];
  const log = [];
  const pulumi = async (what, cmdArgs, { check = true } = {}) => {
    const t0 = Date.now();
    const r = await run("pulumi", [...cmdArgs, ...common], { env });
    log.push(r.output);
    if (check && r.code !== 0) throw new Error(`pulumi ${what} failed (exit ${r.code})`);
    return { ...r, ms: Date.now() - t0 };
  };

  const secrets = [];
  const times = {};
  const before = await describeObjects(vars.DATABEND_DSN);
  let createdBuckets = [];
  let deployed = false;
  let failure;
  try {
    createdBuckets = await seedBuckets(local.buckets ?? {});
    await pulumi("stack init", ["stack", "init"]);
    await pulumi("config set", ["config", "set", "--secret", "databend:dsn", vars.DATABEND_DSN]);
    for (const [key, value] of Object.entries(local.config ?? {})) {
      await pulumi("config set", ["config", "set", "--plaintext", key, await expand(value, vars)]);
    }
    for (const [key, value] of Object.entries(local.secretConfig ?? {})) {
      const v = await expand(value, vars);
      secrets.push(v);
      await pulumi("config set", ["config", "set", "--secret", key, v]);
    }
    deployed = true;
    times.up = (await pulumi("up", ["up", "--yes", "--skip-preview"])).ms;
    if (local.afterUp) {
      const [script, ...rest] = local.afterUp;
      const t0 = Date.now();
      const r = await run(process.execPath, [path.join(exampleDir, script), ...rest], {
        env,
        cwd: exampleDir,
      });
      log.push(r.output);
      if (r.code !== 0) throw new Error(`${script} failed (exit ${r.code})`);
      times[script] = Date.now() - t0;
    }
    if (args.show) {
      console.log();
      log.push(await showObjects(vars.DATABEND_DSN, local.show ?? {}));
    }
    times.preview = (await pulumi("preview", ["preview", "--expect-no-changes"])).ms;
    times.destroy = (await pulumi("destroy", ["destroy", "--yes", "--skip-preview"])).ms;
    deployed = false;
    await pulumi("stack rm", ["stack", "rm", "--yes"]);
  } catch (e) {
    failure = e;
  } finally {
    if (deployed) await pulumi("destroy", ["destroy", "--yes", "--skip-preview"], { check: false });
    await removeBuckets(createdBuckets).catch((e) => (failure ??= e));
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(configFile, { force: true });
  }

  const after = await describeObjects(vars.DATABEND_DSN);
  const problems = [];
  if (failure) problems.push(failure.message);
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    problems.push(
      `Databend objects changed: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
    );
  }
  const printed = log.join("\n");
  const leaked = [...secrets, vars.AWS_SECRET_ACCESS_KEY].filter((s) => s && printed.includes(s));
  if (leaked.length) problems.push(`${leaked.length} secret value(s) appeared in the output`);
  const summary = Object.entries(times)
    .map(([k, ms]) => `${k} ${secs(ms)}`)
    .join(", ");
  if (problems.length) {
    console.error(`\nexample ${args.name}: FAILED: ${problems.join("; ")}`);
    process.exit(1);
  }
  console.log(`\nexample ${args.name}: ${summary}; Databend left as found; no secret printed`);
}

main().catch((e) => {
  console.error(`example: ${e.message}`);
  process.exit(1);
});
