/**
 * docs/copy-semantics.md shows the exact output of `pulumi preview` after a connection change. This
 * test produces that output with the real CLI on the seed example (examples/s3-access-keys), makes its
 * volatile parts stable (stack name, durations, digests), and compares it with the snippets in the doc.
 * After an intended change of the output, re-capture the snippets with
 *   UPDATE_DOCS=1 npx jest tests/e2e/copySemantics --selectProjects e2e
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { expectOk } from "../support/assertions";
import { closeDatabend } from "../support/databend";
import { promisify } from "util";
import { ROOT, TOOLS_DIR, stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";

const run = promisify(execFile);
const DOC = path.join(ROOT, "docs", "copy-semantics.md");

/** Matches the ```text block between `<!-- preview:NAME -->` and `<!-- /preview:NAME -->`. */
function snippetPattern(name: string): RegExp {
  return new RegExp(
    `(<!-- preview:${name} -->\\s*\`\`\`text\\n)([\\s\\S]*?)(\`\`\`\\s*<!-- /preview:${name} -->)`,
  );
}

function snippet(doc: string, name: string): string {
  const m = snippetPattern(name).exec(doc);
  if (!m) throw new Error(`docs/copy-semantics.md has no snippet preview:${name}`);
  return m[2] as string;
}

function replaceSnippet(doc: string, name: string, text: string): string {
  return doc.replace(
    snippetPattern(name),
    (_all, head: string, _body: string, tail: string) => head + text + tail,
  );
}

/** Makes a preview's output stable: stack name, durations, digests, timestamps, progress lines. */
function normalise(output: string, stack: string): string {
  return (
    output
      .split(stack)
      .join("dev")
      .replace(/\r/g, "")
      .replace(/[ \t]+$/gm, "")
      .replace(/^@ previewing update\.*\s*$/gm, "")
      .replace(/^\s*$\n/gm, "\n")
      .replace(/\n{3,}/g, "\n\n")
      .replace(/\(\d+(\.\d+)?m?s\)/g, "(0s)")
      .replace(/Duration: .*$/gm, "Duration: 1s")
      .replace(/\b(v\d+:)?([0-9a-f]{16}:)?[0-9a-f]{16,}\b/g, "<fingerprint>")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<time>")
      .trim() + "\n"
  );
}

describe("docs/copy-semantics.md: the preview a user sees when a connection changes", () => {
  let stack: TestStack;
  const outputs: Record<string, string> = {};

  beforeAll(async () => {
    const env = stackEnv();
    stack = await new TestStack({ program: "examples/s3-access-keys" }).init();
    await stack.setConfig("accessKeyId", env.AWS_ACCESS_KEY_ID);
    await stack.setConfig("secretAccessKey", env.AWS_SECRET_ACCESS_KEY, true);
    await stack.setConfig("endpointUrl", env.AWS_ENDPOINT_URL);
    await stack.setConfig("region", env.AWS_REGION);
    expectOk(await stack.up());
  });

  afterAll(async () => {
    await stack?.cleanup();
    await closeDatabend();
  });

  /** Runs `pulumi <args>` for the stack with extra environment variables; returns its output. */
  const pulumi = async (args: string[], env: Record<string, string> = {}): Promise<string> => {
    const r = await run(
      path.join(TOOLS_DIR, "bin", "pulumi"),
      [...args, "--stack", stack.name, "--non-interactive"],
      {
        cwd: stack.programDir,
        env: { ...stack.cliEnv(), ...env },
        maxBuffer: 16 << 20,
      },
    );
    return r.stdout + r.stderr;
  };

  const preview = async (env: Record<string, string> = {}): Promise<string> =>
    normalise(await pulumi(["preview", "--color", "never", "--suppress-progress"], env), stack.name);

  it("connection parameters change: the connection updates, the stage stays, with a warning", async () => {
    await stack.setConfig("secretAccessKey", "a-rotated-secret-key", true);
    outputs.keep = await preview();
    expect(outputs.keep).toContain("toronto");
    expect(outputs.keep).toContain("my_s3_stage");
    expect(outputs.keep).not.toContain("a-rotated-secret-key");
  });

  it("DATABEND_RECAPTURE=my_s3_stage: the preview shows the stage updated, and up re-captures", async () => {
    const env = { DATABEND_RECAPTURE: "my_s3_stage" };
    outputs.recapture = await preview(env);
    expect(outputs.recapture).toMatch(/Stage my_s3_stage update/);
    await pulumi(["up", "--yes", "--skip-preview"], env);
    expectOk(await stack.preview({ expectNoChanges: true }));
    expect((await stack.stackOutputs()).connectionDrift).toBe(false);
  });

  it("the docs show exactly those outputs (volatile parts normalised)", () => {
    let doc = fs.readFileSync(DOC, "utf8");
    if (process.env.UPDATE_DOCS === "1") {
      for (const name of Object.keys(outputs)) doc = replaceSnippet(doc, name, outputs[name] as string);
      fs.writeFileSync(DOC, doc);
    }
    for (const name of ["keep", "recapture"]) expect(snippet(doc, name)).toBe(outputs[name]);
  });
});
