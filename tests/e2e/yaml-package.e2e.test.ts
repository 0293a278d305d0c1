import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import { expectOk } from "../support/assertions";
import { closeDatabend, query } from "../support/databend";
import { primaryOp } from "../support/engineEvents";
import { ROOT, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";
import { npmEnv, npmInstallWithPulumi } from "../support/npmProject";

// `npm run package:plugin` builds the tarball `pulumi plugin install --file` takes; installed into a
// temporary PULUMI_HOME, it serves a YAML program that does not point at any plugin path.
const run = promisify(execFile);
const version = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string })
  .version;
const connName = `pkg_conn_${Math.random().toString(36).slice(2, 7)}`;

afterAll(closeDatabend);

describe("the plugin tarball", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-pkg-"));
  const program = new YamlProgram("yaml-installed-plugin", "installed");
  let stack: TestStack;
  let tarball = "";

  beforeAll(async () => {
    const r = await run("bash", [path.join(ROOT, "scripts", "package-plugin"), out], {
      cwd: ROOT,
      env: { ...process.env, PATH: `${path.join(ROOT, ".tools", "bin")}:${process.env.PATH ?? ""}` },
    });
    tarball = r.stdout.trim().split("\n").pop() as string;
    program.write([
      {
        name: "conn",
        type: "databend:Connection",
        properties: {
          name: connName,
          storageType: "s3",
          accessKeyId: "AKIAPKG",
          secretAccessKey: "pkg-secret-1",
        },
      },
    ]);
    stack = await new TestStack({ program: program.dir }).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    program.remove();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("is a .tar.gz named as a release asset (Pulumi's os-arch), with the plugin script at its top", async () => {
    // The name `pulumi plugin install` and a github:// pluginDownloadURL look for.
    expect(path.basename(tarball)).toBe(`pulumi-resource-databend-v${version}-linux-amd64.tar.gz`);
    const { stdout } = await run("tar", ["-tzf", tarball], { maxBuffer: 256 * 1024 * 1024 });
    const entries = stdout.split("\n");
    expect(entries).toEqual(
      expect.arrayContaining([
        "./pulumi-resource-databend",
        "./dist/plugin/main.js",
        "./THIRD-PARTY-NOTICES.md",
        "./node_modules/databend-driver/index.js",
        "./node_modules/@databend-driver/lib-linux-x64-gnu/databend-driver.linux-x64-gnu.node",
      ]),
    );
    // One bundle: the protocol's messages, gRPC and the AWS SDK are inside it, not beside it; only the
    // driver (an N-API module) stays a package, with this platform's binary only.
    const packages = entries.filter((e) => /^\.\/node_modules\/(@[^/]+\/)?[^@/][^/]*\/$/.test(e));
    expect(packages.sort()).toEqual([
      "./node_modules/@databend-driver/lib-linux-x64-gnu/",
      "./node_modules/databend-driver/",
    ]);
    expect(entries.filter((e) => e.startsWith("./dist/") && e.endsWith(".js"))).toEqual([
      "./dist/plugin/main.js",
    ]);
  });

  it("installs in under 30 MB", async () => {
    const { stdout } = await run("tar", ["-tzvf", tarball], { maxBuffer: 256 * 1024 * 1024 });
    const bytes = stdout
      .split("\n")
      .map((l) => Number(l.trim().split(/\s+/)[2] ?? 0))
      .reduce((a, b) => a + b, 0);
    expect(bytes).toBeLessThan(30 * 1024 * 1024);
    expect(fs.statSync(tarball).size).toBeLessThan(12 * 1024 * 1024);
  });

  it("`pulumi package get-schema` prints the generated schema from the package's plugin script", async () => {
    const { stdout } = await stack.command([
      "package",
      "get-schema",
      path.join(ROOT, "plugin", "pulumi-resource-databend"),
    ]);
    const schema = JSON.parse(stdout) as {
      name: string;
      version: string;
      resources: Record<string, unknown>;
    };
    expect(schema).toMatchObject({ name: "databend", version });
    expect(Object.keys(schema.resources)).toEqual(
      expect.arrayContaining([
        "databend:index:Connection",
        "databend:index:Stage",
        "databend:aws:StageAccessRole",
      ]),
    );
  });

  it("installs with `pulumi plugin install --file` into a temporary PULUMI_HOME and serves a YAML program", async () => {
    await stack.command(["plugin", "install", "resource", "databend", version, "--file", tarball]);
    expect(fs.existsSync(path.join(stack.pulumiHome, "plugins", `resource-databend-v${version}`))).toBe(true);
    const { stdout } = await stack.command(["plugin", "ls"]);
    expect(stdout).toMatch(new RegExp(`databend\\s+resource\\s+${version.replace(/\./g, "\\.")}`));
    const r = await stack.up();
    expectOk(r);
    expect(primaryOp(r.ops, "conn")).toBe("create");
    expect((await query("SHOW CONNECTIONS")).map((c) => c.name)).toContain(connName);
    expect(r.output).not.toMatch(/from \$PATH/);
  });

  it("reports its version: `pulumi about` and the provider in state show it once the project declares it", async () => {
    // A package declaration (the file `pulumi package add` writes; Pulumi YAML reads every such file
    // in the project): it names the version, which is what `pulumi about` lists and what the engine
    // records on the default provider, and where a release is downloaded from.
    fs.writeFileSync(
      path.join(program.dir, "databend.yaml"),
      `packageDeclarationVersion: 1\nname: databend\nversion: ${version}\n` +
        "downloadUrl: github://api.github.com/pulumi-databend/pulumi-databend\n",
    );
    const { stdout } = await stack.cli(["about"]);
    expect(stdout).toMatch(new RegExp(`resource\\s+databend\\s+${version.replace(/\./g, "\\.")}`));
    expectOk(await stack.up());
    const state = JSON.parse(await stack.exportState()) as {
      deployment: { resources: { type: string; inputs?: Record<string, unknown> }[] };
    };
    const providers = state.deployment.resources.filter((r) => r.type === "pulumi:providers:databend");
    expect(providers.map((p) => p.inputs?.version)).toEqual([version]);
  });
});

describe("examples/yaml-quickstart as a user runs it: npm install, then pulumi up", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-user-"));
  let stack: TestStack;

  beforeAll(async () => {
    // The package as npm publishes it (npm pack), installed with its peer into an empty folder.
    const packed = await run("npm", ["pack", ROOT, "--silent", "--pack-destination", dir], {
      cwd: dir,
      env: npmEnv,
    });
    const tgz = path.join(dir, packed.stdout.trim().split("\n").pop() as string);
    await npmInstallWithPulumi(dir, [tgz]);
    fs.copyFileSync(
      path.join(ROOT, "examples", "yaml-quickstart", "Pulumi.yaml"),
      path.join(dir, "Pulumi.yaml"),
    );
    stack = await new TestStack({ program: dir }).init();
  });
  afterAll(async () => {
    await stack?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("deploys the seed's connection and stage through ./node_modules/pulumi-databend/plugin", async () => {
    const env = stackEnv();
    await stack.setConfig("accessKeyId", env.AWS_ACCESS_KEY_ID);
    await stack.setConfig("secretAccessKey", env.AWS_SECRET_ACCESS_KEY as string, true);
    await stack.setConfig("endpointUrl", env.AWS_ENDPOINT_URL);
    const r = await stack.up();
    expectOk(r);
    expect([primaryOp(r.ops, "toronto"), primaryOp(r.ops, "my_s3_stage")]).toEqual(["create", "create"]);
    expect(await query("DESC STAGE my_s3_stage")).toHaveLength(1);
    expect(r.output).not.toContain(env.AWS_SECRET_ACCESS_KEY as string);
  });
});
