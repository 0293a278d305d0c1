import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import type { ImportedStage, ImportedValue, ImportPlan } from "../provider/audit/importPlan";
import { withAccount } from "./accountSession";
import type { CliIo } from "./trustPolicyCommand";

/**
 * `pulumi-databend import`: reads the account (the copy audit's two statements) and writes a Pulumi
 * program of every connection and stage, each stage linked to the connection its copy matches, in
 * Pulumi YAML (with the `pulumi import --file` JSON for the provider plugin) or TypeScript (whose
 * dynamic resources cannot be imported: every resource says `adopt: true`).
 */

/** Exit codes of `import`: written, an error, bad arguments. */
export const IMPORT_EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The languages `import` writes. */
export type ImportLanguage = "yaml" | "typescript";

/** The `import --help` text. */
export const IMPORT_USAGE = `Usage: pulumi-databend import --language yaml|typescript [--out DIR] [--dsn DSN]
                              [--prefix P] [--project NAME] [--plugin-path PATH]

Reads the Databend account (one SHOW CONNECTIONS, one SHOW STAGES) and writes a Pulumi program of
every connection and stage into DIR (default: the current folder, which must hold no Pulumi.yaml):
- each external stage linked to the connection its copy matches (\`pulumi-databend audit\`'s exact or
  probable); an ambiguous one says which connections it could be, in a comment;
- every value Databend masks (all credentials, and connection values no stage shows in clear) as a
  config key to fill in: \`pulumi config set [--secret] <key> <value>\`, then \`pulumi up\`.
yaml: Pulumi.yaml and import.json, for \`pulumi import --file import.json\` through the provider plugin.
typescript: Pulumi.yaml, index.ts and package.json; every resource has \`adopt: true\` (the TypeScript
classes are dynamic resources, which \`pulumi import\` cannot import).

Options:
  --language L        yaml or typescript
  --out DIR           Where to write (created when missing)
  --dsn DSN           The Databend DSN; default: the DATABEND_DSN environment variable
  --prefix P          Only the connections and stages whose names start with P (the audit still
                      compares each stage with every connection of the account)
  --project NAME      The Pulumi project name (default: databend-import)
  --plugin-path PATH  yaml: the provider plugin's folder (default: ./node_modules/pulumi-databend/plugin)
  -h, --help          Show this help

Exit status: 0 when written, 1 when the account cannot be read or DIR holds a program, 2 on bad
arguments.`;

/** Parsed `import` options. */
export interface ImportOptions {
  /** The language to write. */
  readonly language: ImportLanguage;
  /** The folder to write into. */
  readonly out: string;
  /** The DSN given with `--dsn`, if any. */
  readonly dsn?: string;
  /** Only objects whose names start with this. */
  readonly prefix: string;
  /** The Pulumi project name. */
  readonly project: string;
  /** The provider plugin's folder, for YAML. */
  readonly pluginPath: string;
}

