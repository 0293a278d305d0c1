// `npm run bench:plugin [N] [PLUGIN]`: cold start of the provider plugin, as the engine sees it.
// Spawns PLUGIN (default: this checkout's plugin/pulumi-resource-databend; give the
// pulumi-resource-databend of an unpacked `npm run package:plugin` archive to measure the released
// shape) N times (default 10) and reports, per run and as the median, the
// time until it prints its port, and until it has answered GetSchema and Configure over gRPC.
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const grpc = require("@grpc/grpc-js");
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb");
const pb = require("@pulumi/pulumi/proto/provider_pb");
const runs = Number(process.argv[2] ?? 10);
const plugin = path.resolve(process.argv[3] ?? path.join(root, "plugin", "pulumi-resource-databend"));

/**
 * CPU time (user + system) the plugin process has used so far, in ms (Linux: /proc; NaN elsewhere).
 * Less sensitive than wall time to other work on a shared machine. The launcher `exec`s node, so the
 * pid is node's.
 */
function cpuTimeMs(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in 1/100 s
  } catch {
    return NaN;
  }
}

function once() {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - t0) / 1e6;
    const child = spawn(plugin, [], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    child.stdout.once("data", (buf) => {
      const port = Number(String(buf).trim());
      const portMs = ms();
      const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      client.getSchema(new pb.GetSchemaRequest(), (err) => {
        if (err) return reject(err);
        const schemaMs = ms();
        client.configure(new pb.ConfigureRequest(), (err2) => {
          if (err2) return reject(err2);
          const configureMs = ms();
          const cpuMs = cpuTimeMs(child.pid);
          client.close();
          child.kill("SIGTERM");
          resolve({ portMs, schemaMs, configureMs, cpuMs });
        });
      });
    });
    child.on("error", reject);
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (let i = 0; i < runs; i++) results.push(await once());
for (const r of results) {
  console.log(
    `port ${r.portMs.toFixed(0)} ms, GetSchema ${r.schemaMs.toFixed(0)} ms, Configure ${r.configureMs.toFixed(0)} ms, ` +
      `CPU ${r.cpuMs.toFixed(0)} ms`,
  );
}
console.log(
  `median of ${runs}: port printed ${median(results.map((r) => r.portMs)).toFixed(0)} ms, ` +
    `GetSchema answered ${median(results.map((r) => r.schemaMs)).toFixed(0)} ms, ` +
    `Configure answered ${median(results.map((r) => r.configureMs)).toFixed(0)} ms after spawn, ` +
    `${median(results.map((r) => r.cpuMs)).toFixed(0)} ms of CPU by then`,
);
