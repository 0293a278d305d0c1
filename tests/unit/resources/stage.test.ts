import { isDatabendError } from "../../../provider/errors/DatabendError";
import type { Props } from "../../../provider/resources/handlers";
import { isClaimed, resetClaims } from "../../../provider/resources/claims";
import {
  ALTER_STAGE_SINCE,
  credentialsFingerprint,
  parseStage,
  reconcileFileFormat,
  staleCopyWarning,
  stageHandlers,
} from "../../../provider/resources/stage";
import { connectionFingerprint, legacyConnectionFingerprint } from "../../../provider/storage/fingerprint";
import { UNKNOWN } from "../../../provider/validation/unknowns";
import { CHANGED_OUTSIDE } from "../../../provider/secrets/secretDrift";
import { maskDigests } from "../../../provider/secrets/maskDigest";
import { maskBefore1_2_919, maskLikeDatabend } from "../../../provider/storage/masking";
import { setNoticeSink } from "../../../provider/resources/notices";
import { freshDeployment } from "../../helpers/deployment";
import { resetStackIdentity, setStackIdentity } from "../../../provider/resources/stackIdentity";
import { FakeSession, noSession } from "../../helpers/fakeSession";
import { fingerprintOf } from "../../helpers/fingerprints";

const deployment = freshDeployment();
afterEach(resetStackIdentity);

/** The stack identity the tests deploy as, and its owner marker. */
const ME = "proj/dev";
const MINE = "[pulumi-databend:proj/dev]";

const FP_OLD = connectionFingerprint(
  "s3",
  { accessKeyId: "AKIAOLD", secretAccessKey: "old-secret" },
  "toronto",
);
const FP_NEW = connectionFingerprint(
  "s3",
  { accessKeyId: "AKIAOLD", secretAccessKey: "rotated-secret" },
  "toronto",
);
/** What package 0.1 recorded as the fingerprint of the same connection. */
const FP_LEGACY = legacyConnectionFingerprint("s3", {
  accessKeyId: "AKIAOLD",
  secretAccessKey: "old-secret",
});
const NEW_SERVER = "1.2.900";
const OLD_SERVER = "1.2.800";
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** Inputs of the seed stage `my_s3_stage` on connection `toronto`, as the SDK sends them. */
function s3Stage(extra: Props = {}): Props {
  return {
    name: "my_s3_stage",
    url: "s3://databend-toronto/",
    connectionName: "toronto",
    connectionStorageType: "s3",
    connectionFingerprint: FP_OLD,
    ...extra,
  };
}

function internalStage(extra: Props = {}): Props {
  return { name: "raw", ...extra };
}

/**
 * `inputs` with the optional inputs spelled out at their defaults. The state stores these defaults, and
 * diff compares them with absent inputs as a change (see the failing test "reports no change when the
 * optional inputs are left out"), so tests about other behaviour pass them explicitly.
 */
function settled(inputs: Props): Props {
  return { onConnectionChange: "keep", forceDestroy: false, adopt: false, ...inputs };
}

/** The state after a successful create of `inputs` on a current server, in an earlier deployment. */
async function created(inputs: Props): Promise<Props> {
  const { outs } = await stageHandlers(new FakeSession(NEW_SERVER).factory()).create(inputs);
  resetClaims();
  return outs;
}

/** Parquet defaults as `system.stages.file_format_options` lists them. */
const PARQUET_DEFAULTS = {
  compression: "Zstd",
  missing_field_as: "Error",
  null_if: [],
  type: "Parquet",
  use_logic_type: true,
};

/** CSV as the server lists it (every option, with its default) for `{type: CSV, fieldDelimiter: "|", skipHeader: 1}`. */
const CSV_SERVER = {
  allow_quoted_nulls: false,
  binary_format: "Hex",
  compression: "None",
  empty_field_as: "Null",
  encoding: "utf-8",
  error_on_column_count_mismatch: true,
  escape: "",
  field_delimiter: "|",
  geometry_format: "Wkt",
  nan_display: "NaN",
  null_display: "\\N",
  output_header: false,
  quote: '"',
  record_delimiter: "\n",
  headers: 1,
  trim_space: false,
  type: "Csv",
};

/** A `DESC STAGE` row in the 13-column layout (1.2.870 and later). */
function externalRow(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "my_s3_stage",
    stage_type: "External",
    storage_type: "s3",
    url: "s3://databend-toronto/",
    endpoint: "https://s3.amazonaws.com",
    has_credentials: true,
    has_encryption_key: false,
    storage_params: JSON.stringify({
      access_key_id: "***",
      bucket: "databend-toronto",
      endpoint_url: "https://s3.amazonaws.com",
      region: "us-east-2",
      root: "/",
      secret_access_key: "ol***et",
      type: "S3",
    }),
    file_format_options: JSON.stringify(PARQUET_DEFAULTS),
    creator: "'root'@'%'",
    created_on: "2026-01-20 10:00:00.000000",
    comment: "",
    owner: "account_admin",
    ...over,
  };
}

function internalRow(over: Record<string, unknown> = {}): Record<string, unknown> {
  return externalRow({
    name: "raw",
    stage_type: "Internal",
    storage_type: null,
    url: null,
    endpoint: null,
    has_credentials: false,
    storage_params: null,
    ...over,
  });
}

/** A `DESC STAGE` row in the 9-column layout of servers before 1.2.870. */
function oldLayoutRow(): Record<string, unknown> {
  return {
    name: "my_s3_stage",
    stage_type: "External",
    stage_params:
      'StageParams { storage: S3(StorageS3Config { endpoint_url: "https://s3.amazonaws.com", region: "us-east-1", ' +
      'bucket: "databend-toronto", root: "/", disable_credential_loader: false, enable_virtual_host_style: false, ' +
      'role_arn: "", external_id: "", access_key_id: "******123", secret_access_key: "******abc", ' +
      'security_token: "", master_key: "" }) }',
    file_format_options:
      "Parquet(ParquetFileFormatParams { compression: Zstd, missing_field_as: Error, null_if: [], use_logic_type: true })",
    number_of_files: null,
    creator: "'root'@'%'",
    created_on: "2025-11-01 10:00:00.000000",
    comment: "",
    owner: "account_admin",
  };
}

describe("stage check", () => {
  it("returns the inputs without host keys and no failures for valid inputs", async () => {
    const r = await stageHandlers(noSession()).check({}, { ...s3Stage(), __provider: "serialized" });
    expect(r).toEqual({
      inputs: { ...s3Stage(), onConnectionChange: "keep", forceDestroy: false, adopt: false },
      failures: [],
    });
  });

  it("returns failures without touching the database", async () => {
    const r = await stageHandlers(noSession()).check({}, s3Stage({ url: "gcs://databend-toronto/" }));
    expect(r.failures).toEqual([expect.objectContaining({ property: "url" })]);
  });
});

describe("stage check keeps the connection fingerprint it recorded", () => {
  const olds = settled(s3Stage());

  it("while the stage keeps its copy: the inputs stay as they were, so Pulumi has nothing to write", async () => {
    const r = await stageHandlers(noSession()).check(olds, s3Stage({ connectionFingerprint: FP_NEW }));
    expect(r.inputs.connectionFingerprint).toBe(FP_OLD);
    expect(r.inputs).toEqual(olds);
  });

  it.each([
    [
      'onConnectionChange is "recreate"',
      s3Stage({ connectionFingerprint: FP_NEW, onConnectionChange: "recreate" }),
    ],
    [
      "the stage now refers to another connection",
      s3Stage({ connectionFingerprint: FP_NEW, connectionName: "other" }),
    ],
  ])("lets the current fingerprint through when %s", async (_what, news) => {
    const r = await stageHandlers(noSession()).check(olds, news);
    expect(r.inputs.connectionFingerprint).toBe(FP_NEW);
  });

  it("lets the current fingerprint through when a re-capture of this stage is requested", async () => {
    deployment.setEnv("DATABEND_RECAPTURE", "my_s3_stage");
    const r = await stageHandlers(noSession()).check(olds, s3Stage({ connectionFingerprint: FP_NEW }));
    expect(r.inputs.connectionFingerprint).toBe(FP_NEW);
  });

  it("takes the fingerprint as given on create (no previous inputs)", async () => {
    const r = await stageHandlers(noSession()).check({}, s3Stage({ connectionFingerprint: FP_NEW }));
    expect(r.inputs.connectionFingerprint).toBe(FP_NEW);
  });
});

