import type { CheckFailure } from "../../../provider/errors/ValidationError";
import { STORAGE_SPECS, STORAGE_TYPES } from "../../../provider/storage/storageSpecs";
import {
  HF_CONNECTION_REASON,
  validateConnectionInputs,
} from "../../../provider/validation/connectionSchema";
import { UNKNOWN } from "../../../provider/validation/unknowns";

type Inputs = Record<string, unknown>;

const S3_ALLOWED =
  "allowed: endpointUrl, region, accessKeyId, secretAccessKey, sessionToken, roleArn, externalId, enableVirtualHostStyle, masterKey";
const ROLE_ARN = "arn:aws:iam::123456789012:role/databend-access";
const IDENTIFIER_RULE =
  "must be a plain identifier: 1-255 lowercase letters, digits or underscores, not starting with a digit, and not a " +
  "word Databend reserves (such as select, from, stage, connection)";

/** The reason given for a rejected name, with the suggestion made from it. */
function nameReason(suggestion: string): string {
  return (
    `${IDENTIFIER_RULE}. The Databend name defaults to the resource name when \`name\` is not given; ` +
    `pass a valid one, for example name: "${suggestion}"`
  );
}

function s3(extra: Inputs = {}): Inputs {
  return { name: "toronto", storageType: "s3", ...extra };
}

