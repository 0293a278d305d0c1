import { closeDatabend, exec, query } from "../support/databend";
import { stackEnv } from "../support/stackEnv";
import { parseServerVersion } from "../../provider/client/serverVersion";
import { reconcileFileFormat } from "../../provider/resources/stage";
import { renderCreateStage, renderDescStage, renderDropStage } from "../../provider/sql/stage";
import { FILE_FORMATS, FILE_FORMAT_TYPES, FormatOptionSpec } from "../../provider/storage/fileFormats";
import { parseStageRow } from "../../provider/storage/stageRow";
import { validateConnectionInputs } from "../../provider/validation/connectionSchema";
import { validateFileFormat } from "../../provider/validation/fileFormatSchema";
import { stageVersionGates, validateStageInputs } from "../../provider/validation/stageSchema";
import { versionGateFailures } from "../../provider/validation/versionGates";

/**
 * Server-aware preview, proved on the engine this run talks to (scripts/test runs this suite on every
 * engine of the matrix: 1.2.453, 1.2.810 and 1.2.895). Every file format type, every option and a
 * set of values for each (valid and invalid) is sent to the engine as CREATE STAGE, and the provider's
 * verdict for that server version (validateFileFormat with the version: what preview says) must be
 * the engine's: preview refuses exactly what CREATE STAGE fails on and accepts everything it accepts,
 * and what the engine stored, read back with DESC STAGE the way refresh reads it, compares equal to
 * the input (no false drift). Where an older engine accepts an option but keeps something else (it
 * parses it and drops it), preview refuses it too. Direct SQL through the driver, not a Pulumi run per case (a few hundred cases).
 */

const run = Math.random().toString(36).slice(2, 7);
let version = "";
let counter = 0;

type Format = { type: string } & Record<string, unknown>;

/** Sample values per option: the table's closed sets, and valid and invalid strings per SQL key. */
const STRING_SAMPLES: Record<string, unknown[]> = {
  QUOTE: ["'", '"', "`", "#", ""],
  ESCAPE: ["\\", "", "#"],
  NAN_DISPLAY: ["nan", "NaN", "null", "NULL", "nope"],
  RECORD_DELIMITER: ["\r\n", "|", "\n", "ab", "x"],
  FIELD_DELIMITER: ["|", "\t", "||", "", "a", "|".repeat(21), "é"],
  NULL_DISPLAY: ["NULL", ""],
  ENCODING: ["GBK", "UTF-8", "latin1", "nope"],
  ENCODING_ERROR_MODE: ["replace", "strict", "x"],
  ROW_TAG: ["item", "", "r".repeat(1025)],
};

function samples(o: FormatOptionSpec): unknown[] {
  switch (o.type) {
    case "enum":
      return [...(o.values ?? [])];
    case "boolean":
      return [true, false];
    case "integer":
      return [0, 3];
    case "stringList":
      return [["", "NA", "it's"], []];
    default:
      return STRING_SAMPLES[o.sql] ?? ["x"];
  }
}

/** Every type alone, then every option of every type with each sample value. */
function corpus(): Format[] {
  const out: Format[] = [];
  for (const t of FILE_FORMAT_TYPES) {
    out.push({ type: t });
    for (const [key, o] of Object.entries(FILE_FORMATS[t])) {
      for (const v of samples(o)) out.push({ type: t, [key]: v });
    }
  }
  return out;
}

/**
 * Stored by 1.2.453-1.2.546 under a name they cannot read back, after which every statement on any
 * stage fails (error 2001) until the meta data is repaired: sent only where the provider accepts it.
 */
const POISONS = (ff: Format) => ff.type === "CSV" && ff.emptyFieldAs === "FIELD_DEFAULT";

async function engineAccepts(sql: string): Promise<string | undefined> {
  try {
    await exec(sql);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message.replace(/\s+/g, " ").slice(0, 300) : String(e);
  }
}

beforeAll(async () => {
  const rows = await query("SELECT version() AS v");
  version = parseServerVersion(String(rows[0]?.v ?? ""));
  expect(version).toMatch(/^1\.2\.\d+$/);
  expect((stackEnv().DATABEND_ENGINE_VERSION ?? "").startsWith(version)).toBe(true);
});
afterAll(() => closeDatabend());