/** Parses the arguments after `import`. */
export function parseImportArgs(args: readonly string[]): ImportOptions | "help" | { error: string } {
  try {
    const { values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        language: { type: "string" },
        out: { type: "string" },
        dsn: { type: "string" },
        project: { type: "string" },
        prefix: { type: "string" },
        "plugin-path": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) return "help";
    if (values.language !== "yaml" && values.language !== "typescript")
      return { error: "--language must be yaml or typescript" };
    const project = values.project ?? "databend-import";
    if (!/^[A-Za-z0-9_.-]+$/.test(project))
      return { error: "--project may hold letters, digits, _ . - only" };
    return {
      language: values.language,
      out: values.out ?? ".",
      dsn: values.dsn,
      prefix: values.prefix ?? "",
      project,
      pluginPath: values["plugin-path"] ?? "./node_modules/pulumi-databend/plugin",
    };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * The plan's objects whose names start with `prefix`. A stage linked to a connection left out keeps
 * no link (its notes still name the connection).
 */
export function withPrefix(plan: ImportPlan, prefix: string): ImportPlan {
  const connections = plan.connections.filter((c) => c.name.startsWith(prefix));
  const kept = new Set(connections.map((c) => c.name));
  const stages = plan.stages
    .filter((s) => s.name.startsWith(prefix))
    .map((s) => (s.connection === undefined || kept.has(s.connection) ? s : { ...s, connection: undefined }));
  return { connections, stages };
}

/** Every config key the plan asks for, with whether it is secret. */
function configKeys(plan: ImportPlan): { key: string; secret: boolean }[] {
  const values = [
    ...plan.connections.flatMap((c) => Object.values(c.params)),
    ...plan.stages.flatMap((s) => Object.values(s.credentials ?? {})),
  ];
  return values.flatMap((v) => ("config" in v ? [{ key: v.config, secret: v.secret }] : []));
}

/** The comment lines above a stage: how its copy was matched, and what the program does about it. */
export function stageNotes(s: ImportedStage): string[] {
  const notes: string[] = [];
  const a = s.audit;
  if (a?.match === "exact") notes.push(`an exact copy of connection ${a.connection}`);
  if (a?.match === "probable")
    notes.push(
      `a probable copy of connection ${a.connection}, stale: it holds other ${a.differs.join(", ")}. ` +
        "The first `up` re-captures it from the connection",
    );
  if (a?.match === "ambiguous")
    notes.push(
      `ambiguous: a copy of ${a.candidates.join(" or ")}${a.stale ? " (stale)" : ""}. Replace \`credentials\` ` +
        "with `connection` set to the one it belongs to",
    );
  if (a?.match === "none" && s.url !== undefined) notes.push("its copy matches no connection of the account");
  if (s.fileFormatType)
    notes.push(`file format ${s.fileFormatType}: its options are not carried over; add them to fileFormat`);
  return notes;
}

const yamlString = (v: string): string => JSON.stringify(v);

function yamlValue(v: ImportedValue): string {
  if ("config" in v) return yamlString(`\${${v.config}}`);
  return typeof v.value === "boolean" ? String(v.value) : yamlString(v.value);
}

/** The Pulumi YAML program and the `pulumi import --file` JSON for `plan`. */
export function renderYamlImport(plan: ImportPlan, o: ImportOptions): Record<string, string> {
  const lines = [
    `name: ${o.project}`,
    "runtime: yaml",
    "description: Databend connections and stages, written by pulumi-databend import",
    "plugins:",
    "  providers:",
    "    - name: databend",
    `      path: ${yamlString(o.pluginPath)}`,
  ];
  const keys = configKeys(plan);
  if (keys.length) {
    lines.push("config:");
    for (const k of keys) {
      lines.push(`  ${k.key}:`, "    type: string");
      if (k.secret) lines.push("    secret: true");
    }
  }
  lines.push("resources:");
  for (const c of plan.connections) {
    lines.push(`  ${c.name}:`, "    type: databend:Connection", "    properties:");
    lines.push(`      name: ${yamlString(c.name)}`, `      storageType: ${c.storageType}`);
    for (const [k, v] of Object.entries(c.params)) lines.push(`      ${k}: ${yamlValue(v)}`);
  }
  for (const s of plan.stages) {
    lines.push(`  ${s.name}:`);
    for (const note of stageNotes(s)) lines.push(`    # ${note}`);
    lines.push("    type: databend:Stage", "    properties:", `      name: ${yamlString(s.name)}`);
    if (s.url !== undefined) lines.push(`      url: ${yamlString(s.url)}`);
    if (s.connection !== undefined) lines.push(`      connection: \${${s.connection}}`);
    if (s.credentials) {
      lines.push("      credentials:");
      for (const [k, v] of Object.entries(s.credentials)) lines.push(`        ${k}: ${yamlValue(v)}`);
    }
    if (s.comment !== undefined) lines.push(`      comment: ${yamlString(s.comment)}`);
  }
  const resources = [
    ...plan.connections.map((c) => ({ type: "databend:index:Connection", name: c.name, id: c.name })),
    ...plan.stages.map((s) => ({ type: "databend:index:Stage", name: s.name, id: s.name })),
  ];
  return {
    "Pulumi.yaml": `${lines.join("\n")}\n`,
    "import.json": `${JSON.stringify({ resources }, null, 2)}\n`,
  };
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally " +
    "for function if import in instanceof new null return super switch this throw true try typeof var void " +
    "while with let static yield await implements interface package private protected public cfg pulumi " +
    "Connection Stage"
  ).split(" "),
);

function tsValue(v: ImportedValue): string {
  if ("config" in v) return `cfg.${v.secret ? "requireSecret" : "require"}(${JSON.stringify(v.config)})`;
  return typeof v.value === "boolean" ? String(v.value) : JSON.stringify(v.value);
}

/** The TypeScript program (`index.ts`, `Pulumi.yaml`, `package.json`) for `plan`. */
export function renderTypeScriptImport(
  plan: ImportPlan,
  o: ImportOptions,
  packageVersion: string,
): Record<string, string> {
  const used = new Set<string>();
  const variable = (name: string, suffix: string): string => {
    let v = RESERVED.has(name) || used.has(name) ? `${name}_${suffix}` : name;
    while (used.has(v)) v = `${v}_`;
    used.add(v);
    return v;
  };
  const connectionVar = new Map<string, string>();
  const lines = [
    "// Databend connections and stages, written by `pulumi-databend import`. Fill in the config keys",
    "// (`pulumi config set [--secret] <key> <value>`), then `pulumi up`: every resource takes over its",
    "// object (`adopt: true`).",
    'import * as pulumi from "@pulumi/pulumi";',
    'import { Connection, Stage } from "pulumi-databend";',
    "",
    "const cfg = new pulumi.Config();",
  ];
  for (const c of plan.connections) {
    const v = variable(c.name, "connection");
    connectionVar.set(c.name, v);
    lines.push("", `export const ${v} = new Connection(${JSON.stringify(c.name)}, {`);
    lines.push(`  name: ${JSON.stringify(c.name)},`, `  storageType: ${JSON.stringify(c.storageType)},`);
    for (const [k, val] of Object.entries(c.params)) lines.push(`  ${k}: ${tsValue(val)},`);
    lines.push("  adopt: true,", "});");
  }
  for (const s of plan.stages) {
    const v = variable(s.name, "stage");
    lines.push("");
    for (const note of stageNotes(s)) lines.push(`// ${note}`);
    lines.push(
      `export const ${v} = new Stage(${JSON.stringify(s.name)}, {`,
      `  name: ${JSON.stringify(s.name)},`,
    );
    if (s.url !== undefined) lines.push(`  url: ${JSON.stringify(s.url)},`);
    if (s.connection !== undefined)
      lines.push(`  connection: ${connectionVar.get(s.connection) ?? s.connection},`);
    if (s.credentials) {
      lines.push("  credentials: {");
      for (const [k, val] of Object.entries(s.credentials)) lines.push(`    ${k}: ${tsValue(val)},`);
      lines.push("  },");
    }
    if (s.fileFormatType) lines.push(`  fileFormat: { type: ${JSON.stringify(s.fileFormatType)} },`);
    if (s.comment !== undefined) lines.push(`  comment: ${JSON.stringify(s.comment)},`);
    lines.push("  adopt: true,", "});");
  }
  const pkg = {
    name: o.project,
    private: true,
    main: "index.ts",
    dependencies: { "@pulumi/pulumi": "^3.216.0", "pulumi-databend": `^${packageVersion}` },
  };
  return {
    "Pulumi.yaml": [
      `name: ${o.project}`,
      "runtime: nodejs",
      "description: Databend connections and stages, written by pulumi-databend import",
      "",
    ].join("\n"),
    "index.ts": `${lines.join("\n")}\n`,
    "package.json": `${JSON.stringify(pkg, null, 2)}\n`,
  };
}

/** Runs `import`. Never throws. */
export async function runImport(args: readonly string[], io: CliIo): Promise<number> {
  const options = parseImportArgs(args);
  if (options === "help") {
    io.out(IMPORT_USAGE);
    return IMPORT_EXIT.ok;
  }
  if ("error" in options) {
    io.err(`pulumi-databend import: ${options.error} (see --help)`);
    return IMPORT_EXIT.usage;
  }
  if (fs.existsSync(path.join(options.out, "Pulumi.yaml"))) {
    io.err(`pulumi-databend import: ${options.out} already holds a Pulumi.yaml; choose another --out`);
    return IMPORT_EXIT.failure;
  }
  const { readImportPlan } = await import("../provider/audit/readCopyAudit");
  const { packageVersion } = await import("../provider/packageVersion");
  try {
    const plan = withPrefix(await withAccount(options.dsn, readImportPlan), options.prefix);
    const files =
      options.language === "yaml"
        ? renderYamlImport(plan, options)
        : renderTypeScriptImport(plan, options, packageVersion());
    fs.mkdirSync(options.out, { recursive: true });
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(options.out, name), text);
    const keys = configKeys(plan);
    io.out(
      `wrote ${Object.keys(files).join(", ")} to ${options.out}: ${plan.connections.length} connection(s), ` +
        `${plan.stages.length} stage(s), ${keys.length} config key(s) to fill in`,
    );
    for (const k of keys) io.out(`  pulumi config set ${k.secret ? "--secret " : ""}${k.key} <value>`);
    if (options.language === "yaml") io.out("then: pulumi import --file import.json --yes && pulumi up");
    else io.out("then: npm install && pulumi up");
    return IMPORT_EXIT.ok;
  } catch (e) {
    io.err(`pulumi-databend import: ${e instanceof Error ? e.message : String(e)}`);
    return IMPORT_EXIT.failure;
  }
}
