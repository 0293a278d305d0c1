import * as path from "path";
import * as ts from "typescript";
import { FILE_FORMATS, FILE_FORMAT_TYPES } from "../../../provider/storage/fileFormats";
import type { FileFormat, StageArgs } from "../../../sdk/stage";
import { ROOT } from "../../support/stackEnv";

/**
 * The SDK's file format types and the provider's rule table cannot disagree: every typed format of
 * sdk/stage.ts has exactly the table's options for its type, each typed like the table says, and an
 * option of another type does not compile (this file is type-checked by ts-jest and `npm run lint`).
 */

const STAGE_TS = path.join(ROOT, "sdk", "stage.ts");
const program = ts.createProgram([STAGE_TS], { strict: true, skipLibCheck: true, noEmit: true });
const checker = program.getTypeChecker();
const source = program.getSourceFile(STAGE_TS)!;
const moduleSymbol = checker.getSymbolAtLocation(source)!;

/** The members of each arm of the exported `FileFormat` union, by its `type` literal. */
function formatArms(): Map<string, Map<string, ts.Type>> {
  const fileFormat = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === "FileFormat")!;
  const union = checker.getDeclaredTypeOfSymbol(fileFormat) as ts.UnionType;
  const arms = new Map<string, Map<string, ts.Type>>();
  for (const arm of union.types) {
    const props = new Map<string, ts.Type>();
    for (const p of checker.getPropertiesOfType(arm)) props.set(p.name, checker.getTypeOfSymbol(p));
    const type = props.get("type");
    if (!type) continue; // the named file format
    arms.set(checker.typeToString(type).replace(/"/g, ""), props);
  }
  return arms;
}

/** A TypeScript type's text without `undefined` (optional members). */
function typeText(t: ts.Type): string {
  const parts = t.isUnion() ? t.types : [t];
  return parts
    .filter((p) => !(p.flags & ts.TypeFlags.Undefined))
    .map((p) => checker.typeToString(p))
    .sort()
    .join(" | ");
}

describe("sdk/stage.ts file formats against the rule table", () => {
  const arms = formatArms();

  it("has one typed format per table type", () => {
    expect([...arms.keys()].sort()).toEqual([...FILE_FORMAT_TYPES].sort());
  });

  it.each(FILE_FORMAT_TYPES)("%s has exactly the table's options, typed as the table says", (t) => {
    const props = arms.get(t)!;
    expect([...props.keys()].filter((k) => k !== "type").sort()).toEqual(Object.keys(FILE_FORMATS[t]).sort());
    for (const [key, o] of Object.entries(FILE_FORMATS[t])) {
      const text = typeText(props.get(key)!);
      const expected =
        o.type === "integer"
          ? "number"
          : o.type === "boolean"
            ? "false | true"
            : o.type === "stringList"
              ? "readonly string[]"
              : o.type === "enum"
                ? [...(o.values ?? [])]
                    .map((v) => JSON.stringify(v))
                    .sort()
                    .join(" | ")
                : undefined;
      if (expected !== undefined) expect([key, text]).toEqual([key, expected]);
      else expect([key, text === "string" || /^"/.test(text)]).toEqual([key, true]);
    }
  });
});

describe("a file format option of another type", () => {
  it("does not compile", () => {
    const formats: FileFormat[] = [
      // @ts-expect-error skipHeader is a CSV/TSV option, not a Parquet one
      { type: "PARQUET", skipHeader: 1 },
      // @ts-expect-error nullIf is not a CSV option
      { type: "CSV", nullIf: ["NA"] },
      // @ts-expect-error Avro takes no missingFieldAs NULL
      { type: "AVRO", missingFieldAs: "NULL" },
      // @ts-expect-error QUOTE is one of ' " `
      { type: "CSV", quote: "#" },
      // @ts-expect-error ORC has no compression
      { type: "ORC", compression: "GZIP" },
      // @ts-expect-error rowTag is an XML option
      { type: "JSON", rowTag: "item" },
      // @ts-expect-error allowQuotedNulls is a CSV option, not a TEXT one
      { type: "TEXT", allowQuotedNulls: true },
    ];
    expect(formats).toHaveLength(7);
  });

  it("compiles for every option of its own type", () => {
    const args: StageArgs[] = [
      {
        fileFormat: {
          type: "CSV",
          fieldDelimiter: "||",
          quote: "'",
          escape: "\\",
          nanDisplay: "null",
          quotedEmptyFieldAs: "NULL",
          encoding: "GBK",
          encodingErrorMode: "replace",
          compression: "LZO",
        },
      },
      { fileFormat: { type: "TEXT", fieldDelimiter: "|", skipHeader: 1, quote: '"', trimSpace: true } },
      { fileFormat: { type: "PARQUET", compression: "SNAPPY", useLogicType: false, nullIf: ["", "NA"] } },
      { fileFormat: { type: "AVRO", missingFieldAs: "FIELD_DEFAULT", nullIf: [] } },
      { fileFormat: { type: "XML", rowTag: "item" } },
      { fileFormat: { type: "JSON", compression: "GZIP" } },
    ];
    expect(args).toHaveLength(6);
  });
});
