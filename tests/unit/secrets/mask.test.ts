import { MASK, dsnPassword, maskDsn, maskSecrets } from "../../../provider/secrets/mask";
import { literal } from "../../../provider/sql/quote";

describe("maskSecrets", () => {
  it("replaces every occurrence of a secret", () => {
    expect(maskSecrets("key wJalrXUt, again wJalrXUt.", ["wJalrXUt"])).toBe(`key ${MASK}, again ${MASK}.`);
  });

  it("masks every secret given and ignores undefined entries", () => {
    expect(maskSecrets("a=alpha-1 b=bravo-2", ["alpha-1", undefined, "bravo-2"])).toBe("a=*** b=***");
  });

  it("masks a secret whole when another secret is part of it", () => {
    expect(maskSecrets("token=abcdef", ["abc", "abcdef"])).toBe("token=***");
  });

  it("leaves secrets shorter than 3 characters alone, so ordinary text is not garbled", () => {
    expect(maskSecrets("ab is ab", ["ab"])).toBe("ab is ab");
  });

  it("masks the escaped form of a secret with backslashes, as literal() renders it", () => {
    const secret = "sk\\with\\slashes";
    const sql = `SECRET_ACCESS_KEY = ${literal(secret)}`;
    expect(maskSecrets(sql, [secret])).toBe("SECRET_ACCESS_KEY = '***'");
  });

  it("masks a secret with quotes doubled, the other SQL escaping of a quote", () => {
    expect(maskSecrets("SECRET = 'it''s-secret'", ["it's-secret"])).toBe("SECRET = '***'");
  });

  // Bug: mask.ts:14 escapes a quote as `''`, but literal() (sql/quote.ts:34) escapes it as `\'`, so a secret
  // containing a quote is left in clear in every statement the provider renders.
  it("masks a secret with a quote, as literal() renders it", () => {
    const secret = "it's-secret";
    const sql = `SECRET_ACCESS_KEY = ${literal(secret)}`;
    expect(maskSecrets(sql, [secret])).toBe("SECRET_ACCESS_KEY = '***'");
  });

  it("masks every line of a multi-line secret on its own, as a caret diagram may show one line", () => {
    const pem = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n";
    const text = "error: near line 2\n  --> BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n      ^^^";
    expect(maskSecrets(text, [pem])).toBe("error: near line 2\n  --> ***\n      ^^^");
  });

  it("masks a multi-line secret whole, and with Windows line breaks", () => {
    const secret = "first-line-of-key\r\nsecond-line-of-key";
    expect(maskSecrets(`key=${secret};`, [secret])).toBe("key=***;");
    expect(maskSecrets("only second-line-of-key here", [secret])).toBe("only *** here");
  });

  it("masks the JSON-escaped form of a secret", () => {
    const secret = 'line1\nline2"quoted"\\end';
    const json = JSON.stringify({ credential: secret });
    expect(maskSecrets(json, [secret])).toBe('{"credential":"***"}');
  });

  it("masks the URL-encoded form of a secret", () => {
    expect(maskSecrets("http://root:p%40ss%2Fw0rd@host/", ["p@ss/w0rd"])).toBe("http://root:***@host/");
  });

  it("returns text without secrets unchanged", () => {
    expect(maskSecrets("nothing to hide", ["secret-value"])).toBe("nothing to hide");
  });
});

describe("maskDsn", () => {
  it.each([
    [
      "databend://root:s3cr3t@localhost:8000/default?sslmode=disable",
      "databend://root:***@localhost:8000/default?sslmode=disable",
    ],
    ["databend+http://u:p%40ss@host:8000/", "databend+http://u:***@host:8000/"],
    ["databend://root@localhost:8000/default", "databend://root@localhost:8000/default"],
    ["databend://localhost:8000/default", "databend://localhost:8000/default"],
  ])("masks the password of %s", (dsn, expected) => {
    expect(maskDsn(dsn)).toBe(expected);
  });

  // Bug: mask.ts:27 stops the password at the first `@`; URL parsers (and so the driver) split userinfo at
  // the last `@`, so the rest of a password containing a raw `@` stays visible.
  it("masks all of a password that contains a raw @", () => {
    expect(maskDsn("databend://root:p@ssw0rd@localhost:8000/default")).toBe(
      "databend://root:***@localhost:8000/default",
    );
  });
});

describe("dsnPassword", () => {
  it.each<[string, string | undefined]>([
    ["databend://root:s3cr3t@localhost:8000/default", "s3cr3t"],
    ["databend://root:p%40ss%2Fword@localhost:8000/", "p@ss/word"],
    ["databend://root:100%@localhost:8000/", "100%"],
    ["databend://root@localhost:8000/", undefined],
    ["databend://root:@localhost:8000/", undefined],
    ["not a dsn", undefined],
  ])("reads the password of %s", (dsn, expected) => {
    expect(dsnPassword(dsn)).toBe(expected);
  });

  // Bug: mask.ts:32, same first-`@` split as maskDsn; the driver sees password "p@ssw0rd", this returns "p",
  // which maskSecrets then ignores as too short, so the password is never masked.
  it("reads a password that contains a raw @ as the driver does", () => {
    expect(dsnPassword("databend://root:p@ssw0rd@localhost:8000/default")).toBe("p@ssw0rd");
  });
});
