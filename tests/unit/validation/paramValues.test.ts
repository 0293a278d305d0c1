import { printableFailures, suggestIdentifier } from "../../../provider/validation/failures";
import { paramValueFailures, valueProblem } from "../../../provider/validation/paramValues";
import { validateConnectionInputs } from "../../../provider/validation/connectionSchema";
import { validateStageInputs } from "../../../provider/validation/stageSchema";

describe("valueProblem", () => {
  it.each<[string, string, boolean]>([
    ["an ASCII secret", "wJalrXUtnFEMI/K7MDENG", true],
    ["a secret with multi-byte characters in the middle", "ab\u00e9\u20ac\u{1f511}xyz", true],
    ["a secret starting with a whole 2-byte character", "\u00e9abcdef", true],
    ["a secret ending with a whole 2-byte character (cut by neither mask)", "abcdef\u00e9", true],
    // Before 1.2.919 Databend keeps the last 3 bytes; from 1.2.919 it keeps 2 characters at each end.
    ["a masked value with a 2-byte character across byte 2 (no mask cuts there)", "a\u00e9bcdef", true],
    ["a masked value with a 3-byte character across byte 2", "\u20acbcdef", true],
    ["a masked value ending in a 3-byte character (its last 3 bytes exactly)", "abcdef\u20ac", true],
    ["a masked value ending in an ASCII and a 2-byte character", "Ren\u00e9e\u00e9", true],
    ["a masked value ending in a 2-byte and an ASCII character", "abcdef\u00e9z", true],
    ["a masked value of at most 3 bytes (shown in clear)", "\u00e9a", true],
    ["a masked value that is one 3-byte character", "\u20ac", true],
    ["a masked value with spaces, quotes, a backslash and a tab inside", "etl user 2 'x\"\\\ty", true],
    ["a plain value with multi-byte characters at its ends", "\u00e9t\u00e9", false],
    ["an unmasked value that a mask would cut", "gar\u00e7on", false],
    ["a short plain value", "a", false],
  ])("accepts %s", (_what, value, secret) => {
    expect(valueProblem(value, secret)).toBeUndefined();
  });

  it.each<[string, string]>([
    ["a leading space", " value"],
    ["a trailing newline", "value\n"],
    ["a trailing CRLF", "value\r\n"],
    ["a leading tab", "\tvalue"],
    ["a non-breaking space at the end", "value\u00a0"],
  ])("rejects %s, in a secret or a plain value", (_what, value) => {
    for (const secret of [true, false]) {
      expect(valueProblem(value, secret)).toMatch(/^must not start or end with whitespace or a line break/);
    }
  });

  it.each<[string, string]>([
    ["a 2-byte character across the last 3 bytes", "abcdef\u00e9yz"],
    ["a 4-byte character at the end", "abcdef\u{1f511}"],
    ["two 2-byte characters at the end (the first cut by the last-3 mask)", "abcdef\u00e9\u00e9"],
    ["the issue's webhdfs user name", "gar\u00e7on"],
    ["a 3-byte character one byte before the end", "abcd\u20acz"],
    ["a 4-byte character as the whole value", "\u{1f511}"],
  ])("rejects a masked value with %s, naming the rule, what is allowed and the fix", (_what, value) => {
    const reason = valueProblem(value, true);
    expect(reason).toMatch(/^must not have a multi-byte \(non-ASCII\) character cut by its last 3 bytes/);
    expect(reason).toMatch(/code 1001/);
    expect(reason).toMatch(/Allowed: /);
    expect(reason).toMatch(/Fix: /);
    expect(valueProblem(value, false)).toBeUndefined();
  });

  it("never quotes the value", () => {
    expect(valueProblem(" s3cret-value ", true)).not.toContain("s3cret-value");
    expect(valueProblem("s3cret-value\u00e9yz", true)).not.toContain("s3cret-value");
  });
});

describe("paramValueFailures", () => {
  it("names each bad parameter, with a prefix when given", () => {
    expect(
      paramValueFailures(
        "s3",
        { accessKeyId: "AKIA ", secretAccessKey: "ok-secret", region: "\nus" },
        "credentials.",
      ),
    ).toEqual([
      {
        property: "credentials.region",
        reason: expect.stringMatching(/^must not start or end with whitespace/),
      },
      {
        property: "credentials.accessKeyId",
        reason: expect.stringMatching(/^must not start or end with whitespace/),
      },
    ]);
  });

  it("checks every connection value for the mask rule, secret or not", () => {
    expect(
      paramValueFailures("webhdfs", { userName: "gar\u00e7on", delegation: "tok\u00e9nz" }).map(
        (f) => f.property,
      ),
    ).toEqual(["delegation", "userName"]);
    expect(
      paramValueFailures("s3", { region: "gar\u00e7on", endpointUrl: "http://h/gar\u00e7on" }),
    ).toHaveLength(2);
  });

  it("checks every value of a stage's credentials too (CREATE STAGE masks its CONNECTION clause)", () => {
    const creds = {
      accessKeyId: "gar\u00e7on",
      secretAccessKey: "gar\u00e7on",
      region: "gar\u00e7on",
      endpointUrl: "http://h/gar\u00e7on",
    };
    expect(paramValueFailures("s3", creds, "credentials.").map((f) => f.property)).toEqual([
      "credentials.endpointUrl",
      "credentials.region",
      "credentials.accessKeyId",
      "credentials.secretAccessKey",
    ]);
  });

  it("ignores keys that are not parameters of the type, and values that are not strings", () => {
    expect(paramValueFailures("s3", { bucket: " b ", enableVirtualHostStyle: true })).toEqual([]);
  });
});

