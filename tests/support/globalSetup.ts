import * as fs from "fs";
import * as path from "path";
import { ROOT, stackDir } from "./stackEnv";

/**
 * The e2e suite shares one local stack per run (started by `npm test` through scripts/test, or by
 * hand with `npm run stack:start`). Fail fast, with the fix, when it is not there.
 */
export default async function globalSetup(): Promise<void> {
  for (const f of [path.join(stackDir(), "env"), ".tools/bin/pulumi", "dist/provider/index.js"]) {
    if (!fs.existsSync(path.resolve(ROOT, f))) {
      throw new Error(
        `e2e: ${f} is missing; run \`npm test\` (or \`npm run bootstrap && npm run stack:start\`)`,
      );
    }
  }
}
