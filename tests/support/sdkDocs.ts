import * as path from "path";
import * as ts from "typescript";
import { ROOT } from "./stackEnv";

/** TSDoc of one declaration and of its members. */
export interface DeclarationDocs {
  /** The declaration's own comment. */
  description: string;
  /** Member comments by member name. */
  properties: Record<string, string>;
}

/** TSDoc by declaration name. */
export type SdkDocs = Record<string, DeclarationDocs>;

/** The source files whose TSDoc the plugin schema reuses. */
export const SDK_DOC_SOURCES = [
  "sdk/connection.ts",
  "sdk/stage.ts",
  "sdk/copyAudit.ts",
  "provider/audit/copyAudit.ts",
  "sdk/fileFormat.ts",
  "sdk/grant.ts",
  "sdk/aws/stageAccessRole.ts",
  "provider/aws/trustPolicy.ts",
  "provider/aws/bucketAccessPolicy.ts",
  "provider/settings.ts",
];

/** A declaration's TSDoc text up to its first block tag (`@example`, `@throws`), on one line. */
function commentOf(node: ts.Node): string {
  const docs = (node as unknown as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [];
  const last = docs[docs.length - 1];
  if (!last) return "";
  const lines = last
    .getText()
    .replace(/^\/\*\*/, "")
    .replace(/\*\/$/, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, "").trim());
  const end = lines.findIndex((l) => /^@[a-z]+/.test(l));
  return (end < 0 ? lines : lines.slice(0, end))
    .join(" ")
    .replace(/\{@link ([^}]+)\}/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
}

/** Reads the TSDoc of interfaces, classes and functions in {@link SDK_DOC_SOURCES}. */
export function readSdkDocs(): SdkDocs {
  const out: SdkDocs = {};
  for (const rel of SDK_DOC_SOURCES) {
    const file = path.join(ROOT, rel);
    const source = ts.sys.readFile(file) ?? "";
    const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true);
    for (const st of sf.statements) {
      if (ts.isInterfaceDeclaration(st) || ts.isClassDeclaration(st)) {
        const name = st.name?.text;
        if (!name) continue;
        const properties: Record<string, string> = {};
        for (const m of st.members) {
          if (
            (ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) &&
            m.name &&
            ts.isIdentifier(m.name)
          ) {
            const text = commentOf(m);
            if (text) properties[m.name.text] = text;
          }
        }
        out[name] = { description: commentOf(st), properties };
      } else if (ts.isFunctionDeclaration(st) && st.name) {
        out[st.name.text] = { description: commentOf(st), properties: {} };
      }
    }
  }
  return out;
}
