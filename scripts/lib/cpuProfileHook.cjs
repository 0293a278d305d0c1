// Loaded with `node --require` into every Node process the Pulumi CLI starts (scripts/profile.mjs sets
// NODE_OPTIONS): V8's CPU profiler, written to $PROF_DIR in chunks of 5 seconds. Chunks, because the
// engine kills the dynamic-provider plugin instead of letting it exit, which loses a profile written
// only at exit (node --cpu-prof). The last, partial chunk of a killed process is lost.
const inspector = require("node:inspector");
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.PROF_DIR;
const session = new inspector.Session();
session.connect();
let chunk = 0;
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 1000 });
session.post("Profiler.start");

function flush(restart) {
  session.post("Profiler.stop", (err, r) => {
    if (!err && r) {
      fs.writeFileSync(path.join(dir, `p${process.pid}-${chunk++}.cpuprofile`), JSON.stringify(r.profile));
    }
    if (restart) session.post("Profiler.start");
  });
}

setInterval(() => flush(true), 5000).unref();
process.on("exit", () => flush(false));
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    flush(false);
    process.exit(0);
  });
}
