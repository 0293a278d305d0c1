import { debugField, debugToJson, debugVariant, parseRustDebug } from "../../../provider/storage/rustDebug";

describe("parseRustDebug", () => {
  it("reads structs, tuple and unit variants, strings with escapes, numbers, booleans and lists", () => {
    const v = parseRustDebug(
      'Csv(CsvFileFormatParams { compression: None, field_delimiter: "|", record_delimiter: "\\n", ' +
        'quote: "\\"", null_display: "\\\\N", headers: 0, output_header: false, null_if: [], on_error: AbortNum(1) })',
    );
    expect(debugVariant(v)).toEqual([
      "Csv",
      {
        compression: "None",
        field_delimiter: "|",
        record_delimiter: "\n",
        quote: '"',
        null_display: "\\N",
        headers: 0,
        output_header: false,
        null_if: [],
        on_error: 1,
      },
    ]);
  });

  it("reads nested structs and maps", () => {
    const v = parseRustDebug(
      'StageParams { storage: S3(StorageS3Config { bucket: "b", root: "/p/" }), m: {"k": 2} }',
    );
    expect(debugVariant(debugField(v, "storage") ?? "")).toEqual(["S3", { bucket: "b", root: "/p/" }]);
    expect(debugToJson(v)).toEqual({ storage: { bucket: "b", root: "/p/" }, m: { k: 2 } });
  });

  it("reads unicode escapes and unit values", () => {
    expect(parseRustDebug('"a\\u{e9}b"')).toBe("aéb");
    expect(debugToJson(parseRustDebug("Zstd"))).toBe("Zstd");
  });

  it.each(['StageParams { storage: S3(StorageS3Config { bucket: "b", .. }) }', "Csv(", "a b", '"open'])(
    "rejects malformed text %j",
    (text) => {
      expect(() => parseRustDebug(text)).toThrow(SyntaxError);
    },
  );
});
