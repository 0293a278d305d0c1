// `node scripts/bundle-plugin.mjs STAGE`: the release shape of the provider plugin, written into the
// folder STAGE (scripts/package-plugin archives it). Run after `tsc -p tsconfig.build.json`.
//
//   STAGE/pulumi-resource-databend          the launcher (plugin/pulumi-resource-databend)
//   STAGE/dist/plugin/main.js               one esbuild bundle: the plugin, provider/, @pulumi/pulumi's
//                                           protocol messages, gRPC, protobuf, ajv, the AWS SDK clients
//   STAGE/node_modules/databend-driver      the driver's JavaScript, beside the bundle: it loads ...
//   STAGE/node_modules/@databend-driver/lib-<platform>   ... this host's N-API binary (stripped)
//   STAGE/package.json                      name, version, license (the plugin reads its version here)
//   STAGE/THIRD-PARTY-NOTICES.md            every bundled package with its licence text
//
// Prints one JSON line: {"platform": "<os>-<arch>", "bundleBytes": n, "packages": n}, the platform
// in Pulumi's naming (linux-amd64, darwin-arm64, ...), the one the archive's file name carries.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));
const stage = path.resolve(process.argv[2] ?? "");
if (!process.argv[2]) throw new Error("usage: node scripts/bundle-plugin.mjs STAGE_DIR");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

// plugin/pulumiModules.ts loads gRPC and the protocol's messages from @pulumi/pulumi's folder with
// createRequire, which a bundler cannot follow. In the bundle it becomes a table of static requires
// resolved from that same folder: the ids are the ones the compiled plugin passes to pulumiModule().
const pluginDist = path.join(root, "dist", "plugin");
const ids = new Set();
for (const f of fs.readdirSync(pluginDist).filter((f) => f.endsWith(".js"))) {
  const js = fs.readFileSync(path.join(pluginDist, f), "utf8");
  for (const m of js.matchAll(/pulumiModule\)?\(\s*"([^"]+)"/g)) ids.add(m[1]);
}
if (ids.size === 0) throw new Error("no pulumiModule(...) ids found in dist/plugin (run tsc first)");
const pulumiModulesTable = {
  name: "pulumi-modules-table",
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]plugin[\\/]pulumiModules\.js$/ }, () => ({
      resolveDir: pulumiDir,
      loader: "js",
      contents:
        "const table = {\n" +
        [...ids].map((id) => `  ${JSON.stringify(id)}: () => require(${JSON.stringify(id)}),`).join("\n") +
        "\n};\n" +
        "exports.pulumiModule = (id) => {\n" +
        "  const load = table[id];\n" +
        "  if (!load) throw new Error(`pulumiModule: ${id} is not in the bundle`);\n" +
        "  return load();\n" +
        "};\n",
    }));
  },
};

// One bundle: the plugin's code and provider/ share their modules (the schema, the validators);
// `require("../provider")` in plugin/providerServer.ts stays lazy (esbuild wraps every CommonJS
// module in a function run on its first require), so a start runs only what serving the schema and
// Configure needs. (Two bundles, plugin and provider, measured slower: the shared modules ran twice.)
const outfile = path.join(stage, "dist", "plugin", "main.js");
const result = await esbuild.build({
  entryPoints: [path.join(pluginDist, "main.js")],
  outfile,
  plugins: [pulumiModulesTable],
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  // N-API: the driver picks its binary at run time; it stays a file beside the bundle.
  external: ["databend-driver"],
  // Whitespace and syntax only: identifiers keep their names, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: "none", // the licences go to THIRD-PARTY-NOTICES.md, whole
  metafile: true,
  logLevel: "warning",
});

// The licence of every package that went into the bundle.
const packageDirs = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const m = /^(.*node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(input);
  if (m) packageDirs.add(path.resolve(root, m[1]));
}
const notices = ["# Third-party software in dist/plugin/main.js\n"];
for (const dir of [...packageDirs].sort()) {
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const licenceFile = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying|notice)(\.|$)/i.test(f));
  notices.push(`## ${meta.name} ${meta.version} (${meta.license ?? "see text"})\n`);
  if (licenceFile)
    notices.push("```\n" + fs.readFileSync(path.join(dir, licenceFile), "utf8").trim() + "\n```\n");
}
fs.writeFileSync(path.join(stage, "THIRD-PARTY-NOTICES.md"), notices.join("\n"));

// The driver's JavaScript and this host's binary (the only platform package installed here).
const driverDir = path.dirname(require.resolve("databend-driver/package.json"));
const driverMeta = JSON.parse(fs.readFileSync(path.join(driverDir, "package.json"), "utf8"));
fs.mkdirSync(path.join(stage, "node_modules", "databend-driver"), { recursive: true });
for (const f of ["package.json", ...driverMeta.files]) {
  if (fs.existsSync(path.join(driverDir, f)))
    fs.copyFileSync(path.join(driverDir, f), path.join(stage, "node_modules", "databend-driver", f));
}
const libc =
  process.platform === "linux"
    ? process.report.getReport().header.glibcVersionRuntime
      ? "-gnu"
      : "-musl"
    : "";
const native = `@databend-driver/lib-${process.platform}-${process.arch}${process.platform === "win32" ? "-msvc" : libc}`;
const nativeDir = path.dirname(require.resolve(`${native}/package.json`));
const nativeMeta = JSON.parse(fs.readFileSync(path.join(nativeDir, "package.json"), "utf8"));
const nativeOut = path.join(stage, "node_modules", native);
fs.mkdirSync(nativeOut, { recursive: true });
fs.copyFileSync(path.join(nativeDir, "package.json"), path.join(nativeOut, "package.json"));
for (const f of nativeMeta.files) {
  fs.copyFileSync(path.join(nativeDir, f), path.join(nativeOut, f));
  // Debug symbols are a fifth of the binary and nothing at run time uses them (no `strip` on the
  // machine: the binary stays as npm installed it).
  if (f.endsWith(".node") && process.platform === "linux") {
    try {
      execFileSync("strip", ["--strip-unneeded", path.join(nativeOut, f)], { stdio: "ignore" });
    } catch {
      // keep the unstripped copy
    }
  }
}

fs.writeFileSync(
  path.join(stage, "package.json"),
  JSON.stringify({ name: pkg.name, version: pkg.version, license: pkg.license, private: true }, null, 2) +
    "\n",
);
fs.copyFileSync(
  path.join(root, "plugin", "pulumi-resource-databend"),
  path.join(stage, "pulumi-resource-databend"),
);
fs.chmodSync(path.join(stage, "pulumi-resource-databend"), 0o755);
for (const f of ["README.md", "LICENSE"]) {
  if (fs.existsSync(path.join(root, f))) fs.copyFileSync(path.join(root, f), path.join(stage, f));
}

const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform] ?? process.platform;
const arch = { x64: "amd64", arm64: "arm64" }[process.arch] ?? process.arch;
console.log(
  JSON.stringify({
    platform: `${os}-${arch}`,
    bundleBytes: fs.statSync(outfile).size,
    packages: packageDirs.size,
  }),
);
