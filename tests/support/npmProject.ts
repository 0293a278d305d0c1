import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { ROOT } from "./stackEnv";

const run = promisify(execFile);

/** The environment npm runs in: the project's own Node first on PATH. */
export const npmEnv = {
  ...process.env,
  PATH: `${path.join(ROOT, ".tools", "bin")}:${process.env.PATH ?? ""}`,
};

/**
 * `npm install <specs...> @pulumi/pulumi@<the checkout's version>` in `dir`, as the README tells a
 * user (npm's cache first), e.g. with the tarball `npm pack` made.
 */
export async function npmInstallWithPulumi(dir: string, specs: string[]): Promise<void> {
  const pulumi = JSON.parse(
    fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
  ) as { version: string };
  await run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--loglevel=error",
      ...specs,
      `@pulumi/pulumi@${pulumi.version}`,
    ],
    { cwd: dir, env: npmEnv, maxBuffer: 256 * 1024 * 1024 },
  );
}
