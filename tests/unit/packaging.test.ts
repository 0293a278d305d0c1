import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");

interface PackFile {
  path: string;
  mode: number;
}

interface Pkg {
  version: string;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, string | Record<string, string>>;
  repository?: { type: string; url: string };
}

/** `npm pack --dry-run --json`: what the published tarball would hold (dist/ must be built). */
async function packed(): Promise<string[]> {
  if (!fs.existsSync(path.join(ROOT, "dist", "sdk", "index.js"))) {
    throw new Error("dist/ is not built: run `npm run build` (or `npm run bootstrap`)");
  }
  const { stdout } = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    maxBuffer: 16 << 20,
  });
  const [result] = JSON.parse(stdout) as { files: PackFile[] }[];
  return (result?.files ?? []).map((f) => f.path).sort();
}

describe("the npm package (npm pack)", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Pkg;
  let files: string[] = [];

  beforeAll(async () => {
    files = await packed();
  }, 60_000);

  it("ships only the built JavaScript and its declarations, plus README, LICENSE, CHANGELOG and package.json", () => {
    const docs = ["README.md", "LICENSE", "CHANGELOG.md", "package.json"];
    const other = files.filter(
      (f) =>
        !/^dist\/(sdk|provider|bin|plugin)\/.+\.(js|d\.ts|json)$/.test(f) &&
        ![...docs, "plugin/pulumi-resource-databend"].includes(f),
    );
    expect(other).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(docs));
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))).toEqual([]);
    const js = files.filter((f) => f.endsWith(".js"));
    expect(js.length).toBeGreaterThan(20);
    expect(js.filter((f) => !files.includes(f.replace(/\.js$/, ".d.ts")))).toEqual([]);
  });

  it("contains every entry point package.json names", () => {
    const targets = [pkg.main, pkg.types, ...Object.values(pkg.bin)];
    for (const entry of Object.values(pkg.exports)) {
      if (typeof entry === "string") targets.push(entry);
      else targets.push(...Object.values(entry));
    }
    const missing = targets
      .map((t) => t.replace(/^\.\//, ""))
      .filter((t) => t !== "package.json" && !files.includes(t));
    expect(missing).toEqual([]);
  });

  it("has its command as built JavaScript with a node shebang", () => {
    for (const target of Object.values(pkg.bin)) {
      expect(target).toMatch(/^dist\/bin\/.+\.js$/);
      expect(fs.readFileSync(path.join(ROOT, target), "utf8").split("\n")[0]).toBe("#!/usr/bin/env node");
    }
  });

  it("builds its command executable, so `npx pulumi-databend` works in a checkout after every build", () => {
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts.build).toMatch(
      /chmod 0755 dist\/bin\/pulumi-databend\.js/,
    );
    for (const target of Object.values(pkg.bin)) {
      expect(fs.statSync(path.join(ROOT, target)).mode & 0o111).toBe(0o111);
    }
  });

  it("builds before packing, and defines every script once", () => {
    const raw = fs.readFileSync(path.join(ROOT, "package.json"), "utf8");
    const block = /"scripts": \{([^}]*)\}/.exec(raw)?.[1] ?? "";
    const keys = [...block.matchAll(/^\s*"([^"]+)":/gm)].map((m) => m[1]);
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
    expect(JSON.parse(raw).scripts.prepack).toBe("npm run build");
  });

  it("names its repository, and the tarball is git-ignored", () => {
    expect(pkg.repository).toMatchObject({
      type: "git",
      url: expect.stringMatching(/^git\+https:\/\/.+\.git$/),
    });
    expect(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("*.tgz");
  });
});

describe("the packed tarball, unpacked", () => {
  it("runs its command and loads both entry points (dependencies from this checkout)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-pack-"));
    try {
      const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
        cwd: ROOT,
        maxBuffer: 16 << 20,
      });
      const [result] = JSON.parse(stdout) as { filename: string }[];
      await run("tar", ["xzf", path.join(dir, result?.filename ?? ""), "-C", dir]);
      const pkgDir = path.join(dir, "package");
      const env = { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") };
      const bin = path.join(pkgDir, "dist", "bin", "pulumi-databend.js");
      const version = await run(process.execPath, [bin, "--version"], { env });
      const { version: expected } = JSON.parse(
        fs.readFileSync(path.join(ROOT, "package.json"), "utf8"),
      ) as Pkg;
      expect(version.stdout.trim()).toBe(expected);
      const cli = await run(process.execPath, [bin, "trust-policy", "--help"], { env }).catch(
        (e: { stdout?: string; stderr?: string }) => ({ stdout: e.stdout ?? "", stderr: e.stderr ?? "" }),
      );
      expect(cli.stdout + cli.stderr).toContain("Usage: pulumi-databend trust-policy");
      const probe =
        `const sdk = require(${JSON.stringify(path.join(pkgDir, "dist", "sdk", "index.js"))});` +
        `const provider = require(${JSON.stringify(path.join(pkgDir, "dist", "provider", "index.js"))});` +
        "console.log(typeof sdk.Connection, typeof sdk.Stage, typeof provider.handlersFor);";
      const loaded = await run(process.execPath, ["-e", probe], { env });
      expect(loaded.stdout.trim()).toBe("function function function");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
