import { SERVER_CODES } from "../../../provider/errors/errorCodes";
import { readRepoFile, tsFiles } from "./sourceScan";

const DOC = readRepoFile("docs/troubleshooting.md");

/** The keys of the `HINTS` table of a resource module, read from its source. */
function hintKeys(file: string): string[] {
  const m = /const HINTS[^=]*= \{([\s\S]*?)\n\};/.exec(readRepoFile(file));
  if (!m) return [];
  return [...(m[1] as string).matchAll(/^ {2}(\w+):/gm)].map((k) => k[1] as string);
}

/** Databend codes a resource module handles itself (`e.serverCode === 2512` and the like). */
function handledCodes(file: string): string[] {
  return [...readRepoFile(file).matchAll(/serverCode [!=]== (\d{3,5})/g)].map((m) => m[1] as string);
}

/** Resource name of a module of provider/resources (`stageAccessRole.ts` → `StageAccessRole`). */
function resourceOf(file: string): string {
  const base = file.replace(/^.*\//, "").replace(/\.ts$/, "");
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** The Databend codes table: code → its cells. */
function codeRows(): Map<number, string[]> {
  const rows = new Map<number, string[]>();
  for (const line of DOC.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (/^\d{3,5}$/.test(cells[1] ?? "")) rows.set(Number(cells[1]), cells.slice(2, 6));
  }
  return rows;
}

const RESOURCE_FILES = tsFiles("provider/resources").filter(
  (f) => hintKeys(f).length + handledCodes(f).length > 0,
);

describe("docs/troubleshooting.md", () => {
  it("has a row and a section for every Databend code the provider knows, with its category", () => {
    const rows = codeRows();
    for (const [code, info] of Object.entries(SERVER_CODES)) {
      const row = rows.get(Number(code));
      if (!row)
        throw new Error(`docs/troubleshooting.md has no row for Databend error ${code} (${info.label})`);
      expect([row[0], row[1], row[2]]).toEqual([info.label, info.code, info.retryable ? "yes" : "no"]);
      expect(DOC).toMatch(new RegExp(`^### .*\\b${code} ${info.label}\\b`, "m"));
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(SERVER_CODES).map(Number).sort());
  });

  it("documents every code a resource adds a hint for or handles, and names exactly those resources", () => {
    expect(RESOURCE_FILES.length).toBeGreaterThanOrEqual(3);
    const rows = codeRows();
    const expected = new Map<number, string[]>();
    for (const file of RESOURCE_FILES) {
      const codes = new Set([...hintKeys(file).filter((k) => /^\d+$/.test(k)), ...handledCodes(file)]);
      for (const key of codes) {
        expected.set(Number(key), [...(expected.get(Number(key)) ?? []), resourceOf(file)]);
      }
    }
    expect(expected.size).toBeGreaterThan(0);
    for (const [code, row] of rows) {
      const documented = (row[3] ?? "")
        .split(",")
        .map((r) => r.trim())
        .filter(Boolean)
        .sort();
      expect({ code, resources: documented }).toEqual({ code, resources: (expected.get(code) ?? []).sort() });
    }
    for (const code of expected.keys()) expect(rows.has(code)).toBe(true);
  });

  it("documents every AWS error a resource adds a hint for", () => {
    const aws = RESOURCE_FILES.flatMap((f) => hintKeys(f)).filter((k) => !/^\d+$/.test(k));
    expect(aws.length).toBeGreaterThan(0);
    for (const name of aws) expect(DOC).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, "m"));
  });

  it("covers recovery from a killed CLI: lock, pending creates, a truncated checkpoint", () => {
    for (const text of [
      "pulumi cancel --yes",
      "pulumi refresh --import-pending-creates",
      "pulumi refresh --clear-pending-creates",
      "failed to load checkpoint: EOF",
      ".pulumi/backups/",
      ".pulumi/history/",
    ]) {
      expect(DOC).toContain(text);
    }
  });
});
