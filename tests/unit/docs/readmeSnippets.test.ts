import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ROOT, readRepoFile } from "./sourceScan";

/** Every ```ts block of README.md, in order. */
function snippets(): string[] {
  return [...readRepoFile("README.md").matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] as string);
}

/**
 * A snippet as a module a user would write. Snippets that continue an earlier one may use `databend`
 * and `pulumi` without importing them; those two imports are added when the snippet has none.
 */
function asModule(code: string): string {
  const prelude: string[] = [];
  if (/\bpulumi\./.test(code) && !/import \* as pulumi\b/.test(code))
    prelude.push('import * as pulumi from "@pulumi/pulumi";');
  if (/\bdatabend\./.test(code) && !/import \* as databend\b/.test(code))
    prelude.push('import * as databend from "pulumi-databend";');
  return `${prelude.join("\n")}\n${code}\nexport {};\n`;
}

describe("README.md TypeScript snippets", () => {
  const blocks = snippets();

  it("there are some", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it("type-check against the package's own types (strict)", () => {
    const dir = path.join(ROOT, ".cache", "readme-snippets");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const files = blocks.map((code, i) => {
      const file = path.join(dir, `snippet-${i + 1}.ts`);
      fs.writeFileSync(file, asModule(code));
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ["node"],
      baseUrl: ROOT,
      // The package as a user gets it: its public entry point, from source (no build needed).
      paths: { "pulumi-databend": ["sdk/index.ts"] },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && files.includes(path.resolve(d.file.fileName)))
      .map((d) => {
        const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
        return `README snippet ${path.basename(d.file?.fileName ?? "")} line ${line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(problems).toEqual([]);
  }, 60_000);
});