describe("stage create", () => {
  it("creates an internal stage with a bare CREATE STAGE", async () => {
    const db = new FakeSession(NEW_SERVER);
    const r = await stageHandlers(db.factory()).create(internalStage());
    expect(db.statements).toEqual(["CREATE STAGE raw"]);
    expect(r.id).toBe("raw");
    expect(r.outs).toMatchObject({ name: "raw", stageType: "Internal", stateVersion: 2 });
    expect(r.outs.capturedConnection).toBeUndefined();
  });

  it("creates an external stage with CONNECTION_NAME and captures the connection", async () => {
    const before = new Date().toISOString();
    const db = new FakeSession(NEW_SERVER);
    const r = await stageHandlers(db.factory()).create(s3Stage());
    expect(db.statements).toEqual([
      "CREATE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    ]);
    expect(r.outs).toMatchObject({
      name: "my_s3_stage",
      url: "s3://databend-toronto/",
      stageType: "External",
      connectionName: "toronto",
      connectionStorageType: "s3",
      connectionFingerprint: FP_OLD,
      onConnectionChange: "keep",
      forceDestroy: false,
      capturedConnection: {
        name: "toronto",
        storageType: "s3",
        fingerprint: FP_OLD,
        capturedAt: expect.stringMatching(ISO_TIME),
      },
    });
    const captured = r.outs.capturedConnection as { capturedAt: string };
    expect(captured.capturedAt >= before).toBe(true);
  });

  it("creates with a file format", async () => {
    const db = new FakeSession(NEW_SERVER);
    await stageHandlers(db.factory()).create(
      internalStage({ fileFormat: { type: "CSV", fieldDelimiter: "|", skipHeader: 1 } }),
    );
    expect(db.statements).toEqual([
      "CREATE STAGE raw FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' SKIP_HEADER = 1)",
    ]);
  });

  it("creates with inline credentials and tells the session which values are secret", async () => {
    const db = new FakeSession(NEW_SERVER);
    await stageHandlers(db.factory()).create({
      name: "landing",
      url: "s3://bucket/in/",
      credentials: { accessKeyId: "AKIA", secretAccessKey: "in-line-secret" },
    });
    expect(db.statements).toEqual([
      "CREATE STAGE landing URL = 's3://bucket/in/' CONNECTION = (ACCESS_KEY_ID = 'AKIA' SECRET_ACCESS_KEY = 'in-line-secret')",
    ]);
    expect(db.log[0]?.ctx.secrets).toEqual(["in-line-secret"]);
  });

  it("records inline credentials only as their fingerprint, salted at random per stage", async () => {
    const inputs = {
      name: "landing",
      url: "s3://bucket/in/",
      credentials: { accessKeyId: "AKIA", secretAccessKey: "in-line-secret" },
    };
    const { outs } = await stageHandlers(new FakeSession(NEW_SERVER).factory()).create(inputs);
    expect(outs).not.toHaveProperty("credentials");
    expect(outs).toMatchObject({
      credentialsFingerprint: fingerprintOf(
        "s3",
        { accessKeyId: "AKIA", secretAccessKey: "in-line-secret" },
        "stage/landing",
      ),
    });
    expect(JSON.stringify(outs)).not.toContain("in-line-secret");
  });

  it("claims the name, so a later delete of a replaced resource keeps it", async () => {
    await stageHandlers(new FakeSession(NEW_SERVER).factory()).create(s3Stage());
    expect(isClaimed("stage", "my_s3_stage")).toBe(true);
  });

  it("sets a comment with ALTER STAGE after CREATE STAGE, which ignores COMMENT", async () => {
    const db = new FakeSession(NEW_SERVER);
    const r = await stageHandlers(db.factory()).create(internalStage({ comment: "landing zone" }));
    expect(db.statements).toEqual(["CREATE STAGE raw", "ALTER STAGE raw SET COMMENT = 'landing zone'"]);
    expect(r.outs.comment).toBe("landing zone");
  });

  it("records a created stage whose comment could not be set, so it is not orphaned", async () => {
    const db = new FakeSession(NEW_SERVER).fail(
      /^ALTER STAGE/,
      1063,
      "Permission denied: privilege [Alter] is required",
    );
    const err = (await stageHandlers(db.factory())
      .create(internalStage({ comment: "landing zone" }))
      .catch((e: unknown) => e)) as { name: string; id: string; properties: Props };
    expect(err.name).toBe("ResourceInitError");
    expect(err.id).toBe("raw");
    expect(err.properties).toMatchObject({ name: "raw", stageType: "Internal", comment: undefined });
  });

  it("fails on an existing stage elsewhere (2502), saying this resource did not create it and how to take it over", async () => {
    const db = new FakeSession(NEW_SERVER)
      .fail(/^CREATE STAGE/, 2502, "Stage 'my_s3_stage' already exists.")
      .respond(/^DESC STAGE/, [externalRow({ url: "s3://someone-else/" })]);
    const err = await stageHandlers(db.factory())
      .create(s3Stage())
      .catch((e: unknown) => e);
    expect(isDatabendError(err)).toBe(true);
    expect(err).toMatchObject({ serverCode: 2502, code: "AlreadyExists", retryable: false });
    const message = (err as Error).message;
    expect(message).toContain("already exists. Stage 'my_s3_stage' already exists with another location");
    expect(message).toContain("`adopt: true`");
    expect(message).toContain("`DATABEND_ADOPT=my_s3_stage pulumi up`");
    expect(message).toContain("`aliases`");
    expect(message).not.toContain("DATABEND_RECAPTURE");
    expect(db.statements).toEqual([
      expect.stringMatching(/^CREATE STAGE my_s3_stage /),
      "DESC STAGE my_s3_stage",
    ]);
  });

  /** What create of `inputs` says, deploying as stack ME, when `row` already holds the name (2502). */
  async function createOverExisting(inputs: Props, row: Record<string, unknown>): Promise<Error> {
    setStackIdentity(ME);
    const db = new FakeSession(NEW_SERVER)
      .fail(/^CREATE STAGE/, 2502, `Stage '${String(inputs.name)}' already exists.`)
      .respond(/^DESC STAGE/, [row]);
    return (await stageHandlers(db.factory())
      .create(inputs)
      .catch((e: unknown) => e)) as Error;
  }

  it.each<[string, Props, Record<string, unknown>]>([
    ["an external stage with this URL", s3Stage(), externalRow({ comment: MINE })],
    ["an internal stage, wanted internal", internalStage(), internalRow({ comment: MINE })],
  ])(
    "fails on %s (2502) carrying this stack's marker, saying it is this stack's own",
    async (_what, inputs, row) => {
      const name = String(inputs.name);
      const err = await createOverExisting(inputs, row);
      expect(err).toMatchObject({ serverCode: 2502 });
      expect(err.message).toContain(
        `Stage '${name}' already exists with this location. If this stack manages it`,
      );
      expect(err.message).toContain(`\`DATABEND_RECAPTURE=${name} pulumi up\``);
      expect(err.message).toContain("`aliases`");
      expect(err.message).toContain(`\`DATABEND_ADOPT=${name} pulumi up\``);
      expect(err.message).toContain(`Evidence: its comment carries this stack's marker \`${MINE}\``);
    },
  );

  it.each<[string, Props, Record<string, unknown>, RegExp]>([
    ["no marker", internalStage(), internalRow(), /its comment carries no stack's marker/],
    [
      "another stack's marker",
      s3Stage(),
      externalRow({ comment: "theirs [pulumi-databend:proj/prod]" }),
      /its comment carries the marker of stack 'proj\/prod', not this stack's \('proj\/dev'\)/,
    ],
  ])(
    "fails on a stage with this location and %s (2502), saying nothing proves it is this stack's",
    async (_w, inputs, row, evidence) => {
      const name = String(inputs.name);
      const err = await createOverExisting(inputs, row);
      expect(err.message).toContain(
        `Stage '${name}' already exists with this location, but nothing proves this stack made it.`,
      );
      expect(err.message).toMatch(evidence);
      expect(err.message).not.toMatch(/most likely/);
      expect(err.message).toContain(`\`DATABEND_ADOPT=${name} pulumi up\``);
    },
  );

  it("says 'another location' when an internal stage exists where an external one is wanted", async () => {
    const db = new FakeSession(NEW_SERVER)
      .fail(/^CREATE STAGE/, 2502, "Stage 'my_s3_stage' already exists.")
      .respond(/^DESC STAGE/, [internalRow({ name: "my_s3_stage" })]);
    await expect(stageHandlers(db.factory()).create(s3Stage())).rejects.toThrow(
      /already exists with another location/,
    );
  });

  it.each([
    ["names the stage", "my_s3_stage", undefined],
    ["is * and the stage carries this stack's marker", "*", MINE],
  ])("takes an existing stage over when DATABEND_ADOPT %s", async (_what, value, comment) => {
    setStackIdentity(ME);
    deployment.setEnv("DATABEND_ADOPT", value);
    const db = new FakeSession(NEW_SERVER)
      .fail(/^CREATE STAGE/, 2502, "Stage 'my_s3_stage' already exists.", { times: 1 })
      .respond(/^DESC STAGE/, [externalRow({ comment })]);
    const r = await stageHandlers(db.factory()).create(s3Stage());
    expect(db.statements).toContain(
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    );
    expect(r.id).toBe("my_s3_stage");
    expect(isClaimed("stage", "my_s3_stage")).toBe(true);
  });

  it("explains a missing connection (2510 wrapped in 4000)", async () => {
    const db = new FakeSession(NEW_SERVER).fail(
      /^CREATE STAGE/,
      4000,
      "invalid input parameter (fail to get connection_name toronto: UnknownConnection. Code: 2510, Text = " +
        "Connection 'toronto' does not exist.\nNotFound when get.)",
    );
    await expect(stageHandlers(db.factory()).create(s3Stage())).rejects.toThrow(
      /create the Connection first/,
    );
  });
});

describe("stage create with adopt", () => {
  const exists = (db: FakeSession): FakeSession =>
    db.fail(/^CREATE STAGE/, 2502, "Stage 'x' already exists.", { times: 1 });

  it("takes over an existing external stage with ALTER STAGE on a current server", async () => {
    const db = exists(new FakeSession(NEW_SERVER)).respond(/^DESC STAGE/, [externalRow()]);
    const r = await stageHandlers(db.factory()).create(s3Stage({ adopt: true }));
    expect(db.statements).toEqual([
      "CREATE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
      "DESC STAGE my_s3_stage",
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
      "ALTER STAGE my_s3_stage UNSET FILE_FORMAT",
      "ALTER STAGE my_s3_stage UNSET COMMENT",
    ]);
    expect(r.outs.capturedConnection).toMatchObject({ name: "toronto", fingerprint: FP_OLD });
  });

  it("replaces an existing external stage with CREATE OR REPLACE where ALTER STAGE is missing", async () => {
    const db = exists(new FakeSession("1.2.866")).respond(/^DESC STAGE/, [externalRow()]);
    await stageHandlers(db.factory()).create(s3Stage({ adopt: true }));
    // No ALTER STAGE ... COMMENT either: the server has no ALTER STAGE.
    expect(db.statements).toEqual([
      "CREATE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
      "DESC STAGE my_s3_stage",
      "CREATE OR REPLACE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    ]);
  });

  it("says that a server without ALTER STAGE cannot store a comment", async () => {
    const db = new FakeSession("1.2.810");
    const h = stageHandlers(db.factory());
    await expect(h.create(s3Stage({ comment: "mine" }))).rejects.toThrow(
      "create stage my_s3_stage: Databend 1.2.810 cannot store a stage comment (it ignores COMMENT in CREATE STAGE " +
        "and has no ALTER STAGE, which arrived in 1.2.867); remove `comment` or upgrade the server",
    );
    expect(db.statements).toEqual([]); // refused before anything is created
    const olds = await created(s3Stage());
    await expect(h.update("my_s3_stage", olds, s3Stage({ comment: "mine" }))).rejects.toThrow(
      /cannot store a stage comment/,
    );
    expect(db.statements).toEqual([]);
  });

  it("never replaces an existing internal stage when an external one is wanted", async () => {
    const db = exists(new FakeSession(NEW_SERVER)).respond(/^DESC STAGE/, [
      internalRow({ name: "my_s3_stage" }),
    ]);
    await expect(stageHandlers(db.factory()).create(s3Stage({ adopt: true }))).rejects.toThrow(
      /the existing stage is internal and may hold files/,
    );
    expect(db.statements).toEqual([
      "CREATE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
      "DESC STAGE my_s3_stage",
    ]);
  });

  it("adopts an existing internal stage in place, never with CREATE OR REPLACE", async () => {
    const db = exists(new FakeSession(NEW_SERVER)).respond(/^DESC STAGE/, [internalRow()]);
    await stageHandlers(db.factory()).create(
      internalStage({ adopt: true, fileFormat: { type: "NDJSON" }, comment: "mine" }),
    );
    expect(db.statements).toEqual([
      "CREATE STAGE raw FILE_FORMAT = (TYPE = NDJSON)",
      "DESC STAGE raw",
      "ALTER STAGE raw SET FILE_FORMAT = (TYPE = NDJSON)",
      "ALTER STAGE raw SET COMMENT = 'mine'",
    ]);
  });

  it("adopts an existing internal stage as it is where ALTER STAGE is missing", async () => {
    const db = exists(new FakeSession("1.2.810")).respond(/^DESC STAGE/, [internalRow()]);
    await stageHandlers(db.factory()).create(internalStage({ adopt: true, fileFormat: { type: "NDJSON" } }));
    expect(db.statements).toEqual(["CREATE STAGE raw FILE_FORMAT = (TYPE = NDJSON)", "DESC STAGE raw"]);
  });

  it("adopts on a server with the pre-1.2.870 DESC layout, re-creating the external stage", async () => {
    const db = exists(new FakeSession("1.2.800")).respond(/^DESC STAGE/, [oldLayoutRow()]);
    await stageHandlers(db.factory()).create(s3Stage({ adopt: true }));
    expect(db.statements).toEqual([
      "CREATE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
      "DESC STAGE my_s3_stage",
      "CREATE OR REPLACE STAGE my_s3_stage URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    ]);
  });
});

describe("stage diff", () => {
  it("reports no change when nothing changed", async () => {
    const olds = await created(s3Stage());
    await expect(stageHandlers(noSession()).diff("my_s3_stage", olds, settled(s3Stage()))).resolves.toEqual({
      changes: false,
    });
  });

  // Bug: stageOutputs (resources/stage.ts:123-125) stores the defaults onConnectionChange "keep",
  // forceDestroy false and adopt false; diff (stage.ts:284-286) then compares them with the absent inputs
  // of a program that leaves them out, so every preview shows the stage as an update instead of same.
  it("reports no change when the optional inputs are left out", async () => {
    const olds = await created(s3Stage());
    await expect(stageHandlers(noSession()).diff("my_s3_stage", olds, s3Stage())).resolves.toEqual({
      changes: false,
    });
  });

  it("claims the name of a stage it keeps", async () => {
    const olds = await created(s3Stage());
    await stageHandlers(noSession()).diff("my_s3_stage", olds, settled(s3Stage()));
    expect(isClaimed("stage", "my_s3_stage")).toBe(true);
  });

  it("replaces the stage when its name changes, creating the new one before deleting the old", async () => {
    const olds = await created(s3Stage());
    await expect(
      stageHandlers(noSession()).diff("my_s3_stage", olds, settled(s3Stage({ name: "other_stage" }))),
    ).resolves.toEqual({ changes: true, replaces: ["name"], deleteBeforeReplace: false });
    expect(isClaimed("stage", "my_s3_stage")).toBe(false);
  });

  it("reports a change without deciding on replacement while the name is unknown", async () => {
    const olds = await created(s3Stage());
    await expect(
      stageHandlers(noSession()).diff("my_s3_stage", olds, settled(s3Stage({ name: UNKNOWN }))),
    ).resolves.toEqual({ changes: true });
  });

  it.each<[string, Props, Props]>([
    ["internal becomes external", internalStage(), internalStage({ url: "s3://b/" })],
    ["external becomes internal", s3Stage(), { name: "my_s3_stage" }],
  ])("replaces the stage, deleting first, when %s", async (_what, before, after) => {
    const olds = await created(before);
    await expect(stageHandlers(noSession()).diff("x", olds, settled(after))).resolves.toEqual({
      changes: true,
      replaces: ["url"],
      deleteBeforeReplace: true,
    });
  });

  describe("with onConnectionChange keep (the default)", () => {
    it.each<[string, Props]>([
      ["the connection's parameters change", s3Stage({ connectionFingerprint: FP_NEW })],
      [
        "the connection is replaced under another name",
        s3Stage({ connectionName: "toronto_v2", connectionFingerprint: FP_NEW }),
      ],
      ["the connection's fingerprint is not known yet", s3Stage({ connectionFingerprint: UNKNOWN })],
    ])("shows the stage as unchanged when %s", async (_what, news) => {
      const olds = await created(s3Stage());
      await expect(stageHandlers(noSession()).diff("my_s3_stage", olds, settled(news))).resolves.toEqual({
        changes: false,
      });
    });
  });

  describe("with onConnectionChange recreate", () => {
    const recreate = (extra: Props = {}): Props => s3Stage({ onConnectionChange: "recreate", ...extra });

    it("shows no change while the connection is the one captured", async () => {
      const olds = await created(recreate());
      await expect(
        stageHandlers(noSession()).diff("my_s3_stage", olds, settled(recreate())),
      ).resolves.toEqual({ changes: false });
    });

    it.each<[string, Props]>([
      ["parameters change", recreate({ connectionFingerprint: FP_NEW })],
      ["name changes", recreate({ connectionName: "toronto_v2" })],
      ["fingerprint is not known yet", recreate({ connectionFingerprint: UNKNOWN })],
    ])("updates in place on a server with ALTER STAGE when the connection's %s", async (_what, news) => {
      const olds = await created(recreate());
      const db = new FakeSession(NEW_SERVER);
      await expect(stageHandlers(db.factory()).diff("my_s3_stage", olds, settled(news))).resolves.toEqual({
        changes: true,
      });
      expect(db.statements).toEqual([]);
    });

    it(`replaces, deleting first, on a server older than ${ALTER_STAGE_SINCE}`, async () => {
      const olds = await created(recreate());
      const db = new FakeSession(OLD_SERVER);
      await expect(
        stageHandlers(db.factory()).diff(
          "my_s3_stage",
          olds,
          settled(recreate({ connectionFingerprint: FP_NEW })),
        ),
      ).resolves.toEqual({
        changes: true,
        replaces: ["connection"],
        deleteBeforeReplace: true,
      });
    });

    it("compares with the captured copy, so switching from keep re-captures an older change", async () => {
      const state = await created(s3Stage());
      // The connection changed while the policy was keep, and the comment changed: update keeps the old copy.
      const { outs } = await stageHandlers(new FakeSession(NEW_SERVER).factory()).update(
        "my_s3_stage",
        state,
        s3Stage({ connectionFingerprint: FP_NEW, comment: "c" }),
      );
      expect(outs.capturedConnection).toMatchObject({ fingerprint: FP_OLD });
      await expect(
        stageHandlers(noSession()).diff(
          "my_s3_stage",
          outs,
          settled(s3Stage({ connectionFingerprint: FP_NEW, comment: "c" })),
        ),
      ).resolves.toEqual({ changes: false });
      const db = new FakeSession(NEW_SERVER);
      const after = await stageHandlers(db.factory()).update(
        "my_s3_stage",
        outs,
        settled(s3Stage({ connectionFingerprint: FP_NEW, comment: "c", onConnectionChange: "recreate" })),
      );
      expect(db.statements).toEqual([
        "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
      ]);
      expect(after.outs.capturedConnection).toMatchObject({ fingerprint: FP_NEW });
    });
  });

  it.each<[string, Props, string[]]>([
    ["the URL", s3Stage({ url: "s3://databend-toronto/v2/" }), ["url"]],
    ["the file format", s3Stage({ fileFormat: { type: "CSV" } }), ["fileFormat"]],
  ])("updates %s in place where ALTER STAGE exists, else replaces", async (_what, news, replaces) => {
    const olds = await created(s3Stage());
    await expect(
      stageHandlers(new FakeSession(NEW_SERVER).factory()).diff("my_s3_stage", olds, settled(news)),
    ).resolves.toEqual({
      changes: true,
    });
    await expect(
      stageHandlers(new FakeSession(OLD_SERVER).factory()).diff("my_s3_stage", olds, settled(news)),
    ).resolves.toEqual({
      changes: true,
      replaces,
      deleteBeforeReplace: true,
    });
  });

  it.each<[string, Props]>([
    ["the comment", s3Stage({ comment: "new" })],
    ["forceDestroy", s3Stage({ forceDestroy: true })],
    ["the policy", s3Stage({ onConnectionChange: "recreate" })],
    ["a comment that is not known yet", s3Stage({ comment: UNKNOWN })],
  ])("updates %s without asking the server", async (_what, news) => {
    const olds = await created(s3Stage());
    await expect(stageHandlers(noSession()).diff("my_s3_stage", olds, settled(news))).resolves.toEqual({
      changes: true,
    });
  });

  it("treats a file format that is not known yet as a change", async () => {
    const olds = await created(s3Stage({ fileFormat: { type: "CSV" } }));
    await expect(
      stageHandlers(new FakeSession(NEW_SERVER).factory()).diff(
        "my_s3_stage",
        olds,
        settled(s3Stage({ fileFormat: { type: UNKNOWN } })),
      ),
    ).resolves.toEqual({ changes: true });
  });

  it("treats an equal file format in another key order as no change", async () => {
    const olds = await created(s3Stage({ fileFormat: { type: "CSV", skipHeader: 1, fieldDelimiter: "|" } }));
    const news = s3Stage({ fileFormat: { fieldDelimiter: "|", skipHeader: 1, type: "CSV" } });
    await expect(stageHandlers(noSession()).diff("my_s3_stage", olds, settled(news))).resolves.toEqual({
      changes: false,
    });
  });
});

describe("stage update", () => {
  it("re-captures with ALTER STAGE SET URL and CONNECTION_NAME when the connection changed (recreate)", async () => {
    const olds = await created(s3Stage({ onConnectionChange: "recreate" }));
    const db = new FakeSession(NEW_SERVER);
    const { outs } = await stageHandlers(db.factory()).update(
      "my_s3_stage",
      olds,
      s3Stage({ onConnectionChange: "recreate", connectionFingerprint: FP_NEW }),
    );
    expect(db.statements).toEqual([
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    ]);
    expect(outs.capturedConnection).toMatchObject({
      name: "toronto",
      fingerprint: FP_NEW,
      capturedAt: expect.stringMatching(ISO_TIME),
    });
  });

  it("re-captures from the connection's new name (recreate)", async () => {
    const olds = await created(s3Stage({ onConnectionChange: "recreate" }));
    const db = new FakeSession(NEW_SERVER);
    const { outs } = await stageHandlers(db.factory()).update(
      "my_s3_stage",
      olds,
      s3Stage({
        onConnectionChange: "recreate",
        connectionName: "toronto_v2",
        connectionFingerprint: FP_NEW,
      }),
    );
    expect(db.statements).toEqual([
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto_v2')",
    ]);
    expect(outs.capturedConnection).toMatchObject({ name: "toronto_v2", fingerprint: FP_NEW });
  });

  it("keeps the old copy when the policy is keep and only the comment is applied", async () => {
    const olds = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER);
    const { outs } = await stageHandlers(db.factory()).update(
      "my_s3_stage",
      olds,
      s3Stage({ connectionFingerprint: FP_NEW, comment: "c" }),
    );
    expect(db.statements).toEqual(["ALTER STAGE my_s3_stage SET COMMENT = 'c'"]);
    expect(outs.capturedConnection).toEqual(olds.capturedConnection);
  });

  it("re-sends changed inline credentials with the URL, marking them secret", async () => {
    const before = {
      name: "landing",
      url: "s3://bucket/in/",
      credentials: { accessKeyId: "AKIA", secretAccessKey: "old-secret" },
    };
    const olds = await created(before);
    const db = new FakeSession(NEW_SERVER);
    await stageHandlers(db.factory()).update("landing", olds, {
      ...before,
      credentials: { accessKeyId: "AKIA", secretAccessKey: "new-secret" },
    });
    expect(db.statements).toEqual([
      "ALTER STAGE landing SET URL = 's3://bucket/in/' CONNECTION = (ACCESS_KEY_ID = 'AKIA' SECRET_ACCESS_KEY = 'new-secret')",
    ]);
    expect(db.log[0]?.ctx.secrets).toEqual(["new-secret"]);
  });

  it("captures a connection given to an external stage that had none", async () => {
    const olds = await created({ name: "my_s3_stage", url: "s3://databend-toronto/" });
    const db = new FakeSession(NEW_SERVER);
    const { outs } = await stageHandlers(db.factory()).update("my_s3_stage", olds, s3Stage());
    expect(db.statements).toEqual([
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    ]);
    expect(outs.capturedConnection).toMatchObject({ name: "toronto", fingerprint: FP_OLD });
  });

  it("moves the URL with the connection in the same statement", async () => {
    const olds = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER);
    await stageHandlers(db.factory()).update(
      "my_s3_stage",
      olds,
      s3Stage({ url: "s3://databend-toronto/v2/" }),
    );
    expect(db.statements).toEqual([
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/v2/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    ]);
  });

  it.each<[string, Props, Props, string[]]>([
    [
      "sets a new file format",
      internalStage(),
      internalStage({ fileFormat: { type: "CSV", skipHeader: 1 } }),
      ["ALTER STAGE raw SET FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1)"],
    ],
    [
      "unsets a removed file format",
      internalStage({ fileFormat: { type: "CSV" } }),
      internalStage(),
      ["ALTER STAGE raw UNSET FILE_FORMAT"],
    ],
    [
      "sets a comment",
      internalStage(),
      internalStage({ comment: "c'mon" }),
      ["ALTER STAGE raw SET COMMENT = 'c\\'mon'"],
    ],
    [
      "unsets a removed comment",
      internalStage({ comment: "old" }),
      internalStage(),
      ["ALTER STAGE raw UNSET COMMENT"],
    ],
    ["sends nothing for forceDestroy", internalStage(), internalStage({ forceDestroy: true }), []],
  ])("%s", async (_what, before, after, statements) => {
    const olds = await created(before);
    const db = new FakeSession(NEW_SERVER);
    await stageHandlers(db.factory()).update("raw", olds, after);
    expect(db.statements).toEqual(statements);
  });

  it("never drops or re-creates a stage when an ALTER fails", async () => {
    const olds = await created(internalStage());
    const db = new FakeSession(NEW_SERVER).fail(/^ALTER STAGE/, 1005, "syntax error");
    await expect(
      stageHandlers(db.factory()).update("raw", olds, internalStage({ fileFormat: { type: "CSV" } })),
    ).rejects.toMatchObject({
      serverCode: 1005,
    });
    expect(db.statements.filter((s) => /^(DROP|CREATE)/.test(s))).toEqual([]);
  });
});

describe("stage read", () => {
  it("returns a blank id when DESC STAGE returns zero rows", async () => {
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, []);
    await expect(stageHandlers(db.factory()).read("my_s3_stage", await created(s3Stage()))).resolves.toEqual({
      id: "",
    });
    expect(db.statements).toEqual(["DESC STAGE my_s3_stage"]);
  });

  it("reads an unchanged external stage without drift", async () => {
    const state = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [externalRow()]);
    const h = stageHandlers(db.factory());
    const r = await h.read("my_s3_stage", state);
    expect(r.id).toBe("my_s3_stage");
    expect(r.props).toEqual(state);
    await expect(h.diff("my_s3_stage", r.props ?? {}, settled(s3Stage()))).resolves.toEqual({
      changes: false,
    });
  });

  it("returns inputs without the output-only keys", async () => {
    const state = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [externalRow()]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", state);
    expect(r.inputs).not.toHaveProperty("stateVersion");
    expect(r.inputs).not.toHaveProperty("stageType");
    expect(r.inputs).not.toHaveProperty("capturedConnection");
    expect(r.inputs).toMatchObject({
      name: "my_s3_stage",
      url: "s3://databend-toronto/",
      connectionName: "toronto",
    });
  });

  it("reconciles the server's full CSV option list with the options the user set, without drift", async () => {
    const fileFormat = {
      type: "CSV",
      fieldDelimiter: "|",
      skipHeader: 1,
      compression: "NONE",
      emptyFieldAs: "NULL",
      binaryFormat: "HEX",
    };
    const state = await created(internalStage({ fileFormat }));
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [
      internalRow({ file_format_options: JSON.stringify(CSV_SERVER) }),
    ]);
    const h = stageHandlers(db.factory());
    const r = await h.read("raw", state);
    expect(r.props?.fileFormat).toEqual(fileFormat);
    await expect(h.diff("raw", r.props ?? {}, settled(internalStage({ fileFormat })))).resolves.toEqual({
      changes: false,
    });
  });

  it("reads file format options that arrive as an object rather than JSON text", async () => {
    const fileFormat = { type: "CSV", fieldDelimiter: "|", skipHeader: 1 };
    const state = await created(internalStage({ fileFormat }));
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [
      internalRow({ file_format_options: CSV_SERVER }),
    ]);
    const r = await stageHandlers(db.factory()).read("raw", state);
    expect(r.props?.fileFormat).toEqual(fileFormat);
  });

  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "enum spellings (FieldDefault, Gzip)",
      { type: "NDJSON", missingFieldAs: "FIELD_DEFAULT", compression: "GZIP" },
      {
        type: "NdJson",
        missing_field_as: "FieldDefault",
        null_field_as: "Null",
        compression: "Gzip",
        null_if: [],
      },
    ],
    [
      "booleans",
      { type: "CSV", outputHeader: true, errorOnColumnCountMismatch: false },
      { ...CSV_SERVER, output_header: true, error_on_column_count_mismatch: false },
    ],
    ["Parquet defaults", { type: "PARQUET", missingFieldAs: "ERROR" }, PARQUET_DEFAULTS],
  ])("reconciles %s without drift", async (_what, fileFormat, server) => {
    const state = await created(internalStage({ fileFormat }));
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [
      internalRow({ file_format_options: JSON.stringify(server) }),
    ]);
    const h = stageHandlers(db.factory());
    const r = await h.read("raw", state);
    await expect(h.diff("raw", r.props ?? {}, settled(internalStage({ fileFormat })))).resolves.toEqual({
      changes: false,
    });
  });

  it("shows a file format option changed outside Pulumi as drift", async () => {
    const fileFormat = { type: "CSV", fieldDelimiter: "|", skipHeader: 1 };
    const state = await created(internalStage({ fileFormat }));
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [
      internalRow({
        file_format_options: JSON.stringify({ ...CSV_SERVER, field_delimiter: ",", headers: 0 }),
      }),
    ]);
    const h = stageHandlers(db.factory());
    const r = await h.read("raw", state);
    expect(r.props?.fileFormat).toEqual({ type: "CSV", fieldDelimiter: ",", skipHeader: 0 });
    await expect(h.diff("raw", r.props ?? {}, settled(internalStage({ fileFormat })))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a file format type changed outside Pulumi as drift", async () => {
    const state = await created(internalStage({ fileFormat: { type: "CSV", skipHeader: 1 } }));
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [internalRow()]);
    const r = await stageHandlers(db.factory()).read("raw", state);
    expect(r.props?.fileFormat).toEqual({ type: "PARQUET" });
  });

  it("keeps a named file format, which the server has resolved into options", async () => {
    const state = await created(internalStage({ fileFormat: { formatName: "my_csv" } }));
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [
      internalRow({ file_format_options: JSON.stringify(CSV_SERVER) }),
    ]);
    const r = await stageHandlers(db.factory()).read("raw", state);
    expect(r.props?.fileFormat).toEqual({ formatName: "my_csv" });
  });

  it("keeps the user's spelling of a bare-bucket URL the server shows with a trailing /", async () => {
    const state = await created(s3Stage({ url: "s3://databend-toronto" }));
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [externalRow()]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", state);
    expect(r.props?.url).toBe("s3://databend-toronto");
  });

  it("shows a URL changed outside Pulumi as drift", async () => {
    const state = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [
      externalRow({ url: "s3://elsewhere/x/" }),
    ]);
    const h = stageHandlers(db.factory());
    const r = await h.read("my_s3_stage", state);
    expect(r.props?.url).toBe("s3://elsewhere/x/");
    await expect(h.diff("my_s3_stage", r.props ?? {}, settled(s3Stage()))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a comment set outside Pulumi as drift, and an empty one as none", async () => {
    const state = await created(internalStage({ comment: "mine" }));
    const changed = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [internalRow({ comment: "theirs" })]);
    expect((await stageHandlers(changed.factory()).read("raw", state)).props?.comment).toBe("theirs");
    const cleared = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [internalRow({ comment: "" })]);
    expect((await stageHandlers(cleared.factory()).read("raw", state)).props?.comment).toBeUndefined();
  });

  it("keeps the captured connection, which the server cannot report", async () => {
    const state = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [externalRow()]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", state);
    expect(r.props?.capturedConnection).toEqual(state.capturedConnection);
  });

  it("drops the connection and URL of an external stage that became internal outside Pulumi", async () => {
    const state = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [internalRow({ name: "my_s3_stage" })]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", state);
    expect(r.props).toMatchObject({ stageType: "Internal" });
    expect(r.props?.url).toBeUndefined();
    expect(r.props?.connectionName).toBeUndefined();
    expect(r.props?.capturedConnection).toBeUndefined();
  });

  it("reads the pre-1.2.870 layout without drift", async () => {
    const state = await created(s3Stage());
    const db = new FakeSession("1.2.800").respond(/^DESC STAGE/, [oldLayoutRow()]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", state);
    expect(r.props).toEqual(state);
  });
});

