import * as connectionSql from "../../../provider/sql/connection";
import * as stageSql from "../../../provider/sql/stage";
import * as fileFormatSql from "../../../provider/sql/fileFormat";
import * as grantSql from "../../../provider/sql/grant";
import { exportedFunctions, handlersReaching, readRepoFile, tsFiles } from "./sourceScan";

/** One row of docs/statements.md. */
interface Row {
  statement: string;
  resource: string;
  operations: string[];
  renderer: string;
}

function rows(): Row[] {
  const out: Row[] = [];
  for (const line of readRepoFile("docs/statements.md").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length < 7 || !cells[1]?.startsWith("`")) continue;
    out.push({
      statement: (cells[1] as string).replace(/^`|`$/g, ""),
      resource: cells[2] as string,
      operations: (cells[3] as string).split(",").map((o) => o.trim()),
      renderer: (cells[5] as string).replace(/^`|`$/g, ""),
    });
  }
  return out;
}

/** A row's statement as a pattern: `<x>` is one token or quoted value, `...` is anything. */
function pattern(template: string): RegExp {
  const parts = template.split(/(<[^>]+>|\.\.\.)/);
  const re = parts
    .map((p) =>
      p === "..." ? ".*" : /^<[^>]+>$/.test(p) ? "[^ ']+" : p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${re.replace(/ \.\*/g, "(?: .*)?")}$`);
}

/** Statements each renderer produces for representative inputs ("n" is the object's name). */
const SAMPLES: Record<string, string[]> = {
  renderCreateConnection: [
    connectionSql.renderCreateConnection("n", "s3", { accessKeyId: "a", secretAccessKey: "b" }),
    connectionSql.renderCreateConnection("n", "gcs", { credential: "c" }, { orReplace: true }),
  ],
  renderDescConnection: [connectionSql.renderDescConnection("n")],
  renderDropConnection: [connectionSql.renderDropConnection("n")],
  renderCreateStage: [
    stageSql.renderCreateStage("n", {
      url: "s3://b/p/",
      source: { kind: "connection", connectionName: "c" },
    }),
    stageSql.renderCreateStage("n", {
      url: "s3://b/",
      source: { kind: "credentials", storageType: "s3", params: { accessKeyId: "a", secretAccessKey: "b" } },
      fileFormat: { type: "CSV", skipHeader: 1 },
    }),
    stageSql.renderCreateStage("n", { source: { kind: "none" }, fileFormat: { type: "NDJSON" } }),
    stageSql.renderCreateStage(
      "n",
      { url: "s3://b/", source: { kind: "connection", connectionName: "c" } },
      { orReplace: true },
    ),
  ],
  renderAlterStageUrl: [
    stageSql.renderAlterStageUrl("n", "s3://b/", { kind: "connection", connectionName: "c" }),
  ],
  renderAlterStageFileFormat: [
    stageSql.renderAlterStageFileFormat("n", { type: "PARQUET" }),
    stageSql.renderAlterStageFileFormat("n", undefined),
  ],
  renderAlterStageComment: [
    stageSql.renderAlterStageComment("n", "hello"),
    stageSql.renderAlterStageComment("n", undefined),
  ],
  renderDescStage: [stageSql.renderDescStage("n")],
  renderListStage: [stageSql.renderListStage("n")],
  renderVerifyStage: [stageSql.renderVerifyStage("n")],
  renderShowConnections: [connectionSql.renderShowConnections()],
  renderShowStages: [stageSql.renderShowStages()],
  renderSelectStages: [stageSql.renderSelectStages()],
  renderDropStage: [stageSql.renderDropStage("n")],
  renderCreateFileFormat: [
    fileFormatSql.renderCreateFileFormat("n", { type: "CSV", fieldDelimiter: "|" }),
    fileFormatSql.renderCreateFileFormat("n", { type: "PARQUET" }, { orReplace: true }),
  ],
  renderShowFileFormats: [fileFormatSql.renderShowFileFormats()],
  renderDropFileFormat: [fileFormatSql.renderDropFileFormat("n")],
  renderGrant: [
    grantSql.renderGrant("stage", "n", ["READ", "WRITE"], "r"),
    grantSql.renderGrant("connection", "n", ["ACCESS CONNECTION"], "r"),
  ],
  renderRevoke: [
    grantSql.renderRevoke("stage", "n", ["WRITE"], "r"),
    grantSql.renderRevoke("connection", "n", ["ACCESS CONNECTION"], "r"),
  ],
  renderShowGrantsForRole: [grantSql.renderShowGrantsForRole("r")],
};

/** Helpers of provider/sql that render a clause, not a statement. */
const CLAUSES = [
  "renderFileFormat",
  "renderFileFormatOptions",
  "renderStageConnection",
  "renderFormatOptions",
];

const RESOURCE_FILES: Record<string, string> = {
  "provider/resources/connection.ts": "Connection",
  "provider/resources/stage.ts": "Stage",
  "provider/resources/stageAccessRole.ts": "StageAccessRole",
  "provider/resources/fileFormat.ts": "FileFormat",
  "provider/resources/grant.ts": "Grant",
};

/** The account-wide copy audit (`pulumi-databend audit`, `getCopyAudit`): the renderers it calls. */
const AUDIT_FILE = "provider/audit/readCopyAudit.ts";
function auditReaches(renderer: string): string[] {
  return readRepoFile(AUDIT_FILE).includes(`${renderer}(`) ? ["Account.audit"] : [];
}

/** SQL text sent as a literal outside provider/sql (the server version query), with the method sending it. */
function rawStatements(): { sql: string; method: string; file: string }[] {
  const out: { sql: string; method: string; file: string }[] = [];
  for (const dir of [
    "provider/client",
    "provider/resources",
    "provider/aws",
    "provider/storage",
    "provider",
  ]) {
    for (const file of tsFiles(dir)) {
      const text = readRepoFile(file);
      for (const m of text.matchAll(/\.(?:query|exec|queryAll|queryRow)\(\s*["'`]([A-Z][^"'`]*)["'`]/g)) {
        const before = text.slice(0, m.index);
        const method = [...before.matchAll(/^ {2}(?:async )?(\w+)\([^)]*\)[^{]*\{$/gm)].pop()?.[1] ?? "?";
        out.push({ sql: m[1] as string, method, file });
      }
    }
  }
  return out;
}

describe("docs/statements.md", () => {
  const table = rows();

  it("lists every statement renderer of provider/sql, and only those (plus raw queries)", () => {
    const renderers = ["provider/sql/connection.ts", "provider/sql/stage.ts", ...tsFiles("provider/sql")]
      .filter((f, i, all) => all.indexOf(f) === i)
      .flatMap((f) => exportedFunctions(f))
      .filter((f) => f.startsWith("render") && !CLAUSES.includes(f));
    const raw = rawStatements().map((r) => r.method);
    expect([...new Set(table.map((r) => r.renderer))].sort()).toEqual(
      [...new Set([...renderers, ...raw])].sort(),
    );
    for (const r of renderers) {
      if (!SAMPLES[r]) throw new Error(`new renderer ${r}: add samples here and rows to docs/statements.md`);
    }
  });

  it("gives, for every statement a renderer produces, a row whose pattern matches it, and no row without one", () => {
    const matched = new Set<Row>();
    const samples = Object.entries(SAMPLES).map(([renderer, sqls]) => ({ renderer, sqls }));
    samples.push(...rawStatements().map((r) => ({ renderer: r.method, sqls: [r.sql] })));
    for (const { renderer, sqls } of samples) {
      for (const sql of sqls) {
        const hits = table.filter((r) => r.renderer === renderer && pattern(r.statement).test(sql));
        if (hits.length === 0) throw new Error(`no row of docs/statements.md (${renderer}) matches: ${sql}`);
        hits.forEach((h) => matched.add(h));
      }
    }
    expect(table.filter((r) => !matched.has(r)).map((r) => r.statement)).toEqual([]);
  });

  it("names, for every renderer, exactly the resources and handler operations that reach it", () => {
    const renderers = [...new Set(table.map((r) => r.renderer))];
    for (const renderer of renderers) {
      const actual = Object.entries(RESOURCE_FILES)
        .flatMap(([file, resource]) => handlersReaching(file, renderer).map((op) => `${resource}.${op}`))
        .concat(auditReaches(renderer))
        .sort();
      const documented = [
        ...new Set(
          table
            .filter((r) => r.renderer === renderer)
            .flatMap((r) => r.operations.map((o) => `${r.resource}.${o}`)),
        ),
      ].sort();
      if (JSON.stringify(actual) !== JSON.stringify(documented)) {
        throw new Error(
          `docs/statements.md is stale for ${renderer}: the source reaches it from ${actual.join(", ") || "nowhere"}, ` +
            `the table says ${documented.join(", ")}`,
        );
      }
    }
  });

  it("says which statements are never sent, which holds", () => {
    expect(readRepoFile("docs/statements.md")).toContain(
      "Never sent: `ALTER CONNECTION` (it only sets tags), `COPY`, `PUT`, `GRANT` other than a grant resource's",
    );
    const { renderGrant, renderRevoke, ...others } = SAMPLES;
    const sent = [...Object.values(others).flat(), ...rawStatements().map((r) => r.sql)];
    expect(sent.filter((sql) => /^(ALTER CONNECTION|COPY|PUT|GRANT|REVOKE)\b/.test(sql))).toEqual([]);
    // The grant resources send GRANT and REVOKE on stages and connections to a role, nothing else.
    for (const sql of [...(renderGrant ?? []), ...(renderRevoke ?? [])])
      expect(sql).toMatch(/^(GRANT|REVOKE) [A-Z ,]+ ON (STAGE|CONNECTION) n (TO|FROM) ROLE r$/);
  });
});

describe("docs/privileges.md", () => {
  it("says what every kind of statement of docs/statements.md needs", () => {
    const doc = readRepoFile("docs/privileges.md");
    const kinds = new Set(
      rows().map((r) => (/^[A-Z]+(?: OR REPLACE)? [A-Z]+|^[A-Z]+/.exec(r.statement) as RegExpExecArray)[0]),
    );
    for (const kind of kinds) {
      const text = kind === "LIST" ? "LIST @stage" : kind.startsWith("SELECT") ? "SELECT version()" : kind;
      expect({ kind, documented: doc.includes(text) }).toEqual({ kind, documented: true });
    }
  });
});
