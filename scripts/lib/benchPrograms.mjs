// Shared by `npm run bench` (scripts/bench.mjs), `npm run load` (scripts/load.mjs) and
// scripts/profile.mjs: the local stack's environment, a throwaway Pulumi backend, and the resources
// they deploy through tests/e2e/programs/spec.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** The spec program every variant deploys. */
export const SPEC_PROGRAM = path.join(ROOT, "tests/e2e/programs/spec");

/** The running local stack's variables (.stack/env, written by scripts/local-stack). */
export function stackEnv() {
  const file = path.join(ROOT, ".stack/env");
  if (!fs.existsSync(file)) throw new Error("the local stack is not running: run `npm run stack:start`");
  return Object.fromEntries(
    fs
      .readFileSync(file, "utf8")
      .split("\n")
      .map((l) => /^export ([A-Z_]+)='([^']*)'/.exec(l))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

/**
 * A throwaway Pulumi backend in a new temp folder named after `label`: `{ dir, env }`, where `env` is
 * this process's environment plus the project's tools on PATH, a PULUMI_HOME and a `file://` backend
 * in `dir`, passphrase `label`, no update checks or plugin downloads, and SPEC_RESOURCES_FILE: the
 * spec program reads its resources from that file (at N = 500 their JSON is over the 128 KiB that
 * Linux allows one argument or environment variable, so they cannot travel as config).
 */
export function throwawayBackend(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pulumi-databend-${label}-`));
  fs.mkdirSync(path.join(dir, "state"));
  const env = {
    ...process.env,
    PATH: `${path.join(ROOT, ".tools/bin")}:${process.env.PATH}`,
    PULUMI_HOME: path.join(dir, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: label,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    SPEC_RESOURCES_FILE: path.join(dir, "resources.json"),
  };
  return { dir, env };
}

/**
 * N connections and N stages (one per connection) for the spec program, named `<prefix>_c<i>` and
 * `<prefix>_s<i>` in Databend; `secretKey` picks the secret (changing it changes every connection).
 * Variants:
 *   ours       the package's Connection and Stage;
 *   floorB     the same shape on a no-op dynamic provider, one property per resource;
 *   floorBwide floor B with as many input properties per resource as ours stores (the engine's cost per
 *              property, measured apart from any provider work).
 */
export function benchResources(variant, n, prefix, secretKey, endpointUrl, verifyKey = "") {
  const out = [];
  for (let i = 0; i < n; i++) {
    if (variant === "floorB" || variant === "floorBwide") {
      const wide =
        variant === "floorBwide"
          ? Object.fromEntries([...Array(WIDE_EXTRA).keys()].map((k) => [`p${k}`, `value-${k}-${i}`]))
          : {};
      out.push({ kind: "Trivial", name: `c${i}`, args: { value: `c${i}-${secretKey}`, ...wide } });
      out.push({ kind: "Trivial", name: `s${i}`, args: { value: { $ref: `c${i}`, $out: "id" }, ...wide } });
      continue;
    }
    out.push({
      kind: "Connection",
      name: `c${i}`,
      args: {
        name: `${prefix}_c${i}`,
        storageType: "s3",
        accessKeyId: "AKIABENCH",
        secretAccessKey: { $secret: secretKey },
        endpointUrl,
        region: "us-east-1",
      },
    });
    // oursVerify (issue 19): the same program with `verify: true`, on a key and a bucket that exist
    // (`verifyKey`, bucket `bench-verify`), so every probe succeeds: its cost is what the figures show.
    const verify = variant === "oursVerify";
    if (verify)
      Object.assign(out[out.length - 1].args, {
        accessKeyId: verifyKey,
        secretAccessKey: { $secret: secretKey === "a" ? "verify" : secretKey },
      });
    out.push({
      kind: "Stage",
      name: `s${i}`,
      args: {
        name: `${prefix}_s${i}`,
        url: verify ? `s3://bench-verify/s${i}/` : `s3://bench-${i}/data/`,
        connection: { $ref: `c${i}` },
        ...(verify ? { verify: true } : {}),
      },
    });
  }
  return out;
}

/**
 * Extra properties per resource of floor B wide: ours stores about 8 inputs per resource (a
 * connection's name, type, 4 parameters and fingerprint; a stage's name, URL, 3 connection facts and
 * 3 defaults) where floor B stores 1.
 */
const WIDE_EXTRA = 7;
