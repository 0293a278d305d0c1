import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./stackEnv";

/** One resource of a generated Pulumi YAML program. */
export interface YamlResource {
  /** Resource name. */
  name: string;
  /** Type token as a YAML user writes it (`databend:Connection`). */
  type: string;
  /** Properties; `{ $ref: "x" }` becomes `${x}`, `{ $ref: "x", $out: "p" }` becomes `${x.p}`. */
  properties: Record<string, unknown>;
  /** Resource options (`protect`, ...). */
  options?: Record<string, unknown>;
}

/** The same value with `$ref` markers turned into YAML interpolations. */
export function toYamlValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toYamlValue);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (typeof o.$ref === "string")
      return typeof o.$out === "string" ? `\${${o.$ref}.${o.$out}}` : `\${${o.$ref}}`;
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, toYamlValue(x)]));
  }
  return v;
}

/**
 * A throwaway Pulumi YAML project in a temp folder that uses this checkout's provider plugin. The
 * file is written as JSON, which is valid YAML.
 */
export class YamlProgram {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-databend-yaml-"));

  /**
   * @param project the project name
   * @param pluginPath where `plugins.providers` points; `installed` leaves it out, so the engine uses
   *   the plugin installed in PULUMI_HOME (`pulumi plugin install`)
   */
  constructor(
    private readonly project = "yaml-e2e",
    private readonly pluginPath: string = path.join(ROOT, "plugin"),
  ) {}

  /** Writes `Pulumi.yaml` with these resources, variables (`fn::invoke` ...) and outputs. */
  write(
    resources: YamlResource[],
    extra: { variables?: object; outputs?: object; config?: object } = {},
  ): this {
    const doc = {
      name: this.project,
      runtime: "yaml",
      ...(this.pluginPath === "installed"
        ? {}
        : { plugins: { providers: [{ name: "databend", path: this.pluginPath }] } }),
      ...(extra.config ? { config: extra.config } : {}),
      ...(extra.variables ? { variables: extra.variables } : {}),
      resources: Object.fromEntries(
        resources.map((r) => [
          r.name,
          {
            type: r.type,
            properties: toYamlValue(r.properties),
            ...(r.options ? { options: r.options } : {}),
          },
        ]),
      ),
      ...(extra.outputs ? { outputs: extra.outputs } : {}),
    };
    fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), JSON.stringify(doc, null, 2));
    return this;
  }

  /**
   * Writes `Pulumi.yaml` with `resources`, the YAML text `pulumi import --out` generated (its own
   * `resources:` line included), as the program, so the imported resources can be previewed.
   */
  writeGenerated(generated: string): this {
    const lines = [`name: ${this.project}`, "runtime: yaml"];
    if (this.pluginPath !== "installed") {
      lines.push("plugins:", "  providers:", "    - name: databend", `      path: ${this.pluginPath}`);
    }
    fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `${lines.join("\n")}\n${generated}`);
    return this;
  }

  /** Removes the folder. */
  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** `(property, reason)` pairs of the check failures in error diagnostics, host-independent and sorted. */
export function checkFailures(messages: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of messages) {
    const m = raw.replace(/<\{%[^%]*%\}>/g, "");
    const re = /resource '[^']+': property (\S+) value .*? has a problem: (.*)$/gm;
    for (const hit of m.matchAll(re)) out.push(`${hit[1]}: ${hit[2]?.trim()}`);
    const bare = /resource '[^']+' has a problem: (.*)$/gm;
    for (const hit of m.matchAll(bare)) out.push(`: ${hit[1]?.trim()}`);
  }
  return [...new Set(out)].sort();
}