describe("stage delete", () => {
  /** A session on which `raw` is a live internal stage holding `files`. */
  const internalWith = (files: string[]) =>
    new FakeSession(NEW_SERVER).respond(/^DESC STAGE raw$/, [internalRow()]).respond(
      /^LIST @raw$/,
      files.map((name) => ({ name })),
    );

  it("refuses to drop an internal stage that holds files, naming both ways out, and drops nothing", async () => {
    const db = internalWith(["a.csv", "b.csv"]);
    const err = await stageHandlers(db.factory())
      .delete("raw", await created(internalStage()))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(isDatabendError(err)).toBe(true);
    const message = (err as Error).message;
    expect(message).toMatch(
      /internal stage holds 2 file\(s\), which DROP STAGE would delete, so it was not dropped/,
    );
    expect(message).toContain("`DATABEND_KEEP=raw pulumi up` (or `DATABEND_KEEP=raw pulumi destroy`");
    expect(message).toContain(
      "`DATABEND_FORCE_DESTROY=raw pulumi up` (or `DATABEND_FORCE_DESTROY=raw pulumi destroy`",
    );
    expect(message).toContain("does not reach a delete already planned");
    expect(message).not.toContain("created outside Pulumi");
    expect(db.statements).toEqual(["DESC STAGE raw", "LIST @raw"]);
  });

  it("drops an internal stage with files when its state has forceDestroy, without reading it", async () => {
    const db = internalWith(["a.csv"]);
    await stageHandlers(db.factory()).delete("raw", await created(internalStage({ forceDestroy: true })));
    expect(db.statements).toEqual(["DROP STAGE IF EXISTS raw"]);
  });

  it("drops an empty internal stage after checking it", async () => {
    const db = internalWith([]);
    await stageHandlers(db.factory()).delete("raw", await created(internalStage()));
    expect(db.statements).toEqual(["DESC STAGE raw", "LIST @raw", "DROP STAGE IF EXISTS raw"]);
  });

  it("succeeds, sending no DROP, when the stage is already gone", async () => {
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, []);
    await stageHandlers(db.factory()).delete("raw", await created(internalStage()));
    await stageHandlers(db.factory()).delete("my_s3_stage", await created(s3Stage()));
    expect(db.statements).toEqual(["DESC STAGE raw", "DESC STAGE my_s3_stage"]);
  });

  it("succeeds when the stage goes between DESC and LIST (2501)", async () => {
    const db = new FakeSession(NEW_SERVER)
      .respond(/^DESC STAGE raw$/, [internalRow()])
      .fail(/^LIST @raw$/, 2501, "Unknown stage raw");
    await stageHandlers(db.factory()).delete("raw", await created(internalStage()));
    expect(db.statements).toEqual(["DESC STAGE raw", "LIST @raw"]);
  });

  it("does not drop when listing fails for another reason", async () => {
    const db = new FakeSession(NEW_SERVER)
      .respond(/^DESC STAGE raw$/, [internalRow()])
      .fail(/^LIST @raw$/, 1063, "Permission denied");
    await expect(
      stageHandlers(db.factory()).delete("raw", await created(internalStage())),
    ).rejects.toMatchObject({ serverCode: 1063 });
    expect(db.statements).toEqual(["DESC STAGE raw", "LIST @raw"]);
  });

  it("does not drop when the stage cannot be read", async () => {
    const db = new FakeSession(NEW_SERVER).fail(/^DESC STAGE/, 1063, "Permission denied");
    await expect(
      stageHandlers(db.factory()).delete("my_s3_stage", await created(s3Stage())),
    ).rejects.toMatchObject({ serverCode: 1063 });
    expect(db.statements).toEqual(["DESC STAGE my_s3_stage"]);
  });

  it("drops a live external stage after one DESC, since its files live elsewhere", async () => {
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [externalRow()]);
    await stageHandlers(db.factory()).delete("my_s3_stage", await created(s3Stage()));
    expect(db.statements).toEqual(["DESC STAGE my_s3_stage", "DROP STAGE IF EXISTS my_s3_stage"]);
  });

  it("drops without LIST a stage the state says is internal but that is external now", async () => {
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE raw$/, [externalRow({ name: "raw" })]);
    await stageHandlers(db.factory()).delete("raw", await created(internalStage()));
    expect(db.statements).toEqual(["DESC STAGE raw", "DROP STAGE IF EXISTS raw"]);
  });

  describe("a stage the state says is external, re-created outside Pulumi as an internal stage with files", () => {
    const liveInternal = (name: string) =>
      new FakeSession(NEW_SERVER)
        .respond(/^DESC STAGE/, [internalRow({ name })])
        .respond(/^LIST @/, [{ name: "a.csv" }, { name: "b.csv" }, { name: "c.csv" }]);

    it("is listed and not dropped, and the error says the state is out of date", async () => {
      const db = liveInternal("my_s3_stage");
      await expect(
        stageHandlers(db.factory()).delete("my_s3_stage", await created(s3Stage())),
      ).rejects.toThrow(/holds 3 file\(s\).*state records an external stage.*created outside Pulumi/s);
      expect(db.statements).toEqual(["DESC STAGE my_s3_stage", "LIST @my_s3_stage"]);
    });

    it("is not dropped even when the state has forceDestroy (it was given for another stage)", async () => {
      const db = liveInternal("my_s3_stage");
      await expect(
        stageHandlers(db.factory()).delete("my_s3_stage", await created(s3Stage({ forceDestroy: true }))),
      ).rejects.toThrow(/holds 3 file\(s\)/);
      expect(db.statements).not.toContain("DROP STAGE IF EXISTS my_s3_stage");
    });

    it("is not dropped on the old name of a rename either", async () => {
      const olds = await created(s3Stage());
      const db = liveInternal("my_s3_stage");
      const h = stageHandlers(db.factory());
      const news = settled(s3Stage({ name: "other_stage" }));
      await h.diff("my_s3_stage", olds, news);
      await h.create(news);
      await expect(h.delete("my_s3_stage", olds)).rejects.toThrow(/holds 3 file\(s\)/);
      expect(db.statements.filter((q) => q.startsWith("DROP"))).toEqual([]);
    });

    it("is not dropped by a delete-before-replace (external to internal under the same name)", async () => {
      const olds = await created(s3Stage());
      const h = stageHandlers(liveInternal("my_s3_stage").factory());
      await expect(h.diff("my_s3_stage", olds, settled({ name: "my_s3_stage" }))).resolves.toMatchObject({
        replaces: ["url"],
        deleteBeforeReplace: true,
      });
      await expect(h.delete("my_s3_stage", olds)).rejects.toThrow(/holds 3 file\(s\)/);
    });
  });
});

