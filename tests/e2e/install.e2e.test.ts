import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { parse, stringify } from "yaml";
import { expectOk } from "../support/assertions";
import { closeDatabend, query } from "../support/databend";
import { primaryOp } from "../support/engineEvents";
import { npmEnv, npmInstallWithPulumi } from "../support/npmProject";
import { seedBucket } from "../support/s3";
import { ROOT, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

// The README's install steps as someone without the repository follows them: the package packed
// (`npm pack`, whose prepack builds dist/) and the plugin archived (`npm run package:plugin`) from a
// clean clone of the committed HEAD (no node_modules, dist/ or .tools/ from a bootstrap), each
// installed into an empty project outside the repository that deploys the seed example.
const run = promisify(execFile);
const big = { env: npmEnv, maxBuffer: 256 * 1024 * 1024 };
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  version: string;
  devDependencies: Record<string, string>;
};
const version = pkg.version;
const tag = Math.random().toString(36).slice(2, 7);
const bucket = `install-${tag}`;

/** The `tsconfig.json` the README recommends for a program (TypeScript 5.9, 6.0 and 7.0). */
const RECOMMENDED_TSCONFIG = {
  compilerOptions: {
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    strict: true,
    skipLibCheck: true,
    outDir: "bin",
    sourceMap: true,
  },
  files: ["index.ts"],
};

/** The seed example's text with this run's object names and bucket. */
function seed(text: string, conn: string, stage: string): string {
  return text
    .replace(/databend-toronto/g, bucket)
    .replace(/\btoronto\b/g, conn)
    .replace(/\bmy_s3_stage\b/g, stage);
}

/** Sets the seed's S3 settings (the local S3 endpoint) on a stack. */
async function seedConfig(stack: TestStack): Promise<void> {
  const e = stackEnv();
  await stack.setConfig("accessKeyId", e.AWS_ACCESS_KEY_ID);
  await stack.setConfig("secretAccessKey", e.AWS_SECRET_ACCESS_KEY as string, true);
  await stack.setConfig("endpointUrl", e.AWS_ENDPOINT_URL);
  await stack.setConfig("region", e.AWS_REGION ?? "us-east-1");
}

async function stageNames(): Promise<string[]> {
  return (await query("SHOW STAGES")).map((s) => String(s.name));
}

async function connectionNames(): Promise<string[]> {
  return (await query("SHOW CONNECTIONS")).map((c) => String(c.name));
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-install-"));
const clone = path.join(work, "clone");
/** How the clone got its devDependencies: `npm install --offline`, or a copy of the checkout's. */
let devDependencies: "npm install --offline" | "copied node_modules" = "npm install --offline";
let distBeforePack = true;
/** The package as `npm pack` made it in the clone. */
let tarball = "";

beforeAll(async () => {
  await seedBucket(bucket, { "data/one.csv": "1\n" });
  await run("git", ["clone", "--quiet", "--no-hardlinks", ROOT, clone], big);
  distBeforePack = fs.existsSync(path.join(clone, "dist")) || fs.existsSync(path.join(clone, ".tools"));
  try {
    await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error"], {
      ...big,
      cwd: clone,
    });
  } catch {
    // npm's cache lacks a document the offline install wants: the checkout's node_modules (installed
    // from the same lock file by the bootstrap) stands in.
    devDependencies = "copied node_modules";
    fs.rmSync(path.join(clone, "node_modules"), { recursive: true, force: true });
    await run("cp", ["-R", path.join(ROOT, "node_modules"), path.join(clone, "node_modules")], big);
  }
  const packed = await run("npm", ["pack", "--silent", "--pack-destination", work], { ...big, cwd: clone });
  tarball = path.join(work, packed.stdout.trim().split("\n").pop() as string);
}, 600_000);

