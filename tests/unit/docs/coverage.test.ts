import * as fs from "fs";
import * as path from "path";
import { MIN_SERVER_VERSION } from "../../../provider/client/serverVersion";
import {
  FILE_FORMATS,
  FILE_FORMAT_TYPES,
  FILE_FORMAT_TYPE_SPECS,
  FormatOptionSpec,
  NOT_OFFERED,
} from "../../../provider/storage/fileFormats";
import { GRANT_OBJECTS } from "../../../provider/sql/grant";
import { AZBLOB_STAGE_SINCE } from "../../../provider/validation/stageSchema";
import { ROOT } from "../../support/stackEnv";

/**
 * docs/coverage.md cannot go stale: its generated part is the rule table of
 * provider/storage/fileFormats.ts and the grant table of provider/sql/grant.ts written out, and this test fails when they differ
 * (regenerate: UPDATE_COVERAGE_DOC=1 npx jest tests/unit/docs/coverage.test.ts).
 */

const FILE = path.join(ROOT, "docs", "coverage.md");
const BEGIN = "<!-- generated from provider/storage/fileFormats.ts: begin -->";
const END = "<!-- generated from provider/storage/fileFormats.ts: end -->";

const since = (v: string | undefined) => (v ? v : `all (${MIN_SERVER_VERSION}+)`);
const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (s: string) => (s.includes("`") ? `\`\` ${s} \`\`` : `\`${s}\``);

function domain(o: FormatOptionSpec): string {
  switch (o.type) {
    case "enum":
      return (o.values ?? []).map(code).join(", ");
    case "boolean":
      return "`true`, `false`";
    case "integer":
      return "an integer ≥ 0";
    case "stringList":
      return "a list of strings";
    default:
      return o.rule ? o.rule.text : "any text";
  }
}

function valueGates(o: FormatOptionSpec): string {
  const parts = Object.entries(o.valueSince ?? {}).map(([v, s]) => `${code(v)}: ${s}`);
  if (o.storedAs) {
    for (const [v, as] of Object.entries(o.storedAs))
      parts.push(`${code(v)} read back as ${as.map(code).join(", ")}`);
  }
  return parts.join("; ");
}

function generated(): string {
  const lines: string[] = [];
  lines.push("### Types", "");
  lines.push("| Type | Sent as | First version | Options |", "| --- | --- | --- | --- |");
  for (const t of FILE_FORMAT_TYPES) {
    const spec = FILE_FORMAT_TYPE_SPECS[t];
    lines.push(
      `| ${t} | \`TYPE = ${cell(spec.sql)}\` | ${since(spec.since)} | ${Object.keys(FILE_FORMATS[t]).length} |`,
    );
  }
  lines.push("", "### Options", "");
  lines.push(
    "| Type | Input | SQL | Values | First version | Value gates |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const t of FILE_FORMAT_TYPES) {
    for (const [key, o] of Object.entries(FILE_FORMATS[t])) {
      lines.push(
        `| ${t} | \`${key}\` | \`${o.sql}\` | ${cell(domain(o))} | ${since(o.since)} | ${cell(valueGates(o))} |`,
      );
    }
  }
  lines.push("", "### Not offered", "", "| What | Why |", "| --- | --- |");
  for (const x of NOT_OFFERED) lines.push(`| ${x.what} | ${x.why} |`);
  lines.push("", `Stages on \`azblob://\`: Databend ${AZBLOB_STAGE_SINCE} or later.`);
  lines.push("", "### Grants", "");
  lines.push(
    "| Object | Resource | Privileges (`ALL` is all of them) | First version |",
    "| --- | --- | --- | --- |",
  );
  for (const [kind, spec] of Object.entries(GRANT_OBJECTS)) {
    const resource = kind === "stage" ? "`StageGrant`" : "`ConnectionGrant`";
    lines.push(
      `| \`${spec.sql}\` | ${resource} | ${spec.privileges.map(code).join(", ")} | ${since(spec.since)} |`,
    );
  }
  lines.push("", "`OWNERSHIP` is a transfer of the object, not a grant: it is not managed.");
  return lines.join("\n");
}

/** Markdown as Prettier may lay it out, reduced to its content: table cells trimmed, rules as `---`. */
function normalized(md: string): string[] {
  return md
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) =>
      l.startsWith("|")
        ? l
            .split(/(?<!\\)\|/)
            .map((c) => c.trim())
            .map((c) => (/^:?-+:?$/.test(c) ? "---" : c))
            .join("|")
        : l,
    );
}

describe("docs/coverage.md", () => {
  it("holds the rule table as it is (types, options, values, version gates)", () => {
    const doc = fs.readFileSync(FILE, "utf8");
    const start = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    expect([start >= 0, end > start]).toEqual([true, true]);
    const fresh = `${BEGIN}\n\n${generated()}\n\n${END}`;
    if (process.env.UPDATE_COVERAGE_DOC === "1") {
      fs.writeFileSync(FILE, doc.slice(0, start) + fresh + doc.slice(end + END.length));
      return;
    }
    expect(normalized(doc.slice(start, end + END.length))).toEqual(normalized(fresh));
  });
});