describe("stage delete with DATABEND_KEEP or DATABEND_FORCE_DESTROY", () => {
  it("DATABEND_KEEP=<name> keeps the stage in Databend, sends nothing and says so", async () => {
    const state = await created(internalStage());
    deployment.setEnv("DATABEND_KEEP", "other, raw");
    await expect(stageHandlers(noSession()).delete("raw", state)).resolves.toBeUndefined();
    expect(deployment.notices).toEqual([
      {
        severity: "info",
        message: expect.stringMatching(
          /^stage 'raw' was kept in Databend as it is, files included \(DATABEND_KEEP\)/,
        ),
      },
    ]);
  });

  it("DATABEND_FORCE_DESTROY=<name> drops the stage with its files, whatever the state says, and says so", async () => {
    for (const [name, inputs] of [
      ["raw", internalStage()],
      ["my_s3_stage", s3Stage()],
    ] as const) {
      const state = await created(inputs);
      const db = new FakeSession(NEW_SERVER)
        .respond(/^DESC STAGE/, [internalRow({ name })])
        .respond(/^LIST @/, [{ name: "a.csv" }, { name: "b.csv" }]);
      deployment.setEnv("DATABEND_FORCE_DESTROY", name);
      await stageHandlers(db.factory()).delete(name, state);
      expect(db.statements).toEqual([`DESC STAGE ${name}`, `LIST @${name}`, `DROP STAGE IF EXISTS ${name}`]);
    }
    expect(deployment.notices.map((n) => n.message)).toEqual([
      "stage 'raw' was dropped with its 2 file(s), as DATABEND_FORCE_DESTROY asked",
      "stage 'my_s3_stage' was dropped with its 2 file(s), as DATABEND_FORCE_DESTROY asked",
    ]);
  });

  it.each([
    ["DATABEND_KEEP", "*"],
    ["DATABEND_KEEP", "raw2,ra"],
    ["DATABEND_FORCE_DESTROY", "*"],
    ["DATABEND_FORCE_DESTROY", "raw_other"],
  ] as const)("%s=%s does not name `raw`: the delete is refused as usual", async (variable, value) => {
    const db = new FakeSession(NEW_SERVER)
      .respond(/^DESC STAGE raw$/, [internalRow()])
      .respond(/^LIST @raw$/, [{ name: "a.csv" }]);
    deployment.setEnv(variable, value);
    await expect(stageHandlers(db.factory()).delete("raw", await created(internalStage()))).rejects.toThrow(
      /holds 1 file\(s\)/,
    );
    expect(db.statements).toEqual(["DESC STAGE raw", "LIST @raw"]);
  });

  it("the way out of a renamed internal stage with files: refused, then each variable converges", async () => {
    const olds = await created(internalStage());
    const news = settled(internalStage({ name: "raw_new", forceDestroy: true }));
    const attempt = async () => {
      const db = new FakeSession(NEW_SERVER)
        .respond(/^DESC STAGE raw$/, [internalRow()])
        .respond(/^LIST @raw$/, [{ name: "a.csv" }]);
      const h = stageHandlers(db.factory());
      await h.diff("raw", olds, news);
      await h.create(news);
      resetClaims();
      await h.delete("raw", olds); // the pending delete keeps its old inputs: forceDestroy false
      return db.statements;
    };
    await expect(attempt()).rejects.toThrow(/DATABEND_KEEP=raw pulumi up/);
    deployment.setEnv("DATABEND_KEEP", "raw");
    expect((await attempt()).filter((q) => q.startsWith("DROP"))).toEqual([]);
    deployment.setEnv("DATABEND_KEEP", "");
    deployment.setEnv("DATABEND_FORCE_DESTROY", "raw");
    expect((await attempt()).filter((q) => q.startsWith("DROP"))).toEqual(["DROP STAGE IF EXISTS raw"]);
  });
});

