import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { MIN_NODE_MAJOR, nodeVersionProblem } from "../../provider/nodeVersion";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..");

/** A Node.js older than the package supports on this machine (the system's), if there is one. */
function olderNode(): string | undefined {
  for (const candidate of ["/usr/bin/node", "/usr/local/bin/node"]) {
    try {
      const v = execFileSync(candidate, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
      if (Number(v.split(".")[0]) < MIN_NODE_MAJOR) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

describe("the supported Node.js versions", () => {
  it("accepts the supported majors and refuses older ones in one line naming both", () => {
    expect(nodeVersionProblem("x", "22.0.0")).toBeUndefined();
    expect(nodeVersionProblem("x", "24.1.0")).toBeUndefined();
    const problem = nodeVersionProblem("pulumi-databend", "20.20.2", "/usr/bin/node");
    expect(problem).toBe(
      "pulumi-databend needs Node.js 22 or later, but found Node.js v20.20.2 (/usr/bin/node): " +
        "put a Node.js >= 22 first on PATH",
    );
    expect(problem).not.toContain("\n");
  });

  it("matches engines.node in package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.engines.node).toBe(`>=${MIN_NODE_MAJOR}`);
  });

  const old = olderNode();
  (old ? it : it.skip)(
    "the plugin and the classes refuse to start on this machine's older Node",
    async () => {
      const node = old as string;
      const plugin = await run(node, [path.join(ROOT, "dist", "plugin", "main.js"), "127.0.0.1:1"]).then(
        () => ({ code: 0, stderr: "" }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(plugin.code).toBe(1);
      expect(plugin.stderr).toMatch(
        /^pulumi-resource-databend needs Node\.js 22 or later, but found Node\.js v\d+/,
      );
      expect(plugin.stderr.trim().split("\n")).toHaveLength(1);
      const sdk = await run(
        node,
        ["-e", `require(${JSON.stringify(path.join(ROOT, "dist", "sdk", "index.js"))})`],
        {
          env: { ...process.env, NODE_PATH: path.join(ROOT, "node_modules") },
        },
      ).then(
        () => ({ stderr: "" }),
        (e: { stderr: string }) => e,
      );
      expect(sdk.stderr).toMatch(
        /Error: pulumi-databend needs Node\.js 22 or later, but found Node\.js v\d+/,
      );
    },
  );
});