describe("validateConnectionInputs accepts", () => {
  it.each<[string, Inputs]>([
    ["s3 with access keys", s3({ accessKeyId: "AKIA", secretAccessKey: "secret" })],
    ["s3 with a role ARN and external ID", s3({ roleArn: ROLE_ARN, externalId: "ext" })],
    [
      "s3 with a role ARN in another partition",
      s3({ roleArn: "arn:aws-cn:iam::123456789012:role/path/to/role" }),
    ],
    ["s3 with nothing but the type", s3()],
    ["s3 with a session token", s3({ accessKeyId: "a", secretAccessKey: "s", sessionToken: "t" })],
    ["s3 with booleans", s3({ enableVirtualHostStyle: false, adopt: true })],
    [
      "azblob",
      { name: "az", storageType: "azblob", endpointUrl: "https://e", accountName: "n", accountKey: "k" },
    ],
    ["gcs", { name: "g", storageType: "gcs", credential: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" }],
    [
      "oss",
      { name: "o", storageType: "oss", endpointUrl: "https://e", accessKeyId: "i", accessKeySecret: "s" },
    ],
    [
      "oss with a RAM role",
      { name: "o", storageType: "oss", endpointUrl: "https://e", roleArn: "acs:ram::123456:role/db" },
    ],
    ["cos", { name: "c", storageType: "cos", endpointUrl: "https://e", secretId: "i", secretKey: "k" }],
    [
      "obs",
      { name: "b", storageType: "obs", endpointUrl: "https://e", accessKeyId: "i", secretAccessKey: "k" },
    ],
    ["webhdfs", { name: "w", storageType: "webhdfs", https: true, disableListBatch: false, userName: "u" }],
    ["fs", { name: "f", storageType: "fs" }],
    ["a 0.1 fingerprint from an earlier check", s3({ fingerprint: "0123456789abcdef" })],
    ["a fingerprint from an earlier check", s3({ fingerprint: "v2:0123456789abcdef01234567" })],
    ["a name that merely contains a reserved word", s3({ name: "select_stage_connection" })],
    ["a name Databend does not reserve (user)", s3({ name: "user" })],
    [
      "a secret with multi-byte characters away from its ends",
      s3({ accessKeyId: "AKIA", secretAccessKey: "ab\u00e9\u00e9\u20acxyz" }),
    ],
    [
      "a secret that starts and ends with whole multi-byte characters",
      s3({ accessKeyId: "AKIA", secretAccessKey: "\u00e9a-b-c-xyz" }),
    ],
    ["a plain value with multi-byte characters at its ends", s3({ region: "\u00e9u-west-1\u00e9" })],
    // No Databend mask cuts there: before 1.2.919 it keeps the last 3 bytes, from 1.2.919 whole characters.
    [
      "a secret whose 2nd and 3rd bytes are one character",
      s3({ accessKeyId: "AKIA", secretAccessKey: "a\u00e9bcdefgh" }),
    ],
    ["a secret ending in a 3-byte character", s3({ accessKeyId: "AKIA", secretAccessKey: "abcdefgh\u20ac" })],
    ["a plain value with spaces, quotes and a backslash inside", s3({ region: "etl user 2 'a\" \\b" })],
  ])("%s", (_what, inputs) => {
    expect(validateConnectionInputs(inputs)).toEqual([]);
  });
});

describe("validateConnectionInputs rejects", () => {
  it.each<[string, Inputs, CheckFailure[]]>([
    [
      "an unknown key",
      s3({ bucket: "b" }),
      [{ property: "", reason: `bucket is not a parameter of storage type 's3'; ${S3_ALLOWED}` }],
    ],
    [
      "a key of another storage type, naming its owner",
      s3({ accountKey: "k" }),
      [
        {
          property: "",
          reason: `accountKey is not a parameter of storage type 's3' (it belongs to 'azblob'); ${S3_ALLOWED}`,
        },
      ],
    ],
    [
      "a key that several other types own, naming each",
      { name: "g", storageType: "gcs", accessKeyId: "a" },
      [
        {
          property: "accessKeyId",
          reason:
            "is not a parameter of storage type 'gcs' (it belongs to 's3', 'oss', 'obs'); allowed: endpointUrl, credential",
        },
      ],
    ],
    [
      "any parameter on fs",
      { name: "f", storageType: "fs", endpointUrl: "x" },
      [
        {
          property: "endpointUrl",
          reason:
            "is not a parameter of storage type 'fs' (it belongs to 's3', 'azblob', 'gcs', 'oss', 'cos', 'obs'); allowed: none",
        },
      ],
    ],
    ["an empty value", s3({ region: "" }), [{ property: "region", reason: "must not be empty" }]],
    [
      "an externalId without a roleArn",
      s3({ externalId: "ext" }),
      [{ property: "roleArn", reason: "is required when externalId is given" }],
    ],
    [
      "an accessKeyId without a secretAccessKey",
      s3({ accessKeyId: "AKIA" }),
      [{ property: "", reason: "secretAccessKey is required when accessKeyId is given" }],
    ],
    [
      "a secretAccessKey without an accessKeyId",
      s3({ secretAccessKey: "s" }),
      [{ property: "accessKeyId", reason: "is required when secretAccessKey is given" }],
    ],
    [
      "a sessionToken without keys",
      s3({ sessionToken: "t" }),
      [{ property: "accessKeyId", reason: "is required when sessionToken is given" }],
    ],
    [
      "an azblob accountKey without an accountName",
      { name: "a", storageType: "azblob", endpointUrl: "https://e", accountKey: "k" },
      [{ property: "accountName", reason: "is required when accountKey is given" }],
    ],
    [
      "a string for a boolean parameter",
      s3({ enableVirtualHostStyle: "true" }),
      [{ property: "enableVirtualHostStyle", reason: "must be a boolean" }],
    ],
    ["a string for adopt", s3({ adopt: "yes" }), [{ property: "adopt", reason: "must be a boolean" }]],
    [
      "an hf repoType other than dataset or model",
      { name: "h", storageType: "hf", repoType: "space" },
      [
        { property: "storageType", reason: HF_CONNECTION_REASON },
        { property: "repoType", reason: "must be dataset or model" },
      ],
    ],
    [
      "an oss roleArn that is not a RAM role",
      { name: "o", storageType: "oss", endpointUrl: "https://e", roleArn: ROLE_ARN },
      [
        {
          property: "roleArn",
          reason: "must be a RAM role ARN such as acs:ram::1234567890123456:role/databend",
        },
      ],
    ],
  ])("%s", (_what, inputs, expected) => {
    expect(validateConnectionInputs(inputs)).toEqual(expected);
  });

  it.each(["azblob", "oss", "cos", "obs"])("a %s connection without endpointUrl", (storageType) => {
    expect(validateConnectionInputs({ name: "c", storageType })).toEqual([
      { property: "endpointUrl", reason: `is required for storage type '${storageType}'` },
    ]);
  });

  it.each([
    ["upper case", "Toronto", "toronto"],
    ["a dash (a Pulumi-style resource name)", "toronto-conn", "toronto_conn"],
    ["a leading digit", "1conn", "_1conn"],
    ["an injection attempt", "c; DROP CONNECTION x", "c__drop_connection_x"],
    ["the empty string", "", "_"],
  ])("a name with %s, suggesting a valid one", (_what, name, suggestion) => {
    expect(validateConnectionInputs(s3({ name }))).toEqual([
      { property: "name", reason: nameReason(suggestion) },
    ]);
  });

  it.each(["select", "stage", "connection", "from", "SELECT", "where", "union"])(
    "the reserved word %s as a name",
    (name) => {
      expect(validateConnectionInputs(s3({ name }))).toEqual([
        { property: "name", reason: expect.stringContaining(IDENTIFIER_RULE) },
      ]);
    },
  );

  const WHITESPACE = "must not start or end with whitespace or a line break";
  it.each<[string, Inputs, CheckFailure]>([
    [
      "a trailing newline in a secret, on the resource",
      s3({ accessKeyId: "AKIA", secretAccessKey: "s3cr3t-value\n" }),
      {
        property: "",
        reason: expect.stringMatching(new RegExp(`^secretAccessKey ${WHITESPACE}`)) as unknown as string,
      },
    ],
    [
      "a leading space in a plain value, on the property",
      s3({ region: " us-east-2" }),
      {
        property: "region",
        reason: expect.stringMatching(new RegExp(`^${WHITESPACE}`)) as unknown as string,
      },
    ],
    [
      "a trailing tab in a key ID, on the property",
      s3({ accessKeyId: "AKIA\t", secretAccessKey: "s3cr3t" }),
      {
        property: "accessKeyId",
        reason: expect.stringMatching(new RegExp(`^${WHITESPACE}`)) as unknown as string,
      },
    ],
  ])("%s", (_what, inputs, expected) => {
    expect(validateConnectionInputs(inputs)).toEqual([expected]);
  });

  it.each<[string, string]>([
    ["its last 3 bytes (a character straddling them)", "abcdefgh\u00e9yz"],
    ["its last 3 bytes (a 4-byte character at the end)", "abcdefgh\u{1f511}"],
    ["its last 3 bytes (two 2-byte characters at the end)", "abcdefgh\u00e9\u00e9"],
  ])("a secret whose multi-byte character is cut by %s", (_what, secretAccessKey) => {
    const failures = validateConnectionInputs(s3({ accessKeyId: "AKIA", secretAccessKey }));
    expect(failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(
          /^secretAccessKey must not have a multi-byte \(non-ASCII\) character cut by its last 3 bytes/,
        ),
      },
    ]);
    expect(failures[0]?.reason).not.toContain(secretAccessKey);
  });

  it.each<[string, Inputs]>([
    ["the issue's webhdfs user name", { name: "w", storageType: "webhdfs", userName: "gar\u00e7on" }],
    ["an S3 region", s3({ region: "us-\u00e9ab" })],
    ["an S3 endpoint", s3({ endpointUrl: "https://h/\u{1f511}" })],
    ["an access key ID", s3({ accessKeyId: "AKIA\u00e9yz", secretAccessKey: "s" })],
  ])(
    "a plain value whose multi-byte character the mask cuts (%s): every connection value is masked",
    (_what, inputs) => {
      const failures = validateConnectionInputs(inputs);
      expect(failures).toHaveLength(1);
      expect(failures[0]?.property).toMatch(/^(userName|region|endpointUrl|accessKeyId)$/);
      expect(failures[0]?.reason).toMatch(
        /^must not have a multi-byte \(non-ASCII\) character cut by its last 3 bytes.*Fix: /,
      );
    },
  );

  it.each(
    STORAGE_TYPES.flatMap((t) =>
      Object.entries(STORAGE_SPECS[t].params)
        .filter(([, p]) => p.secret && p.type === "string")
        .map(([k]) => [t, k] as const),
    ),
  )(
    "a bad %s secret %s on the resource, never on the property (Pulumi would print its value)",
    (storageType, key) => {
      const value = " leaked-secret-value ";
      const failures = validateConnectionInputs({ name: "c", storageType, [key]: value });
      const own = failures.filter((f) => f.reason.startsWith(`${key} `));
      expect(own.length).toBeGreaterThan(0);
      for (const f of failures) {
        if (f.property === key) throw new Error(`failure on the secret property ${key}: ${f.reason}`);
        expect(f.reason).not.toContain("leaked-secret-value");
      }
    },
  );

  it.each([
    ["an IAM user ARN", "arn:aws:iam::123456789012:user/bob"],
    ["an S3 bucket ARN", "arn:aws:s3:::bucket"],
    ["an account ID with 11 digits", "arn:aws:iam::12345678901:role/r"],
    ["a role with no name", "arn:aws:iam::123456789012:role/"],
    ["plain text", "databend-access"],
  ])("a roleArn that is %s", (_what, roleArn) => {
    expect(validateConnectionInputs(s3({ roleArn }))).toEqual([
      {
        property: "roleArn",
        reason: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/databend-access",
      },
    ]);
  });

  it.each<[string, unknown, string]>([
    ["missing", undefined, "must be one of s3, azblob, gcs, oss, cos, obs, hf, webhdfs, fs (it is required)"],
    ["unknown", "s4", 'must be one of s3, azblob, gcs, oss, cos, obs, hf, webhdfs, fs, not "s4"'],
    ["upper case", "S3", 'must be one of s3, azblob, gcs, oss, cos, obs, hf, webhdfs, fs, not "S3"'],
  ])("a storageType that is %s", (_what, storageType, reason) => {
    expect(validateConnectionInputs({ name: "c", storageType })).toEqual([
      { property: "storageType", reason },
    ]);
  });

  it("reports every failure at once", () => {
    const failures = validateConnectionInputs(s3({ name: "Bad", accountKey: "k", region: "", roleArn: "x" }));
    expect(failures.map((f) => f.property).sort()).toEqual(["", "name", "region", "roleArn"]);
    expect(failures.find((f) => f.property === "")?.reason).toMatch(/^accountKey is not a parameter/);
  });

  it("gives every failure a reason, naming the property in it when the failure is on the resource", () => {
    const inputs: Inputs[] = [
      s3({ name: "Bad", accountKey: "k", region: "", roleArn: "x", externalId: "e", accessKeyId: "a" }),
      { name: "c", storageType: "cos", secretId: 1, foo: "bar" },
      { name: "c", storageType: "nope" },
    ];
    for (const i of inputs) {
      for (const f of validateConnectionInputs(i)) {
        expect(f.reason).toMatch(/\S{3}/);
        if (f.property === "") expect(f.reason).toMatch(/^[a-zA-Z]+ /);
      }
    }
  });
});