describe("stage check without a DSN", () => {
  it("fails at preview on the resource, rather than on a property", async () => {
    const message = "no Databend DSN: run `pulumi config set --secret databend:dsn ...`";
    const r = await stageHandlers(noSession(), { dsnProblem: () => message }).check({}, s3Stage());
    expect(r.failures).toEqual([{ property: "", reason: message }]);
  });

  it("passes when the DSN check finds no problem", async () => {
    const r = await stageHandlers(noSession(), { dsnProblem: () => undefined }).check({}, s3Stage());
    expect(r.failures).toEqual([]);
  });
});

describe("stage re-capture requested with DATABEND_RECAPTURE", () => {
  it.each([
    ["names the stage", "my_s3_stage"],
    ["lists it among others", "raw, my_s3_stage"],
    ["is *", "*"],
  ])("is a change when the variable %s, and says why in an info notice", async (_what, value) => {
    deployment.setEnv("DATABEND_RECAPTURE", value);
    const olds = await created(s3Stage());
    await expect(
      stageHandlers(new FakeSession(NEW_SERVER).factory()).diff("my_s3_stage", olds, settled(s3Stage())),
    ).resolves.toEqual({ changes: true });
    expect(deployment.notices).toEqual([
      {
        severity: "info",
        message: expect.stringContaining(
          "stage 'my_s3_stage' will copy connection 'toronto' again (re-capture requested with DATABEND_RECAPTURE)",
        ),
      },
    ]);
    expect(isClaimed("stage", "my_s3_stage")).toBe(true);
  });

  it("is no change when the variable names another stage", async () => {
    deployment.setEnv("DATABEND_RECAPTURE", "raw,other_stage");
    const olds = await created(s3Stage());
    await expect(stageHandlers(noSession()).diff("my_s3_stage", olds, settled(s3Stage()))).resolves.toEqual({
      changes: false,
    });
    expect(deployment.notices).toEqual([]);
  });

  it("is no change for an internal stage, which copies no connection", async () => {
    deployment.setEnv("DATABEND_RECAPTURE", "*");
    const olds = await created(internalStage());
    await expect(stageHandlers(noSession()).diff("raw", olds, settled(internalStage()))).resolves.toEqual({
      changes: false,
    });
  });

  it("re-captures on update with ALTER STAGE SET URL and CONNECTION_NAME, even with the policy keep", async () => {
    deployment.setEnv("DATABEND_RECAPTURE", "my_s3_stage");
    const olds = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER);
    const { outs } = await stageHandlers(db.factory()).update(
      "my_s3_stage",
      olds,
      settled(s3Stage({ connectionFingerprint: FP_NEW })),
    );
    expect(db.statements).toEqual([
      "ALTER STAGE my_s3_stage SET URL = 's3://databend-toronto/' CONNECTION = (CONNECTION_NAME = 'toronto')",
    ]);
    expect(db.log[0]?.ctx.idempotent).toBe(true);
    expect(outs.capturedConnection).toMatchObject({ name: "toronto", fingerprint: FP_NEW });
    expect(isClaimed("stage", "my_s3_stage")).toBe(true);
  });
});