afterAll(async () => {
  await closeDatabend();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("the npm package, packed from a clean clone and installed into an empty TypeScript project", () => {
  const project = path.join(work, "ts-project");
  const conn = `inst_conn_${tag}`;
  const stage = `inst_stage_${tag}`;
  let stack: TestStack;

  beforeAll(async () => {
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "package.json"),
      JSON.stringify({ name: "databend-install-check", private: true, main: "bin/index.js" }, null, 2),
    );
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(RECOMMENDED_TSCONFIG, null, 2));
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      stringify({
        name: "databend-install-check",
        runtime: { name: "nodejs", options: { typescript: false } },
      }),
    );
    const seedTs = fs.readFileSync(path.join(ROOT, "examples", "s3-access-keys", "index.ts"), "utf8");
    fs.writeFileSync(path.join(project, "index.ts"), seed(seedTs, conn, stage));
    // The README's command, plus the compiler and Node's types for the recommended tsconfig.
    await npmInstallWithPulumi(project, [
      tarball,
      `typescript@${pkg.devDependencies.typescript}`,
      `@types/node@${pkg.devDependencies["@types/node"]}`,
    ]);
    await run(path.join(project, "node_modules", ".bin", "tsc"), ["-p", project], { ...big, cwd: project });
    stack = await new TestStack({ program: project }).init();
    await seedConfig(stack);
  }, 600_000);

  afterAll(async () => {
    await stack?.cleanup();
  }, 240_000);

  it("is built by prepack although the clone had no dist/, with types, the command, LICENSE and CHANGELOG", async () => {
    expect(distBeforePack).toBe(false);
    console.log(`clone's devDependencies: ${devDependencies}`);
    const { stdout } = await run("tar", ["-tzf", tarball], big);
    const entries = stdout.split("\n");
    expect(entries).toEqual(
      expect.arrayContaining([
        "package/package.json",
        "package/README.md",
        "package/LICENSE",
        "package/CHANGELOG.md",
        "package/dist/sdk/index.js",
        "package/dist/sdk/index.d.ts",
        "package/dist/provider/index.js",
        "package/dist/bin/pulumi-databend.js",
        "package/dist/plugin/main.js",
        "package/plugin/pulumi-resource-databend",
      ]),
    );
    expect(entries.filter((e) => /^package\/(tests|scripts|\.tools|node_modules)\//.test(e))).toEqual([]);
    expect(path.basename(tarball)).toBe(`pulumi-databend-${version}.tgz`);
  });

  it("installs the `pulumi-databend` command, which prints the version", async () => {
    const { stdout } = await run(
      path.join(project, "node_modules", ".bin", "pulumi-databend"),
      ["--version"],
      {
        ...big,
        cwd: project,
      },
    );
    expect(stdout.trim()).toContain(version);
  });

  it("compiles the seed example with the recommended tsconfig.json", () => {
    expect(fs.existsSync(path.join(project, "bin", "index.js"))).toBe(true);
  });

  it("deploys the seed's connection and stage with `pulumi up`, and `pulumi destroy` removes them", async () => {
    const r = await stack.up();
    expectOk(r);
    expect([primaryOp(r.ops, conn), primaryOp(r.ops, stage)]).toEqual(["create", "create"]);
    expect(await connectionNames()).toContain(conn);
    expect(await stageNames()).toContain(stage);
    expect(r.output).not.toContain(stackEnv().AWS_SECRET_ACCESS_KEY as string);
    // The state records the version of the package that deployed each resource.
    const state = JSON.parse(await stack.exportState()) as {
      deployment: { resources: { type: string; inputs?: Record<string, unknown> }[] };
    };
    const mine = state.deployment.resources.filter((res) => res.type.includes(":dynamic/databend:"));
    expect(mine.map((res) => res.inputs?.__packageVersion)).toEqual([version, version]);
    expectOk(await stack.destroy());
    expect(await connectionNames()).not.toContain(conn);
    expect(await stageNames()).not.toContain(stage);
  });
});

