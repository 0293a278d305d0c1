import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, "..", "..", "..");

/** `npm run docs` (TypeDoc over sdk/ and provider/) with warnings as errors; output to a temp folder. */
async function typedoc(): Promise<{ code: number; output: string; out: string }> {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-typedoc-"));
  const bin = path.join(ROOT, "node_modules", "typedoc", "bin", "typedoc");
  try {
    const r = await run(process.execPath, [bin, "--treatWarningsAsErrors", "--out", out], { cwd: ROOT });
    return { code: 0, output: r.stdout + r.stderr, out };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, output: `${err.stdout ?? ""}${err.stderr ?? ""}`, out };
  }
}

describe("API reference (npm run docs)", () => {
  it("builds from the TSDoc with zero TypeDoc warnings (undocumented exports, broken links)", async () => {
    const r = await typedoc();
    try {
      expect(r.output).not.toMatch(/warning|error/i);
      expect(r.code).toBe(0);
      const index = fs.readFileSync(path.join(r.out, "index.html"), "utf8");
      expect(index).toContain("sdk");
      expect(index).toContain("provider");
      for (const page of [
        "classes/sdk.Connection.html",
        "classes/sdk.Stage.html",
        "classes/sdk.aws.StageAccessRole.html",
      ]) {
        expect(fs.existsSync(path.join(r.out, page))).toBe(true);
      }
    } finally {
      fs.rmSync(r.out, { recursive: true, force: true });
    }
  }, 120_000);

  it("is the npm run docs script, and its output is git-ignored", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.docs).toBe("typedoc");
    expect(fs.readFileSync(path.join(ROOT, ".gitignore"), "utf8")).toContain("docs/api/");
  });
});