describe("validateConnectionInputs with unknown values (preview)", () => {
  it.each<[string, Inputs]>([
    ["an unknown name", s3({ name: UNKNOWN })],
    ["an unknown storageType", { name: "c", storageType: UNKNOWN, accessKeyId: "a" }],
    ["an unknown secret next to its pair", s3({ accessKeyId: "AKIA", secretAccessKey: UNKNOWN })],
    ["an unknown key ID next to its pair", s3({ accessKeyId: UNKNOWN, secretAccessKey: "s" })],
    ["an unknown roleArn with an externalId", s3({ roleArn: UNKNOWN, externalId: "ext" })],
    ["an unknown required endpointUrl", { name: "a", storageType: "azblob", endpointUrl: UNKNOWN }],
    ["an unknown boolean", s3({ enableVirtualHostStyle: UNKNOWN })],
    ["everything unknown", { name: UNKNOWN, storageType: UNKNOWN }],
  ])("are never failures: %s", (_what, inputs) => {
    expect(validateConnectionInputs(inputs)).toEqual([]);
  });

  it("still reports failures in the known part", () => {
    expect(validateConnectionInputs(s3({ name: UNKNOWN, region: "", secretAccessKey: UNKNOWN }))).toEqual([
      { property: "region", reason: "must not be empty" },
    ]);
  });
});

describe("an hf connection (issue 18: every Databend version refuses it)", () => {
  it("is refused at preview with the stage-with-inline-credentials alternative", () => {
    expect(
      validateConnectionInputs({
        name: "h",
        storageType: "hf",
        repoType: "model",
        revision: "main",
        token: "t",
      }),
    ).toEqual([{ property: "storageType", reason: HF_CONNECTION_REASON }]);
    expect(HF_CONNECTION_REASON).toContain('url "hf://<owner>/<repo>/<path>/" and inline credentials');
  });
});