describe("stage diff notices", () => {
  it("says the connection is copied again because the URL changed", async () => {
    const olds = await created(s3Stage());
    await stageHandlers(new FakeSession(NEW_SERVER).factory()).diff(
      "my_s3_stage",
      olds,
      settled(s3Stage({ url: "s3://databend-toronto/v2/" })),
    );
    expect(deployment.notices).toEqual([
      {
        severity: "info",
        message: expect.stringContaining("will copy connection 'toronto' again (its url changed)"),
      },
    ]);
  });

  it("says the connection is copied again because it changed and the policy is recreate", async () => {
    const olds = await created(s3Stage({ onConnectionChange: "recreate" }));
    await stageHandlers(new FakeSession(NEW_SERVER).factory()).diff(
      "my_s3_stage",
      olds,
      settled(s3Stage({ onConnectionChange: "recreate", connectionFingerprint: FP_NEW })),
    );
    expect(deployment.notices).toEqual([
      {
        severity: "info",
        message: expect.stringContaining('(its connection changed and onConnectionChange is "recreate")'),
      },
    ]);
  });

  it.each<[string, Props]>([
    ["a comment changes", s3Stage({ comment: "new" })],
    ["the connection changes under the policy keep", s3Stage({ connectionFingerprint: FP_NEW })],
    ["nothing changes", s3Stage()],
  ])("says nothing when %s", async (_what, news) => {
    const olds = await created(s3Stage());
    await stageHandlers(new FakeSession(NEW_SERVER).factory()).diff("my_s3_stage", olds, settled(news));
    expect(deployment.notices).toEqual([]);
  });
});

