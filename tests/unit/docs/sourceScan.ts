import * as fs from "fs";
import * as path from "path";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "..", "..", "..");

/** Reads a file of the repository. */
export function readRepoFile(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), "utf8");
}

/** The `.ts` files of a folder of the repository, relative paths, sorted. */
export function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => `${dir}/${f}`);
}

/** Names of the functions a module exports (`export function name`). */
export function exportedFunctions(rel: string): string[] {
  return [...readRepoFile(rel).matchAll(/^export function (\w+)/gm)].map((m) => m[1] as string);
}

/** The handler methods (check, diff, create, read, update, delete) of a resource module. */
const HANDLER = /^ {4}async (check|diff|create|read|update|delete)\(/;
/** A named function inside the module (top level or inside the handlers factory). */
const FUNCTION = /^(?: {2})?(?:export )?(?:async )?function (\w+)\(/;
/** A top-level constant (e.g. a table whose values call a renderer). */
const CONSTANT = /^(?:export )?const (\w+)\b/;

/** For each line, the innermost handler method or named function it belongs to. */
function enclosing(lines: string[]): (string | undefined)[] {
  let current: string | undefined;
  return lines.map((line) => {
    const h = HANDLER.exec(line);
    const f = FUNCTION.exec(line);
    const c = CONSTANT.exec(line);
    if (h) current = `handler:${h[1]}`;
    else if (f) current = `function:${f[1]}`;
    else if (c) current = `const:${c[1]}`;
    return current;
  });
}

/**
 * The handler methods of a resource module from which `callee(` is reached, following calls through
 * the module's own named functions (e.g. `create` → `adoptExisting` → `renderCreateStage`) and uses of
 * its top-level constants (e.g. `read` → `LISTING` → `renderShowStages`).
 */
export function handlersReaching(rel: string, callee: string): string[] {
  const lines = readRepoFile(rel).split("\n");
  const owners = enclosing(lines);
  const found = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string, asConstant: boolean): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const use = new RegExp(asConstant ? `\\b${name}\\b` : `\\b${name}\\(`);
    lines.forEach((line, i) => {
      const owner = owners[i];
      if (!owner || !use.test(line) || FUNCTION.test(line) || CONSTANT.exec(line)?.[1] === name) return;
      const [kind, id] = owner.split(":") as [string, string];
      if (kind === "handler") found.add(id);
      else visit(id, kind === "const");
    });
  };
  visit(callee, false);
  return [...found].sort();
}
