import * as fs from "fs";
import * as path from "path";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "..", "..");

/** Directory of the project's toolchain (`.tools/bin/pulumi`, `node`, ...). */
export const TOOLS_DIR = path.join(ROOT, ".tools");

/**
 * The local stack's folder: `$PULUMI_DATABEND_STACK_DIR` when set (scripts/test runs stacks of
 * several engine versions side by side), else `.stack`.
 */
export function stackDir(): string {
  return process.env.PULUMI_DATABEND_STACK_DIR ?? path.join(ROOT, ".stack");
}

/**
 * The local stack's environment, parsed from `<stack dir>/env` (written by `npm run stack:start`):
 * DATABEND_DSN, DATABEND_BRIDGE_URL, DATABEND_ENGINE_VERSION, AWS_* and PATH with the toolchain first.
 */
export function stackEnv(): Record<string, string> {
  const file = path.join(stackDir(), "env");
  if (!fs.existsSync(file)) {
    throw new Error("the local stack is not running: run `npm run stack:start` (or `npm test`)");
  }
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    const key = m[1] as string;
    let value = (m[2] as string).replace(/^'([^']*)'/, "$1");
    value = value.replace(/"\$PATH"$/, process.env.PATH ?? "");
    env[key] = value;
  }
  return env;
}

/** Client settings for the local AWS endpoint (moto), with the local stack's administrator key. */
export function localAwsConfig(): {
  region: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
} {
  const env = stackEnv();
  return {
    region: env.AWS_REGION ?? "us-east-1",
    endpoint: env.AWS_ENDPOINT_URL as string,
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID as string,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
    },
  };
}
