// Shared by `npm run bench` (scripts/bench.mjs) and scripts/profile.mjs: the local stack's environment
// and the program both deploy through tests/e2e/programs/spec.
import fs from "node:fs";
import path from "node:path";

/** The repository root. */
export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** The spec program every variant deploys. */
export const SPEC_PROGRAM = path.join(ROOT, "tests/e2e/programs/spec");

/** The running local stack's variables (.stack/env, written by scripts/local-stack). */
export function stackEnv() {
  return Object.fromEntries(
    fs
      .readFileSync(path.join(ROOT, ".stack/env"), "utf8")
      .split("\n")
      .map((l) => /^export ([A-Z_]+)='([^']*)'/.exec(l))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}

/**
 * N connections and N stages (one per connection) for the spec program; `secretKey` picks the secret
 * (changing it changes every connection). Variants:
 *   ours       the package's Connection and Stage;
 *   floorB     the same shape on a no-op dynamic provider, one property per resource;
 *   floorBwide floor B with as many input properties per resource as ours stores (the engine's cost per
 *              property, measured apart from any provider work).
 */
export function benchResources(variant, n, prefix, secretKey, endpointUrl) {
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
    out.push({
      kind: "Stage",
      name: `s${i}`,
      args: { name: `${prefix}_s${i}`, url: `s3://bench-${i}/data/`, connection: { $ref: `c${i}` } },
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