describe("file formats: preview's verdict is the engine's", () => {
  it("agrees on every type, option and sample value, and reads back what it stored without drift", async () => {
    const mismatches: string[] = [];
    let accepted = 0;
    let refused = 0;
    for (const ff of corpus()) {
      const verdict = validateFileFormat(ff, version);
      if (POISONS(ff) && verdict.length > 0) {
        refused++;
        continue;
      }
      const name = `ffm_${run}_${counter++}`;
      const sql = renderCreateStage(name, { source: { kind: "none" }, fileFormat: ff as never });
      const engineError = await engineAccepts(sql);
      let readBack: unknown;
      if (engineError === undefined) {
        const rows = await query(renderDescStage(name));
        const stored = parseStageRow(rows[0] as Record<string, unknown>).fileFormat;
        readBack = reconcileFileFormat(ff as never, stored);
        await exec(renderDropStage(name));
      }
      const kept = engineError === undefined && JSON.stringify(readBack) === JSON.stringify(ff);
      // Preview must accept exactly what the engine takes and keeps as given: a value the engine refuses,
      // or accepts but stores as something else (an older server dropping an option it parses), is refused.
      if (kept !== (verdict.length === 0)) {
        const engine =
          engineError !== undefined
            ? `refuses (${engineError})`
            : kept
              ? "accepts and keeps"
              : `accepts but keeps ${JSON.stringify(readBack)}`;
        const preview =
          verdict.length === 0
            ? "accepts"
            : `refuses (${verdict.map((f) => `${f.property}: ${f.reason}`).join("; ")})`;
        mismatches.push(`${JSON.stringify(ff)}: engine ${engine}, preview ${preview}`);
      }
      if (kept) accepted++;
      else refused++;
    }
    expect(mismatches).toEqual([]);
    // Both verdicts occur on every engine, so the comparison proves something either way.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(20);
  });

  it.each<[string, string, Format]>([
    ["TYPE = ARROW (first in 1.2.919)", "TYPE = 'ARROW'", { type: "ARROW" }],
    ["TYPE = LANCE (COPY only)", "TYPE = 'LANCE'", { type: "LANCE" }],
    [
      "CSV QUOTE_STYLE (first in 1.2.897)",
      "TYPE = CSV QUOTE_STYLE = 'ALWAYS'",
      { type: "CSV", quoteStyle: "ALWAYS" },
    ],
    [
      "AVRO MISSING_FIELD_AS = NULL",
      "TYPE = AVRO MISSING_FIELD_AS = NULL",
      { type: "AVRO", missingFieldAs: "NULL" },
    ],
    [
      "NDJSON NULL_FIELD_AS = ERROR",
      "TYPE = NDJSON NULL_FIELD_AS = ERROR",
      { type: "NDJSON", nullFieldAs: "ERROR" },
    ],
    ["ORC COMPRESSION", "TYPE = ORC COMPRESSION = GZIP", { type: "ORC", compression: "GZIP" }],
    ["CSV NULL_IF", "TYPE = CSV NULL_IF = ('a')", { type: "CSV", nullIf: ["a"] }],
    ["JSON NULL_IF", "TYPE = JSON NULL_IF = ('a')", { type: "JSON", nullIf: ["a"] }],
    ["TSV BINARY_FORMAT", "TYPE = TSV BINARY_FORMAT = BASE64", { type: "TSV", binaryFormat: "BASE64" }],
    [
      "NDJSON USE_LOGIC_TYPE",
      "TYPE = NDJSON USE_LOGIC_TYPE = FALSE",
      { type: "NDJSON", useLogicType: false },
    ],
  ])(
    "refuses what no engine of the range takes on a stage, as the engine does: %s",
    async (_what, options, ff) => {
      expect(validateFileFormat(ff, version)).not.toEqual([]);
      expect(
        await engineAccepts(`CREATE STAGE ffm_${run}_${counter++} FILE_FORMAT = (${options})`),
      ).toBeDefined();
    },
  );
});

describe("storage rules: preview's verdict is the engine's", () => {
  it("an azblob stage: refused before 1.2.923, as the engine refuses it", async () => {
    const name = `ffm_${run}_az`;
    const inputs = {
      name,
      url: "azblob://container/path/",
      credentials: {
        endpointUrl: "https://acct.blob.core.windows.net",
        accountName: "acct",
        accountKey: "a2V5",
      },
    };
    expect(validateStageInputs(inputs)).toEqual([]);
    const verdict = versionGateFailures(stageVersionGates(inputs), version);
    const engineError = await engineAccepts(
      `CREATE STAGE ${name} URL = 'azblob://container/path/' CONNECTION = (endpoint_url = ` +
        "'https://acct.blob.core.windows.net' account_name = 'acct' account_key = 'a2V5')",
    );
    expect([engineError === undefined, verdict.length === 0]).toEqual([false, false]);
    expect(verdict[0]?.reason).toBe(
      `a stage on azblob:// needs Databend 1.2.923 or later; this server is ${version}`,
    );
  });

  it("an hf connection: refused on every version, as the engine refuses it", async () => {
    const name = `ffm_${run}_hf`;
    expect(validateConnectionInputs({ name, storageType: "hf", repoType: "dataset" })).not.toEqual([]);
    const engineError = await engineAccepts(
      `CREATE CONNECTION ${name} STORAGE_TYPE = 'hf' repo_type = 'dataset'`,
    );
    expect(engineError).toMatch(/huggingface/);
  });
});
