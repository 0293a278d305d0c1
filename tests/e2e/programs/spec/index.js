// End-to-end test program. Config `resources` is a JSON array of
//   { kind: "Trivial" | "Connection" | "Stage" | "StageAccessRole", name, args, opts? }
// where any value may be {"$secret": "key"} (taken from the secret config object `secrets`), {"$plain":
// "key"} (the same value, handed over as a plain, non-secret string), or
// {"$ref": "name"} (another resource of this program; with "$out": "prop", that resource's output
// `prop`). Every resource is exported by name.
"use strict";
const pulumi = require("@pulumi/pulumi");
const databend = require("pulumi-databend");

const cfg = new pulumi.Config();
// Large programs (the load run's 1,000 resources) come from a file: Pulumi hands config to the program
// in one environment variable, which the OS limits to 128 KiB.
const specs = process.env.SPEC_RESOURCES_FILE
  ? JSON.parse(require("fs").readFileSync(process.env.SPEC_RESOURCES_FILE, "utf8"))
  : cfg.getObject("resources") || [];
const secrets = cfg.getSecretObject("secrets") || pulumi.secret({});
const built = {};

function resolve(v) {
  if (Array.isArray(v)) return v.map(resolve);
  if (v && typeof v === "object") {
    if (typeof v.$secret === "string") return secrets.apply((s) => s[v.$secret]);
    // A value kept out of plaintext config but handed to the resource as a plain (non-secret) string.
    if (typeof v.$plain === "string") return pulumi.unsecret(secrets.apply((s) => s[v.$plain]));
    if (typeof v.$ref === "string") {
      if (!built[v.$ref]) throw new Error(`unknown $ref ${v.$ref}`);
      return typeof v.$out === "string" ? built[v.$ref][v.$out] : built[v.$ref];
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x)]));
  }
  return v;
}

// A no-op dynamic resource (the benchmark's floor B): its outputs are its inputs.
const trivialProvider = {
  async create(inputs) {
    const outs = Object.fromEntries(Object.entries(inputs).filter(([k]) => k !== "__provider"));
    return { id: `trivial-${inputs.value}`, outs };
  },
};
class Trivial extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(trivialProvider, name, { ...args }, opts, "test", "Trivial");
  }
}

const kinds = {
  Trivial,
  Connection: databend.Connection,
  Stage: databend.Stage,
  StageAccessRole: databend.aws && databend.aws.StageAccessRole,
  FileFormat: databend.FileFormat,
  StageGrant: databend.StageGrant,
  ConnectionGrant: databend.ConnectionGrant,
};

for (const spec of specs) {
  const Kind = kinds[spec.kind];
  if (!Kind) throw new Error(`unknown kind ${spec.kind}`);
  const opts = resolve(spec.opts || {});
  built[spec.name] = new Kind(spec.name, resolve(spec.args || {}), opts);
  exports[spec.name] = built[spec.name];
}

// With config `copyAudit: true`, the account-wide copy audit (`getCopyAudit()`) as the output `copyAudit`.
if (cfg.getBoolean("copyAudit")) exports.copyAudit = databend.getCopyAudit();
