import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { closeDatabend, connectionNames } from "../support/databend";
import { TOOLS_DIR, stackEnv } from "../support/stackEnv";

/**
 * An Automation API inline program in a folder without node_modules (the common case: the default
 * temporary `workDir`) deploys dynamic resources with no `workDir` setting (issue 8, section 3).
 */

const run = Math.random().toString(36).slice(2, 7);

afterAll(closeDatabend);

it("deploys and destroys from an inline program whose workDir has no node_modules", async () => {
  // The package as a user imports it: the built entry, before any `pulumi` command is started.
  const databend = require("pulumi-databend") as typeof import("../../sdk");
  const auto = await import("@pulumi/pulumi/automation");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-inline-"));
  const env = stackEnv();
  try {
    const workDir = path.join(dir, "work");
    fs.mkdirSync(workDir);
    const stack = await auto.LocalWorkspace.createOrSelectStack(
      {
        stackName: "inline",
        projectName: "inline",
        program: async () => {
          const c = new databend.Connection("c", { name: `inline_${run}`, storageType: "fs" });
          return { name: c.name };
        },
      },
      {
        workDir,
        pulumiHome: path.join(dir, "home"),
        pulumiCommand: await auto.PulumiCommand.get({ root: TOOLS_DIR }),
        projectSettings: {
          name: "inline",
          runtime: "nodejs",
          main: workDir,
          backend: { url: `file://${dir}` },
        },
        envVars: {
          PATH: env.PATH as string,
          PULUMI_CONFIG_PASSPHRASE: "inline",
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
          DATABEND_DSN: env.DATABEND_DSN as string,
        },
      },
    );
    expect(fs.existsSync(path.join(workDir, "node_modules"))).toBe(false);
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.outputs.name?.value).toBe(`inline_${run}`);
    expect(await connectionNames()).toContain(`inline_${run}`);
    await stack.destroy();
    expect(await connectionNames()).not.toContain(`inline_${run}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