describe("printableFailures", () => {
  const displayable = new Set(["name", "region"]);

  it("keeps failures on displayable properties and on the resource as they are", () => {
    const failures = [
      { property: "name", reason: "must be a plain identifier" },
      { property: "", reason: "no Databend DSN" },
    ];
    expect(printableFailures(failures, displayable)).toEqual(failures);
  });

  it.each([
    ["a secret", "secretAccessKey"],
    ["an unknown key", "secretAccesKey"],
    ["a nested path", "credentials.secretAccessKey"],
    ["a file format option", "fileFormat.type"],
  ])("moves a failure on %s to the resource, naming the property in the reason", (_what, property) => {
    expect(printableFailures([{ property, reason: "is wrong" }], displayable)).toEqual([
      { property: "", reason: `${property} is wrong` },
    ]);
  });
});

describe("suggestIdentifier", () => {
  it.each([
    ["toronto-conn", "toronto_conn"],
    ["Toronto", "toronto"],
    ["1conn", "_1conn"],
    ["my.stage", "my_stage"],
    ["", "_"],
    ["z\u00fcrich", "z_rich"],
  ])("suggests a plain identifier for %j: %j", (name, suggestion) => {
    expect(suggestIdentifier(name)).toBe(suggestion);
  });

  it("keeps the suggestion within 255 characters", () => {
    expect(suggestIdentifier("a".repeat(300))).toHaveLength(255);
  });
});

describe("suggestIdentifier for a reserved word (issue 18)", () => {
  it.each([
    ["inner", "stage", "inner_stage"],
    ["select", "connection", "select_connection"],
    ["SELECT", "stage", "select_stage"],
    ["From", "connection", "from_connection"],
  ])("suggests for %s (%s) a name that is not the same word", (name, kind, suggestion) => {
    expect(suggestIdentifier(name, kind)).toBe(suggestion);
  });

  it("names the suffixed name in the hint of a Stage and of a Connection", () => {
    const stage = validateStageInputs({ name: "inner" });
    expect(stage.map((f) => f.reason).join()).toContain('for example name: "inner_stage"');
    const conn = validateConnectionInputs({ name: "select", storageType: "fs" });
    expect(conn.map((f) => f.reason).join()).toContain('for example name: "select_connection"');
  });
});

describe("a GCS credential (issue 18: base64 of the JSON key file)", () => {
  const key = JSON.stringify({ type: "service_account", project_id: "p", private_key: "-----BEGIN..." });
  const good = Buffer.from(key).toString("base64");

  it("accepts the base64 of a JSON key file, on a Connection and in a Stage's credentials", () => {
    expect(validateConnectionInputs({ name: "g", storageType: "gcs", credential: good })).toEqual([]);
    expect(validateStageInputs({ name: "s", url: "gcs://b/p/", credentials: { credential: good } })).toEqual(
      [],
    );
  });

  it.each([
    ["the raw JSON key file", key, "not its JSON text"],
    ["base64 wrapped over lines (base64 without -w0)", `${good.slice(0, 20)}\n${good.slice(20)}`, "one line"],
    ["base64 of something else", Buffer.from("not json").toString("base64"), "not of a JSON key file"],
    ["a path to the key file", "/home/me/key.json", "base64 (one line"],
  ])("refuses %s with the fix, never quoting the value", (_what, value, reason) => {
    const failures = validateConnectionInputs({ name: "g", storageType: "gcs", credential: value });
    expect(failures).toHaveLength(1);
    expect(failures[0]?.reason).toContain(reason);
    expect(failures[0]?.reason).toContain("`base64 -w0 key.json`");
    expect(failures[0]?.reason).not.toContain(value);
    expect(failures[0]?.property).toBe(""); // a secret: reported on the resource, not the property
    const inStage = validateStageInputs({ name: "s", url: "gcs://b/p/", credentials: { credential: value } });
    expect(inStage.map((f) => f.reason).join()).toContain("credentials.credential");
  });
});