describe("stage inline credentials in state", () => {
  const landing = (secret: string): Props =>
    settled({
      name: "landing",
      url: "s3://bucket/in/",
      credentials: { accessKeyId: "AKIA", secretAccessKey: secret },
    });

  it("are compared by fingerprint: the same credentials are no change", async () => {
    const olds = await created(landing("old-secret"));
    await expect(stageHandlers(noSession()).diff("landing", olds, landing("old-secret"))).resolves.toEqual({
      changes: false,
    });
  });

  it("are compared by fingerprint: a rotated secret is a change", async () => {
    const olds = await created(landing("old-secret"));
    await expect(
      stageHandlers(new FakeSession(NEW_SERVER).factory()).diff("landing", olds, landing("new-secret")),
    ).resolves.toEqual({ changes: true });
  });

  it("keep their fingerprint through an update that leaves them alone, and their salt through a rotation", async () => {
    const olds = await created(landing("old-secret"));
    const recorded = String(olds.credentialsFingerprint);
    const h = stageHandlers(new FakeSession(NEW_SERVER).factory());
    const same = await h.update("landing", olds, { ...landing("old-secret"), comment: "c" });
    expect(same.outs.credentialsFingerprint).toBe(recorded);
    const rotated = await h.update("landing", olds, landing("new-secret"));
    expect(rotated.outs.credentialsFingerprint).not.toBe(recorded);
    expect(String(rotated.outs.credentialsFingerprint).slice(0, 20)).toBe(recorded.slice(0, 20));
    expect(rotated.outs).toMatchObject({
      credentialsFingerprint: fingerprintOf(
        "s3",
        { accessKeyId: "AKIA", secretAccessKey: "new-secret" },
        "stage/landing",
      ),
    });
  });

  it("written in plaintext by package 0.1 are compared through their fingerprint", async () => {
    const olds: Props = {
      ...(await created(landing("old-secret"))),
      credentials: { accessKeyId: "AKIA", secretAccessKey: "old-secret" },
    };
    delete olds.credentialsFingerprint;
    const h = stageHandlers(new FakeSession(NEW_SERVER).factory());
    await expect(h.diff("landing", olds, landing("old-secret"))).resolves.toEqual({ changes: false });
    await expect(h.diff("landing", olds, landing("new-secret"))).resolves.toEqual({ changes: true });
  });

  it("credentialsFingerprint is undefined for a stage without inline credentials", () => {
    expect(credentialsFingerprint(parseStage(s3Stage()))).toBeUndefined();
    expect(credentialsFingerprint(parseStage(internalStage()))).toBeUndefined();
  });

  it("read keeps the recorded fingerprint, and derives it from 0.1 plaintext credentials without returning them", async () => {
    const olds = await created(landing("old-secret"));
    const row = externalRow({ name: "landing", url: "s3://bucket/in/" });
    const h = stageHandlers(new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [row]).factory());
    const r = await h.read("landing", olds);
    expect(r.props?.credentialsFingerprint).toBe(olds.credentialsFingerprint);
    expect(r.inputs).not.toHaveProperty("credentialsFingerprint");

    const legacy: Props = { ...olds, credentials: { accessKeyId: "AKIA", secretAccessKey: "old-secret" } };
    delete legacy.credentialsFingerprint;
    const fromLegacy = await h.read("landing", legacy);
    expect(fromLegacy.props).toMatchObject({
      credentialsFingerprint: fingerprintOf(
        "s3",
        { accessKeyId: "AKIA", secretAccessKey: "old-secret" },
        "stage/landing",
      ),
    });
    expect(JSON.stringify(fromLegacy)).not.toContain("old-secret");
  });
});

describe("stage copies recorded by package 0.1 (16-hex fingerprints)", () => {
  const legacyState = async (extra: Props = {}): Promise<Props> => {
    const outs = await created(s3Stage({ onConnectionChange: "recreate", ...extra }));
    return {
      ...outs,
      connectionFingerprint: FP_LEGACY,
      capturedConnection: { ...(outs.capturedConnection as object), fingerprint: FP_LEGACY },
      stateVersion: 1,
    };
  };

  it("are not compared with the new fingerprint format: no re-capture on the format change alone", async () => {
    await expect(
      stageHandlers(noSession()).diff(
        "my_s3_stage",
        await legacyState(),
        settled(s3Stage({ onConnectionChange: "recreate" })),
      ),
    ).resolves.toEqual({ changes: false });
  });

  it("still count a connection rename as a change (policy recreate)", async () => {
    await expect(
      stageHandlers(new FakeSession(NEW_SERVER).factory()).diff(
        "my_s3_stage",
        await legacyState(),
        settled(s3Stage({ onConnectionChange: "recreate", connectionName: "toronto_v2" })),
      ),
    ).resolves.toEqual({ changes: true });
  });
});

describe("stage read by id with empty props (import, or a create still pending)", () => {
  it("reads an external stage as the server has it", async () => {
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [externalRow()]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", {});
    expect(r.id).toBe("my_s3_stage");
    expect(r.props).toMatchObject({
      name: "my_s3_stage",
      url: "s3://databend-toronto/",
      stageType: "External",
    });
    expect(r.props).not.toHaveProperty("capturedConnection");
    expect(r.props).not.toHaveProperty("credentialsFingerprint");
    expect(r.inputs).toMatchObject({ name: "my_s3_stage", url: "s3://databend-toronto/" });
  });

  it("reads an internal stage as the server has it", async () => {
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [internalRow({ comment: "landing" })]);
    const r = await stageHandlers(db.factory()).read("raw", {});
    expect(r.props).toMatchObject({ name: "raw", stageType: "Internal", comment: "landing" });
    expect(r.props).not.toHaveProperty("url");
  });

  it("returns a blank id when the stage does not exist", async () => {
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, []);
    await expect(stageHandlers(db.factory()).read("raw", {})).resolves.toEqual({ id: "" });
  });
});

