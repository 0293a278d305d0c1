import {
  IDENTIFIER_RULE,
  ident,
  isPlainIdentifier,
  literal,
  optionKey,
  options,
} from "../../../provider/sql/quote";
import { RESERVED_WORDS, isReservedWord } from "../../../provider/sql/reservedWords";
import { TRICKY_STRINGS, decodeLiteral } from "../../helpers/sqlText";

describe("literal", () => {
  it.each([
    ["abc", "'abc'"],
    ["", "''"],
    ["it's", "'it\\'s'"],
    ["a\\b", "'a\\\\b'"],
    ["\\'", "'\\\\\\''"],
    ["line\nbreak", "'line\nbreak'"],
  ])("renders %j as %s", (value, expected) => {
    expect(literal(value)).toBe(expected);
  });

  it.each(TRICKY_STRINGS.map((s) => [s]))("round-trips %j through Databend's literal rules", (value) => {
    expect(decodeLiteral(literal(value))).toBe(value);
  });

  it("never leaves an unescaped quote that could close the literal early", () => {
    for (const value of TRICKY_STRINGS) {
      const body = literal(value).slice(1, -1);
      // Every quote in the body is preceded by an odd number of backslashes.
      for (const m of body.matchAll(/(\\*)'/g)) {
        expect((m[1] as string).length % 2).toBe(1);
      }
    }
  });

  it("keeps unicode text as it is", () => {
    expect(literal("Zürich 東京 🔑")).toBe("'Zürich 東京 🔑'");
  });

  it("rejects a value that is not a string", () => {
    expect(() => literal(42 as unknown as string)).toThrow(TypeError);
  });
});

describe("ident and isPlainIdentifier", () => {
  it.each(["a", "_", "toronto", "my_s3_stage", "_private", "stage2", "a".repeat(255)])(
    "accepts the plain identifier %j",
    (name) => {
      expect(isPlainIdentifier(name)).toBe(true);
      expect(ident(name)).toBe(name);
    },
  );

  it.each([
    ["the empty string", ""],
    ["a leading digit", "1stage"],
    ["upper case", "Toronto"],
    ["a dash", "my-stage"],
    ["a space", "my stage"],
    ["a dot", "db.stage"],
    ["a quote", "a'b"],
    ["a backquote", "`a`"],
    ["double quotes", '"a"'],
    ["a statement separator", "a;DROP STAGE b"],
    ["a non-ASCII letter", "zürich"],
    ["the user stage", "~"],
    ["256 characters", "a".repeat(256)],
    ["a trailing newline", "abc\n"],
  ])("rejects a name with %s", (_what, name) => {
    expect(isPlainIdentifier(name)).toBe(false);
    expect(() => ident(name)).toThrow(TypeError);
  });

  it.each(RESERVED_WORDS.map((w) => [w]))("rejects the reserved word %s", (word) => {
    expect(isPlainIdentifier(word)).toBe(false);
    expect(() => ident(word)).toThrow(TypeError);
  });

  it.each(["user", "table", "database", "stages", "my_stage", "select_1", "_select", "connection_v2"])(
    "accepts %j, which is not a reserved word (though it may contain one)",
    (name) => {
      expect(ident(name)).toBe(name);
    },
  );

  it("says in the rule that reserved words are refused", () => {
    expect(IDENTIFIER_RULE).toContain(
      "not a word Databend reserves (such as select, from, stage, connection)",
    );
  });

  it("names the rule when it rejects a name", () => {
    expect(() => ident("Bad-Name")).toThrow(`invalid identifier "Bad-Name": must be ${IDENTIFIER_RULE}`);
  });

  it("treats values that are not strings as not identifiers", () => {
    expect(isPlainIdentifier(undefined)).toBe(false);
    expect(isPlainIdentifier(12)).toBe(false);
  });
});

describe("isReservedWord", () => {
  it.each(["select", "SELECT", "Stage", "connection", "from"])("is true for %j", (w) => {
    expect(isReservedWord(w)).toBe(true);
  });

  it.each(["user", "table", "database", "toronto", ""])("is false for %j", (w) => {
    expect(isReservedWord(w)).toBe(false);
  });

  it("lists lower-case words only, each once", () => {
    expect(RESERVED_WORDS.every((w) => /^[a-z_]+$/.test(w))).toBe(true);
    expect(new Set(RESERVED_WORDS).size).toBe(RESERVED_WORDS.length);
  });
});

describe("optionKey", () => {
  it.each([
    ["secret_access_key", "SECRET_ACCESS_KEY"],
    ["ENDPOINT_URL", "ENDPOINT_URL"],
    ["_x1", "_X1"],
  ])("upper-cases the key %j", (key, expected) => {
    expect(optionKey(key)).toBe(expected);
  });

  it.each(["", "1key", "a b", "a=b", "a'b", "key;", "a-b", "a.b"])("rejects the key %j", (key) => {
    expect(() => optionKey(key)).toThrow(TypeError);
  });
});

describe("options", () => {
  it("renders key = 'value' pairs separated by single spaces, in the given order", () => {
    expect(
      options([
        ["access_key_id", "AKIA"],
        ["secret_access_key", "it's"],
      ]),
    ).toBe("ACCESS_KEY_ID = 'AKIA' SECRET_ACCESS_KEY = 'it\\'s'");
  });

  it("renders nothing for no pairs", () => {
    expect(options([])).toBe("");
  });

  it("rejects a key that is not a plain option name", () => {
    expect(() => options([["k = 'x' OTHER", "v"]])).toThrow(TypeError);
  });
});