describe("the plugin archive, built from the clean clone and installed for an empty Pulumi YAML project", () => {
  const project = path.join(work, "yaml-project");
  const conn = `inst_yconn_${tag}`;
  const stage = `inst_ystage_${tag}`;
  let archive = "";
  let stack: TestStack;

  beforeAll(async () => {
    const r = await run("bash", [path.join(clone, "scripts", "package-plugin"), path.join(work, "plugin")], {
      ...big,
      cwd: clone,
    });
    archive = r.stdout.trim().split("\n").pop() as string;
    fs.mkdirSync(project);
    const doc = parse(
      seed(
        fs.readFileSync(path.join(ROOT, "examples", "yaml-quickstart", "Pulumi.yaml"), "utf8"),
        conn,
        stage,
      ),
    ) as Record<string, unknown>;
    delete doc.plugins; // the installed plugin serves it
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), stringify(doc));
    stack = new TestStack({ program: project });
    await stack.command(["plugin", "install", "resource", "databend", version, "--file", archive]);
    await stack.init();
    await seedConfig(stack);
  }, 600_000);

  afterAll(async () => {
    await stack?.cleanup();
  }, 240_000);

  it("is the release asset for this platform", () => {
    expect(path.basename(archive)).toBe(`pulumi-resource-databend-v${version}-linux-amd64.tar.gz`);
  });

  it("deploys the seed's connection and stage with `pulumi up`, and `pulumi destroy` removes them", async () => {
    const r = await stack.up();
    expectOk(r);
    expect([primaryOp(r.ops, conn), primaryOp(r.ops, stage)]).toEqual(["create", "create"]);
    expect(await stageNames()).toContain(stage);
    expectOk(await stack.destroy());
    expect(await connectionNames()).not.toContain(conn);
    expect(await stageNames()).not.toContain(stage);
  });
});

describe("examples/ci copied out of the repository, with the packed tarball committed beside it", () => {
  const infra = path.join(work, "repo", "infra");
  const vendored = path.join("vendor", `pulumi-databend-${version}.tgz`);

  beforeAll(() => {
    fs.cpSync(path.join(ROOT, "examples", "ci"), infra, { recursive: true });
    fs.mkdirSync(path.join(infra, "vendor"));
    fs.copyFileSync(tarball, path.join(infra, vendored));
  });

  it("asks for the published package, ^version, in package.json as it is in the repository", () => {
    const ci = JSON.parse(fs.readFileSync(path.join(infra, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(ci.dependencies["pulumi-databend"]).toBe(`^${version}`);
  });

  it("installs the vendored tarball as its README says, and again from the lock file in a fresh copy", async () => {
    await npmInstallWithPulumi(infra, [`./${vendored}`]);
    const ci = JSON.parse(fs.readFileSync(path.join(infra, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(ci.dependencies["pulumi-databend"]).toBe(`file:${vendored}`);
    // Another checkout of the same commit: the project with its lock file and the tarball, nothing
    // else. `npm install` rather than the workflow's `npm ci`: the registry this suite uses does not
    // serve databend-driver's packages for other platforms, so the lock file written here lacks them
    // and `npm ci` refuses it (as in scripts/bootstrap); a lock file written against the public
    // registry lists them.
    const checkout = path.join(work, "checkout", "infra");
    fs.cpSync(infra, checkout, { recursive: true, filter: (f) => !f.includes(`${path.sep}node_modules`) });
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
      ...big,
      cwd: checkout,
    });
    const installed = JSON.parse(
      fs.readFileSync(path.join(checkout, "node_modules", "pulumi-databend", "package.json"), "utf8"),
    ) as { version: string };
    expect(installed.version).toBe(version);
    const { stdout } = await run(
      "node",
      ["-p", 'typeof require("pulumi-databend").Connection + " " + typeof require("pulumi-databend").Stage'],
      { ...big, cwd: checkout },
    );
    expect(stdout.trim()).toBe("function function");
  });
});