describe("stage delete of a name this deployment holds", () => {
  it("sends nothing and says so, when the replacement was created first", async () => {
    const state = await created(s3Stage());
    await stageHandlers(new FakeSession(NEW_SERVER).factory()).create(s3Stage({ adopt: true }));
    await stageHandlers(noSession()).delete("my_s3_stage", state);
    expect(deployment.notices).toEqual([
      { severity: "info", message: expect.stringContaining("stage 'my_s3_stage' was not dropped") },
    ]);
  });

  it("sends nothing for an internal stage either, not even LIST", async () => {
    const state = await created(internalStage());
    await stageHandlers(noSession()).diff("raw", state, settled(internalStage()));
    await expect(stageHandlers(noSession()).delete("raw", state)).resolves.toBeUndefined();
  });

  it("drops the old name after a rename, which only claims the new one", async () => {
    const olds = await created(s3Stage());
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE my_s3_stage$/, [externalRow()]);
    const h = stageHandlers(db.factory());
    const news = settled(s3Stage({ name: "other_stage" }));
    await h.diff("my_s3_stage", olds, news);
    await h.create(news);
    await h.delete("my_s3_stage", olds);
    expect(db.statements).toEqual([
      expect.stringMatching(/^CREATE STAGE other_stage /),
      "DESC STAGE my_s3_stage",
      "DROP STAGE IF EXISTS my_s3_stage",
    ]);
  });
});

describe("staleCopyWarning", () => {
  const captured = {
    name: "toronto",
    storageType: "s3",
    fingerprint: FP_OLD,
    capturedAt: "2026-01-20T10:00:00.000Z",
  };
  const base = {
    stageName: "my_s3_stage",
    captured,
    connectionName: "toronto",
    connectionFingerprint: FP_OLD,
    onConnectionChange: "keep",
  };

  it("warns when the connection changed since the copy, naming both ways to re-capture", () => {
    const w = staleCopyWarning({ ...base, connectionFingerprint: FP_NEW });
    expect(w).toContain(
      "stage 'my_s3_stage' holds a copy of connection 'toronto' taken at 2026-01-20T10:00:00.000Z, and connection 'toronto' has changed since",
    );
    expect(w).toContain("`DATABEND_RECAPTURE=my_s3_stage pulumi up`");
    expect(w).toContain('onConnectionChange: "recreate"');
    expect(w).not.toContain("--replace");
  });

  it("warns when the stage now refers to another connection", () => {
    expect(staleCopyWarning({ ...base, connectionName: "toronto_v2" })).toContain(
      "the stage now refers to connection 'toronto_v2'",
    );
  });

  it.each<[string, Partial<typeof base> & { captured?: undefined | typeof captured }]>([
    ["the copy is current", {}],
    ["the policy is recreate", { connectionFingerprint: FP_NEW, onConnectionChange: "recreate" }],
    ["there is no copy", { captured: undefined, connectionFingerprint: FP_NEW }],
    ["the stage has no connection", { connectionName: undefined }],
    ["the connection's fingerprint is not known", { connectionFingerprint: undefined }],
    [
      "the copy has a 0.1 fingerprint",
      { captured: { ...captured, fingerprint: FP_LEGACY }, connectionFingerprint: FP_NEW },
    ],
  ])("is undefined when %s", (_what, over) => {
    expect(staleCopyWarning({ ...base, ...over })).toBeUndefined();
  });
});

describe("reconcileFileFormat", () => {
  it("leaves an unset file format unset whatever the server lists", () => {
    expect(reconcileFileFormat(undefined, CSV_SERVER)).toBeUndefined();
  });

  it("keeps the user's format when the server's type is not one this package knows", () => {
    expect(reconcileFileFormat({ type: "CSV" }, { type: "Lance" })).toEqual({ type: "CSV" });
  });

  it("keeps an option the server does not list", () => {
    expect(reconcileFileFormat({ type: "CSV", trimSpace: true }, { type: "Csv" })).toEqual({
      type: "CSV",
      trimSpace: true,
    });
  });

  it("reports the server's value of an enum in the package's spelling", () => {
    expect(
      reconcileFileFormat({ type: "CSV", compression: "GZIP" }, { type: "Csv", compression: "Zstd" }),
    ).toEqual({
      type: "CSV",
      compression: "ZSTD",
    });
  });
});

describe("stage secret drift through masks", () => {
  const CONN_MASKS = maskDigests({ secretAccessKey: "old-secret" })!;
  const withMasks = (extra: Props = {}) => settled(s3Stage({ connectionSecretMasks: CONN_MASKS, ...extra }));
  function rowShowing(secret: string, layout: "columns" | "debug"): Record<string, unknown> {
    if (layout === "debug") {
      const row = oldLayoutRow();
      return {
        ...row,
        stage_params: String(row.stage_params).replace(
          '"******abc"',
          JSON.stringify(maskBefore1_2_919(secret)),
        ),
      };
    }
    const params = JSON.parse(String(externalRow().storage_params)) as Record<string, unknown>;
    return externalRow({
      storage_params: JSON.stringify({ ...params, secret_access_key: maskLikeDatabend(secret) }),
    });
  }

  it("records the digests of the connection's secrets it copied, never a secret", async () => {
    const state = await created(withMasks());
    expect(state.secretMasks).toEqual(CONN_MASKS);
    expect(JSON.stringify(state)).not.toMatch(/old-secret|ol\*\*\*et|\*\*\*ret/);
  });

  it.each(["columns", "debug"] as const)(
    "sees a copy changed outside Pulumi in the %s layout, names the parameter, and the next up sets the location again",
    async (layout) => {
      const state = await created(withMasks());
      const server = layout === "columns" ? NEW_SERVER : OLD_SERVER;
      const same = new FakeSession(server).respond(/^DESC STAGE/, [rowShowing("old-secret", layout)]);
      const unchanged = await stageHandlers(same.factory()).read("my_s3_stage", state);
      expect(unchanged.props?.secretMasks).toEqual(CONN_MASKS);

      const notices: string[] = [];
      setNoticeSink((_s, m) => notices.push(m));
      let r;
      try {
        const other = new FakeSession(server).respond(/^DESC STAGE/, [rowShowing("another-key", layout)]);
        r = await stageHandlers(other.factory()).read("my_s3_stage", state);
      } finally {
        setNoticeSink(undefined);
      }
      expect(r.props?.secretMasks).toEqual({ secretAccessKey: CHANGED_OUTSIDE });
      expect(r.inputs?.secretMasks).toBeUndefined();
      expect(notices.join("\n")).toMatch(
        /stage 'my_s3_stage': the secret secretAccessKey .* changed outside Pulumi/,
      );
      const d = await stageHandlers(new FakeSession(server).factory()).diff(
        "my_s3_stage",
        r.props!,
        withMasks(),
      );
      expect(d.changes).toBe(true);
      if (layout === "debug") expect(d.deleteBeforeReplace).toBe(true);
      else {
        const db = new FakeSession(server);
        const u = await stageHandlers(db.factory()).update("my_s3_stage", r.props!, withMasks());
        expect(db.statements[0]).toMatch(
          /^ALTER STAGE my_s3_stage SET URL = 's3:\/\/databend-toronto\/' CONNECTION = \(CONNECTION_NAME = 'toronto'\)/,
        );
        expect(u.outs.secretMasks).toEqual(CONN_MASKS);
      }
    },
  );

  it("sees nothing without digests (state of older versions) and no change when the copy is the same", async () => {
    const state = await created(settled(s3Stage()));
    expect(state.secretMasks).toBeUndefined();
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [rowShowing("another-key", "columns")]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", state);
    expect(r.props).toEqual(state);
    const d = await stageHandlers(new FakeSession(NEW_SERVER).factory()).diff(
      "my_s3_stage",
      state,
      withMasks(),
    );
    expect(d.changes).toBe(false);
  });

  it("derives digests for inline credentials, and sees them changed outside Pulumi", async () => {
    const inputs = settled({
      name: "my_s3_stage",
      url: "s3://databend-toronto/",
      credentials: { accessKeyId: "AKIAOLD", secretAccessKey: "old-secret" },
    });
    const state = await created(inputs);
    expect(Object.keys(state.secretMasks as object)).toEqual(["secretAccessKey"]);
    expect(JSON.stringify(state)).not.toContain("old-secret");
    const db = new FakeSession(NEW_SERVER).respond(/^DESC STAGE/, [rowShowing("another-key", "columns")]);
    const r = await stageHandlers(db.factory()).read("my_s3_stage", state);
    expect(r.props?.secretMasks).toEqual({ secretAccessKey: CHANGED_OUTSIDE });
    const d = await stageHandlers(new FakeSession(NEW_SERVER).factory()).diff(
      "my_s3_stage",
      r.props!,
      inputs,
    );
    expect(d.changes).toBe(true);
    const up = new FakeSession(NEW_SERVER);
    const u = await stageHandlers(up.factory()).update("my_s3_stage", r.props!, inputs);
    expect(up.statements[0]).toMatch(/^ALTER STAGE my_s3_stage SET URL/);
    expect(u.outs.secretMasks).toEqual({ secretAccessKey: expect.stringMatching(/^m1:/) });
  });
});
