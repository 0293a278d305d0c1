/**
 * A reader for Rust `{:?}` (Debug) text, which Databend servers before 1.2.870 print in DESC STAGE's
 * `stage_params` and `file_format_options` columns, e.g.
 * `StageParams { storage: S3(StorageS3Config { bucket: "b", root: "/p/", ... }) }`.
 */

/** A Debug value: a scalar, a list, or a named struct, tuple variant or unit variant. */
export type RustDebugValue = string | number | boolean | RustDebugValue[] | RustDebugNamed;

/** `Name { a: 1 }` (`fields`), `Name(1, 2)` (`items`), or `Name` alone (neither); a map `{k: v}` has name "". */
export interface RustDebugNamed {
  /** The type or variant name. */
  readonly name: string;
  /** Fields of a struct or entries of a map. */
  readonly fields?: Readonly<Record<string, RustDebugValue>>;
  /** Payload of a tuple variant. */
  readonly items?: readonly RustDebugValue[];
}

type Token =
  | { kind: "str"; text: string }
  | { kind: "num"; text: string }
  | { kind: "ident"; text: string }
  | { kind: "punct"; text: string };

const TOKEN =
  /\s*(?:("(?:[^"\\]|\\.)*")|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|([{}()[\],:]))/y;
const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  "0": "\0",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

function unescape(literal: string): string {
  return literal
    .slice(1, -1)
    .replace(/\\u\{([0-9a-fA-F]+)\}|\\(.)/g, (_m, hex: string | undefined, c: string | undefined) =>
      hex !== undefined ? String.fromCodePoint(parseInt(hex, 16)) : (ESCAPES[c as string] ?? (c as string)),
    );
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m)
      throw new SyntaxError(`cannot read Rust Debug text near ${JSON.stringify(text.slice(at, at + 30))}`);
    if (m[1] !== undefined) tokens.push({ kind: "str", text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: "num", text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: "ident", text: m[3] });
    else tokens.push({ kind: "punct", text: m[4] as string });
  }
  return tokens;
}

/** Parses Rust Debug text; throws `SyntaxError` when it is not one well-formed value. */
export function parseRustDebug(text: string): RustDebugValue {
  const tokens = tokenize(text);
  let i = 0;
  const peek = (p: string): boolean => tokens[i]?.kind === "punct" && tokens[i]?.text === p;
  const expect = (p: string): void => {
    if (!peek(p))
      throw new SyntaxError(`expected ${p} in Rust Debug text, got ${tokens[i]?.text ?? "the end"}`);
    i++;
  };
  const list = (close: string, item: () => void): void => {
    while (!peek(close)) {
      item();
      if (peek(",")) i++;
      else break;
    }
    expect(close);
  };
  const fieldsUntil = (close: string): Record<string, RustDebugValue> => {
    const fields: Record<string, RustDebugValue> = {};
    list(close, () => {
      const key = value();
      expect(":");
      fields[typeof key === "string" ? key : JSON.stringify(key)] = value();
    });
    return fields;
  };
  const value = (): RustDebugValue => {
    const t = tokens[i++];
    if (!t) throw new SyntaxError("unexpected end of Rust Debug text");
    if (t.kind === "str") return unescape(t.text);
    if (t.kind === "num") return Number(t.text);
    if (t.kind === "punct") {
      if (t.text === "[") {
        const items: RustDebugValue[] = [];
        list("]", () => items.push(value()));
        return items;
      }
      if (t.text === "{") return { name: "", fields: fieldsUntil("}") };
      throw new SyntaxError(`unexpected ${t.text} in Rust Debug text`);
    }
    if (t.text === "true" || t.text === "false") return t.text === "true";
    if (peek("{")) {
      i++;
      const fields: Record<string, RustDebugValue> = {};
      list("}", () => {
        const key = tokens[i++];
        if (key?.kind !== "ident")
          throw new SyntaxError(`expected a field name in Rust Debug text, got ${key?.text}`);
        expect(":");
        fields[key.text] = value();
      });
      return { name: t.text, fields };
    }
    if (peek("(")) {
      i++;
      const items: RustDebugValue[] = [];
      list(")", () => items.push(value()));
      return { name: t.text, items };
    }
    return { name: t.text };
  };
  const result = value();
  if (i !== tokens.length) throw new SyntaxError("trailing text after a Rust Debug value");
  return result;
}

function isNamed(v: RustDebugValue): v is RustDebugNamed {
  return typeof v === "object" && !Array.isArray(v);
}

/**
 * The JSON a Debug value would serialise to with serde's defaults: structs and maps become objects,
 * unit variants their name (`Zstd`, `None`), `Some(x)` and other one-item variants their payload,
 * lists arrays. So `CsvFileFormatParams { compression: None, headers: 0 }` reads as
 * `{"compression": "None", "headers": 0}`, as newer servers print it.
 */
export function debugToJson(v: RustDebugValue): unknown {
  if (Array.isArray(v)) return v.map(debugToJson);
  if (!isNamed(v)) return v;
  if (v.fields) return Object.fromEntries(Object.entries(v.fields).map(([k, x]) => [k, debugToJson(x)]));
  if (v.items)
    return v.items.length === 1 ? debugToJson(v.items[0] as RustDebugValue) : v.items.map(debugToJson);
  return v.name;
}

/** `Variant(Payload { .. })` as `[variant name, payload fields as JSON]`, or undefined for other shapes. */
export function debugVariant(v: RustDebugValue): [string, Record<string, unknown>] | undefined {
  if (!isNamed(v) || !v.items || v.items.length !== 1) return undefined;
  const payload = debugToJson(v.items[0] as RustDebugValue);
  if (!payload || typeof payload !== "object" || Array.isArray(payload)) return undefined;
  return [v.name, payload as Record<string, unknown>];
}

/** The field `name` of a Debug struct, or undefined. */
export function debugField(v: RustDebugValue, name: string): RustDebugValue | undefined {
  return isNamed(v) ? v.fields?.[name] : undefined;
}
