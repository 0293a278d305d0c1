import { isDatabendError } from "../../../provider/errors/DatabendError";
import { isValidationError } from "../../../provider/errors/ValidationError";
import { isClaimed, resetClaims } from "../../../provider/resources/claims";
import {
  CHANGED_OUTSIDE,
  DRIFTED,
  connectionHandlers,
  connectionOutputs,
  parseStorageParamsDisplay,
} from "../../../provider/resources/connection";
import type { Props } from "../../../provider/resources/handlers";
import { setNoticeSink } from "../../../provider/resources/notices";
import { connectionFingerprint, legacyConnectionFingerprint } from "../../../provider/storage/fingerprint";
import { maskBefore1_2_919, maskLikeDatabend } from "../../../provider/storage/masking";
import { UNKNOWN } from "../../../provider/validation/unknowns";
import { freshDeployment } from "../../helpers/deployment";
import { FakeSession, noSession } from "../../helpers/fakeSession";
import { fingerprintOf, TEST_SALT } from "../../helpers/fingerprints";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

const deployment = freshDeployment();

/**
 * A matcher for the fingerprint of `toronto` with the seed keys (and `extra` parameters): its salt is
 * random per object, so only what it says can be checked.
 */
function torontoFp(extra: Record<string, string> = {}): string {
  return fingerprintOf("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET, ...extra }, "toronto") as string;
}

/** A concrete fingerprint of `toronto` with the seed keys, for state passed in (a fixed salt). */
function torontoFpValue(): string {
  return connectionFingerprint("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET }, "toronto", TEST_SALT);
}

/** Inputs as the SDK sends them for the seed connection `toronto`. */
function torontoInputs(extra: Props = {}): Props {
  return { name: "toronto", storageType: "s3", accessKeyId: KEY_ID, secretAccessKey: SECRET, ...extra };
}

/** Runs check, as the engine does before every other call. */
async function checked(news: Props): Promise<Props> {
  const r = await connectionHandlers(noSession()).check({}, news);
  expect(r.failures).toEqual([]);
  return r.inputs;
}

/** The state after a successful create of `inputs` in an earlier deployment (so nothing is claimed). */
async function created(inputs: Props): Promise<Props> {
  const { outs } = await connectionHandlers(new FakeSession().factory()).create(await checked(inputs));
  resetClaims();
  return outs;
}

/** State as package 0.1 wrote it: every value in plaintext, a 16-hex fingerprint, stateVersion 1. */
function legacyState(extra: Record<string, string> = {}): Props {
  const params = { accessKeyId: KEY_ID, secretAccessKey: SECRET, ...extra };
  return {
    name: "toronto",
    storageType: "s3",
    ...params,
    fingerprint: legacyConnectionFingerprint("s3", params),
    stateVersion: 1,
  };
}

/** The outputs of `toronto` with the seed keys: no secret value, stateVersion 2. */
function torontoOutputs(): Props {
  return {
    name: "toronto",
    storageType: "s3",
    accessKeyId: KEY_ID,
    secretParams: ["secretAccessKey"],
    fingerprint: torontoFp(),
    secretMasks: SEED_MASKS,
    stateVersion: 2,
  };
}

/** The seed secret's mask digest, as outputs and checked inputs hold it. */
const SEED_MASKS = { secretAccessKey: expect.stringMatching(/^m1:[0-9a-f]{16}:[0-9a-f]{24}:[0-9a-f]{24}$/) };

/** DESC CONNECTION's masked rendering of the seed keys. */
const SEED_DESC = "access_key_id=AK***LE secret_access_key=wJ***EY";

function descRow(storageType: string, storageParams: string): Record<string, unknown> {
  return { name: "toronto", storage_type: storageType, storage_params: storageParams };
}

describe("connection outputs", () => {
  it("hold the plain parameters, the names of the secret ones, the fingerprint and stateVersion 2, never a secret value", () => {
    const outs = connectionOutputs({
      name: "toronto",
      storageType: "s3",
      params: { accessKeyId: KEY_ID, secretAccessKey: SECRET, sessionToken: "token-value" },
      adopt: false,
    });
    expect(outs).toEqual({
      name: "toronto",
      storageType: "s3",
      accessKeyId: KEY_ID,
      secretParams: ["secretAccessKey", "sessionToken"],
      fingerprint: torontoFp({ sessionToken: "token-value" }),
      stateVersion: 2,
    });
    expect(JSON.stringify(outs)).not.toContain(SECRET);
    expect(JSON.stringify(outs)).not.toContain("token-value");
  });

  it("record adopt only when it is set", () => {
    const c = { name: "toronto", storageType: "s3" as const, params: { accessKeyId: KEY_ID } };
    expect(connectionOutputs({ ...c, adopt: true }).adopt).toBe(true);
    expect(connectionOutputs({ ...c, adopt: false })).not.toHaveProperty("adopt");
  });

  it("leave secretParams out when no secret parameter is set", () => {
    const outs = connectionOutputs({
      name: "toronto",
      storageType: "s3",
      params: { region: "eu1" },
      adopt: false,
    });
    expect(outs).not.toHaveProperty("secretParams");
  });

  it("keep a fingerprint given by the caller", () => {
    const outs = connectionOutputs({ name: "toronto", storageType: "s3", params: {}, adopt: false }, DRIFTED);
    expect(outs.fingerprint).toBe("drifted");
  });
});

describe("connection check", () => {
  it("fills the fingerprint from the storage type, the parameters and the name", async () => {
    const r = await connectionHandlers(noSession()).check(
      {},
      { ...torontoInputs(), __provider: "serialized" },
    );
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({ ...torontoInputs(), fingerprint: torontoFp(), secretMasks: SEED_MASKS });
  });

  it("reuses the previous inputs' fingerprint when name, type and every parameter are the same", async () => {
    const olds = { ...torontoInputs(), fingerprint: "v2:0123456789abcdef01234567" };
    const r = await connectionHandlers(noSession()).check(olds, torontoInputs());
    expect(r.inputs.fingerprint).toBe("v2:0123456789abcdef01234567");
  });

  it.each([
    ["a secret changed", torontoInputs({ secretAccessKey: "rotated" })],
    ["a parameter was added", torontoInputs({ region: "us-east-2" })],
    ["the Databend name changed", torontoInputs({ name: "toronto_v2" })],
  ])("derives the fingerprint again when %s", async (_what, news) => {
    const olds = { ...torontoInputs(), fingerprint: torontoFpValue() };
    const r = await connectionHandlers(noSession()).check(olds, news);
    expect(r.inputs.fingerprint).toMatch(/^v3:[0-9a-f]{16}:[0-9a-f]{24}$/);
    expect(r.inputs.fingerprint).not.toBe(torontoFpValue());
    // The object keeps its salt across changes; another Databend name is another object.
    const keepsSalt = news.name === "toronto";
    expect(String(r.inputs.fingerprint).startsWith(`v3:${TEST_SALT}:`)).toBe(keepsSalt);
  });

  it("salts a new connection's fingerprint at random: the same parameters and name in two stacks differ", async () => {
    const a = await connectionHandlers(noSession()).check({}, torontoInputs());
    const b = await connectionHandlers(noSession()).check({}, torontoInputs());
    expect(a.inputs.fingerprint).toEqual(torontoFp());
    expect(b.inputs.fingerprint).toEqual(torontoFp());
    expect(a.inputs.fingerprint).not.toBe(b.inputs.fingerprint);
  });

  it.each([
    ["drifted (refresh found a change)", { ...torontoInputs(), fingerprint: DRIFTED }],
    ["from package 0.1", { ...torontoInputs(), fingerprint: legacyConnectionFingerprint("s3", {}) }],
    [
      "without the secret (inputs written by refresh)",
      { ...torontoInputs({ secretAccessKey: undefined }), fingerprint: "v2:0123456789abcdef01234567" },
    ],
  ])("derives the fingerprint when the previous one is %s", async (_what, olds) => {
    const r = await connectionHandlers(noSession()).check(olds, torontoInputs());
    expect(r.inputs.fingerprint).toEqual(torontoFp());
  });

  it("keeps a fingerprint the input already has (programs of package 0.2 derived it)", async () => {
    const r = await connectionHandlers(noSession()).check({}, torontoInputs({ fingerprint: "v2:given" }));
    expect(r.inputs.fingerprint).toBe("v2:given");
  });

  it("returns failures without touching the database, naming the property in the reason", async () => {
    const r = await connectionHandlers(noSession()).check({}, torontoInputs({ accountKey: "k" }));
    expect(r.failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(
          /^accountKey is not a parameter of storage type 's3'.*\(it belongs to 'azblob'\)/,
        ),
      },
    ]);
  });

  it("leaves the fingerprint out while a parameter is unknown", async () => {
    const r = await connectionHandlers(noSession()).check({}, torontoInputs({ secretAccessKey: UNKNOWN }));
    expect(r.failures).toEqual([]);
    expect(r.inputs.fingerprint).toBeUndefined();
  });

  it("fails at preview when no DSN is configured, on the resource rather than a property", async () => {
    const message = "no Databend DSN: run `pulumi config set --secret databend:dsn ...`";
    const r = await connectionHandlers(noSession(), { dsnProblem: () => message }).check({}, torontoInputs());
    expect(r.failures).toEqual([{ property: "", reason: message }]);
  });

  it("passes when the DSN check finds no problem", async () => {
    const r = await connectionHandlers(noSession(), { dsnProblem: () => undefined }).check(
      {},
      torontoInputs(),
    );
    expect(r.failures).toEqual([]);
  });
});

describe("connection diff", () => {
  it("reports no change when nothing changed, and claims the name it keeps", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs());
    expect(isClaimed("connection", "toronto")).toBe(false);
    await expect(connectionHandlers(noSession()).diff("toronto", olds, news)).resolves.toEqual({
      changes: false,
    });
    expect(isClaimed("connection", "toronto")).toBe(true);
  });

  it("replaces the connection when its name changes, creating the new one before deleting the old", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ name: "toronto_v2" }));
    await expect(connectionHandlers(noSession()).diff("toronto", olds, news)).resolves.toEqual({
      changes: true,
      replaces: ["name"],
      deleteBeforeReplace: false,
    });
    expect(isClaimed("connection", "toronto")).toBe(false);
  });

  it("reports a change without deciding on replacement while the name is unknown", async () => {
    const olds = await created(torontoInputs());
    await expect(
      connectionHandlers(noSession()).diff("toronto", olds, torontoInputs({ name: UNKNOWN })),
    ).resolves.toEqual({ changes: true });
    expect(isClaimed("connection", "toronto")).toBe(false);
  });

  it.each<[string, Props]>([
    ["a secret changes", torontoInputs({ secretAccessKey: "rotated-secret" })],
    ["a parameter is added", torontoInputs({ region: "us-east-2" })],
    ["every parameter is removed", { name: "toronto", storageType: "s3" }],
    [
      "the storage type changes",
      { name: "toronto", storageType: "gcs", credential: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" },
    ],
  ])("updates in place when %s", async (_what, news) => {
    const olds = await created(torontoInputs());
    await expect(connectionHandlers(noSession()).diff("toronto", olds, await checked(news))).resolves.toEqual(
      {
        changes: true,
      },
    );
    expect(isClaimed("connection", "toronto")).toBe(true);
  });

  it("updates in place when a parameter is not known yet", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ secretAccessKey: UNKNOWN }));
    await expect(connectionHandlers(noSession()).diff("toronto", olds, news)).resolves.toEqual({
      changes: true,
    });
  });

  it("ignores adopt, which only matters at creation", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ adopt: true }));
    await expect(connectionHandlers(noSession()).diff("toronto", olds, news)).resolves.toEqual({
      changes: false,
    });
  });

  it("reports a change after a refresh found drift (fingerprint 'drifted')", async () => {
    const olds = { ...(await created(torontoInputs())), fingerprint: DRIFTED };
    await expect(
      connectionHandlers(noSession()).diff("toronto", olds, await checked(torontoInputs())),
    ).resolves.toEqual({ changes: true });
  });

  it("migrates state written by package 0.1 (a change), even when its parameters are the same", async () => {
    await expect(
      connectionHandlers(noSession()).diff("toronto", legacyState(), await checked(torontoInputs())),
    ).resolves.toEqual({ changes: true });
  });

  it("compares a 0.1 fingerprint with the 0.1 digest of the new parameters", async () => {
    // stateVersion already current (e.g. after a refresh), fingerprint still in the 0.1 format.
    const olds = { ...legacyState(), stateVersion: 2 };
    const h = connectionHandlers(noSession());
    await expect(h.diff("toronto", olds, await checked(torontoInputs()))).resolves.toEqual({
      changes: false,
    });
    await expect(
      h.diff("toronto", olds, await checked(torontoInputs({ secretAccessKey: "rotated-secret" }))),
    ).resolves.toEqual({ changes: true });
  });
});

describe("connection create", () => {
  it("sends a plain CREATE CONNECTION, returns the name as id and outputs without the secret", async () => {
    const db = new FakeSession();
    const r = await connectionHandlers(db.factory()).create(await checked(torontoInputs()));
    expect(db.statements).toEqual([
      `CREATE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = '${KEY_ID}' SECRET_ACCESS_KEY = '${SECRET}'`,
    ]);
    expect(r.id).toBe("toronto");
    expect(r.outs).toEqual(torontoOutputs());
    expect(JSON.stringify(r.outs)).not.toContain(SECRET);
  });

  it("claims the name, so a later delete of a replaced resource keeps it", async () => {
    await connectionHandlers(new FakeSession().factory()).create(await checked(torontoInputs()));
    expect(isClaimed("connection", "toronto")).toBe(true);
  });

  it("tells the session which values are secret", async () => {
    const db = new FakeSession();
    await connectionHandlers(db.factory()).create(await checked(torontoInputs()));
    expect(db.log[0]?.ctx.secrets).toEqual([SECRET]);
  });

  const EXISTS = "UserDefinedConnection 'toronto' already exists: Exist when add";

  it("on an existing connection with other settings (2512), says this resource did not create it and how to take it over", async () => {
    const db = new FakeSession()
      .fail(/^CREATE CONNECTION/, 2512, EXISTS)
      .respond(/^DESC CONNECTION/, [descRow("s3", "access_key_id=AK***LE secret_access_key=zz***zz")]);
    const err = await connectionHandlers(db.factory())
      .create(await checked(torontoInputs()))
      .catch((e: unknown) => e);
    expect(isDatabendError(err)).toBe(true);
    expect(err).toMatchObject({ serverCode: 2512, code: "AlreadyExists", retryable: false });
    const message = (err as Error).message;
    expect(message).toContain("create connection toronto: Databend error 2512");
    expect(message).toContain("Exist when add. Connection 'toronto' already exists with other settings");
    expect(message).toContain("`adopt: true`");
    expect(message).toContain("`DATABEND_ADOPT=toronto pulumi up`");
    expect(message).not.toContain(SECRET);
    expect(db.statements).toEqual([
      expect.stringMatching(/^CREATE CONNECTION toronto /),
      "DESC CONNECTION toronto",
    ]);
  });

  it("on an existing connection with exactly these settings, says it may be this stack's own and how to recover", async () => {
    const db = new FakeSession()
      .fail(/^CREATE CONNECTION/, 2512, EXISTS)
      .respond(/^DESC CONNECTION/, [descRow("s3", SEED_DESC)]);
    const err = (await connectionHandlers(db.factory())
      .create(await checked(torontoInputs()))
      .catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ serverCode: 2512 });
    expect(err.message).toContain(
      "Connection 'toronto' already exists with exactly these settings. If this stack manages it",
    );
    expect(err.message).toContain("`aliases`");
    expect(err.message).toContain("`DATABEND_ADOPT=toronto pulumi up`");
    expect(err.message).not.toContain(SECRET);
  });

  it("says 'other settings' when the existing connection cannot be described", async () => {
    const db = new FakeSession()
      .fail(/^CREATE CONNECTION/, 2512, EXISTS)
      .fail(/^DESC CONNECTION/, 1063, "Permission denied");
    const err = (await connectionHandlers(db.factory())
      .create(await checked(torontoInputs()))
      .catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ serverCode: 2512 });
    expect(err.message).toContain("already exists with other settings");
  });

  it("takes an existing connection over with CREATE OR REPLACE when adopt is set", async () => {
    const db = new FakeSession().fail(/^CREATE CONNECTION/, 2512, EXISTS);
    const r = await connectionHandlers(db.factory()).create(await checked(torontoInputs({ adopt: true })));
    expect(db.statements).toEqual([
      `CREATE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = '${KEY_ID}' SECRET_ACCESS_KEY = '${SECRET}'`,
      `CREATE OR REPLACE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = '${KEY_ID}' SECRET_ACCESS_KEY = '${SECRET}'`,
    ]);
    expect(r.id).toBe("toronto");
    expect(r.outs.adopt).toBe(true);
    expect(isClaimed("connection", "toronto")).toBe(true);
  });

  it.each([
    ["names the connection", "toronto"],
    ["lists it among others", "montreal, toronto"],
  ])("takes an existing connection over when DATABEND_ADOPT %s", async (_what, value) => {
    deployment.setEnv("DATABEND_ADOPT", value);
    const db = new FakeSession().fail(/^CREATE CONNECTION/, 2512, EXISTS);
    await connectionHandlers(db.factory()).create(await checked(torontoInputs()));
    expect(db.statements[1]).toMatch(/^CREATE OR REPLACE CONNECTION toronto /);
    expect(db.statements).toHaveLength(2);
  });

  it("takes an existing connection over when DATABEND_ADOPT is * and it has exactly these settings", async () => {
    deployment.setEnv("DATABEND_ADOPT", "*");
    const db = new FakeSession()
      .fail(/^CREATE CONNECTION/, 2512, EXISTS)
      .respond(/^DESC CONNECTION/, [descRow("s3", "access_key_id=AK***LE secret_access_key=wJ***EY")]);
    await connectionHandlers(db.factory()).create(await checked(torontoInputs()));
    expect(db.statements[1]).toBe("DESC CONNECTION toronto");
    expect(db.statements[2]).toMatch(/^CREATE OR REPLACE CONNECTION toronto /);
    expect(db.statements).toHaveLength(3);
  });

  it("does not take over a connection DATABEND_ADOPT does not name", async () => {
    deployment.setEnv("DATABEND_ADOPT", "toronto_v2,montreal");
    const db = new FakeSession().fail(/^CREATE CONNECTION/, 2512, EXISTS);
    await expect(
      connectionHandlers(db.factory()).create(await checked(torontoInputs())),
    ).rejects.toMatchObject({
      serverCode: 2512,
    });
    expect(db.statements.some((s) => s.startsWith("CREATE OR REPLACE"))).toBe(false);
  });

  it("does not retry other errors, even with adopt", async () => {
    const db = new FakeSession().fail(
      /^CREATE CONNECTION/,
      1063,
      "Permission denied: privilege [Super] is required on *.*",
    );
    await expect(
      connectionHandlers(db.factory()).create(await checked(torontoInputs({ adopt: true }))),
    ).rejects.toMatchObject({
      serverCode: 1063,
      code: "PermissionDenied",
      message: expect.stringContaining("SUPER privilege"),
    });
    expect(db.statements).toHaveLength(1);
  });

  it("never puts a secret in the error, even when the server echoes it", async () => {
    const db = new FakeSession().fail(
      /^CREATE CONNECTION/,
      4000,
      `invalid input parameter (bad key ${SECRET})`,
    );
    const err = (await connectionHandlers(db.factory())
      .create(await checked(torontoInputs()))
      .catch((e: unknown) => e)) as { message: string; statement?: string };
    expect(err.message).not.toContain(SECRET);
    expect(err.statement).not.toContain(SECRET);
    expect(err.statement).toContain("SECRET_ACCESS_KEY = '***'");
  });

  it("refuses inputs without a known storage type before any SQL", async () => {
    const db = new FakeSession();
    const err = await connectionHandlers(db.factory())
      .create({ name: "toronto" })
      .catch((e: unknown) => e);
    expect(isValidationError(err)).toBe(true);
    expect(db.statements).toEqual([]);
  });
});

describe("connection read", () => {
  it("sends DESC CONNECTION with the id", async () => {
    const db = new FakeSession();
    await connectionHandlers(db.factory()).read("toronto", await created(torontoInputs()));
    expect(db.statements).toEqual(["DESC CONNECTION toronto"]);
  });

  it("returns a blank id when the connection is gone (2510)", async () => {
    const db = new FakeSession().fail(
      /^DESC CONNECTION/,
      2510,
      "Connection 'toronto' does not exist.\nNotFound when get",
    );
    await expect(
      connectionHandlers(db.factory()).read("toronto", await created(torontoInputs())),
    ).resolves.toEqual({
      id: "",
    });
  });

  it("returns a blank id when DESC returns no row", async () => {
    const db = new FakeSession().respond(/^DESC CONNECTION/, []);
    await expect(
      connectionHandlers(db.factory()).read("toronto", await created(torontoInputs())),
    ).resolves.toEqual({
      id: "",
    });
  });

  it("rethrows other errors", async () => {
    const db = new FakeSession().fail(
      /^DESC CONNECTION/,
      1063,
      "Permission denied: privilege [Super] is required",
    );
    await expect(
      connectionHandlers(db.factory()).read("toronto", await created(torontoInputs())),
    ).rejects.toMatchObject({ serverCode: 1063 });
  });

  it.each([
    ["the current mask format", SEED_DESC],
    ["the pre-1.2.919 mask format", `access_key_id=******PLE secret_access_key=******KEY`],
    ["keys in upper case and another order", `SECRET_ACCESS_KEY=wJ***EY ACCESS_KEY_ID=AK***LE`],
    ["Databend's alias keys", `aws_key_id=AK***LE aws_secret_key=wJ***EY`],
  ])("never shows masked values as drift (%s)", async (_what, storageParams) => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", storageParams)]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.id).toBe("toronto");
    expect(r.props).toEqual(state);
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: false,
    });
  });

  it("accepts short values the engine shows in clear", async () => {
    const state = await created(torontoInputs({ region: "eu1" }));
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE region=eu1 secret_access_key=wJ***EY"),
    ]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.props).toEqual(state);
  });

  it.each<[string, (v: string) => string]>([
    ["the current mask format", maskLikeDatabend],
    ["the pre-1.2.919 mask format", (v) => maskBefore1_2_919(v) ?? "(cannot mask)"],
  ])(
    "finds no drift in plain values with spaces, quotes, backslashes, tabs, line breaks or = inside (%s)",
    async (_what, mask) => {
      const extra = { region: "etl user 2", endpointUrl: "http://h/ a=b 'c\" \\ d\te\nf x y" };
      const state = await created(torontoInputs(extra));
      const server = {
        access_key_id: KEY_ID,
        endpoint_url: extra.endpointUrl,
        region: extra.region,
        secret_access_key: SECRET,
      };
      const text = Object.entries(server)
        .map(([k, v]) => `${k}=${mask(v)}`)
        .join(" ");
      const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", text)]);
      const h = connectionHandlers(db.factory());
      const r = await h.read("toronto", state);
      expect(r.props).toEqual(state);
      await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs(extra)))).resolves.toEqual({
        changes: false,
      });
    },
  );

  it.each([
    ["the issue's value in the pre-1.2.919 format", "region=******r 2", "etl user 2", false],
    ["the issue's value in the current format", "region=et*** 2", "etl user 2", false],
    ["a value changed outside Pulumi (same width)", "region=******r 3", "etl user 2", true],
    ["a value whose visible end is a space and a quote", "region=******' \"", "x ' \"", false],
  ])("reads %s", async (_what, regionText, region, drift) => {
    const state = await created(torontoInputs({ region }));
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", `access_key_id=AK***LE ${regionText} secret_access_key=wJ***EY`),
    ]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.props?.region).toBe(drift ? CHANGED_OUTSIDE : region);
    expect(r.props?.fingerprint === DRIFTED).toBe(drift);
  });

  it("returns inputs equal to the state minus its version and secretParams", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", SEED_DESC)]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    const expected: Props = { ...state };
    delete expected.stateVersion;
    delete expected.secretParams;
    expect(r.inputs).toEqual(expected);
  });

  it("keeps adopt in the inputs when the state has it", async () => {
    const state = await created(torontoInputs({ adopt: true }));
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", SEED_DESC)]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.inputs?.adopt).toBe(true);
  });

  it("sees a secret changed outside Pulumi through its mask digest, naming the parameter, never the value", async () => {
    const state = await created(torontoInputs());
    const notices: string[] = [];
    setNoticeSink((_s, m) => notices.push(m));
    try {
      for (const masked of ["zz***zz", "******zzz"]) {
        const db = new FakeSession().respond(/^DESC CONNECTION/, [
          descRow("s3", `access_key_id=AK***LE secret_access_key=${masked}`),
        ]);
        const r = await connectionHandlers(db.factory()).read("toronto", state);
        expect(r.props).toEqual({
          ...state,
          fingerprint: DRIFTED,
          secretMasks: { secretAccessKey: CHANGED_OUTSIDE },
        });
        expect(r.inputs?.secretMasks).toEqual({ secretAccessKey: CHANGED_OUTSIDE });
      }
    } finally {
      setNoticeSink(undefined);
    }
    expect(notices[0]).toMatch(/connection 'toronto': the secret secretAccessKey .* changed outside Pulumi/);
    expect(notices.join("\n")).not.toMatch(/zz|wJ|EY/);
  });

  it("recognises the secret it wrote in both mask generations", async () => {
    const state = await created(torontoInputs());
    for (const masked of ["wJ***EY", "******KEY"]) {
      const db = new FakeSession().respond(/^DESC CONNECTION/, [
        descRow("s3", `access_key_id=AK***LE secret_access_key=${masked}`),
      ]);
      const r = await connectionHandlers(db.factory()).read("toronto", state);
      expect(r.props).toEqual(state);
    }
  });

  it("cannot see a secret changed outside Pulumi in state without digests (older versions), nor one with the same visible characters", async () => {
    const state = await created(torontoInputs());
    const old = { ...state };
    delete old.secretMasks;
    const changed = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE secret_access_key=zz***zz"),
    ]);
    expect((await connectionHandlers(changed.factory()).read("toronto", old)).props).toEqual(old);
    // Another secret that starts with wJ and ends with EY shows the same mask.
    const lookalike = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", SEED_DESC)]);
    expect((await connectionHandlers(lookalike.factory()).read("toronto", state)).props).toEqual(state);
  });

  it("shows a plain value changed outside Pulumi as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=ZZ***ZZ secret_access_key=wJ***EY"),
    ]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props).toMatchObject({ accessKeyId: CHANGED_OUTSIDE, fingerprint: DRIFTED });
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a plain key added outside Pulumi as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE region=*** secret_access_key=wJ***EY"),
    ]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props).toMatchObject({ region: CHANGED_OUTSIDE, fingerprint: DRIFTED });
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a secret key added outside Pulumi as drift, and lists it in secretParams", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", `${SEED_DESC} session_token=ab***cd`),
    ]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.props).toMatchObject({
      fingerprint: DRIFTED,
      secretParams: ["secretAccessKey", "sessionToken"],
    });
    expect(r.props).not.toHaveProperty("sessionToken");
  });

  it("shows a secret key removed outside Pulumi as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", "access_key_id=AK***LE")]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props).toMatchObject({ fingerprint: DRIFTED });
    expect(r.props).not.toHaveProperty("secretAccessKey");
    expect(r.props).not.toHaveProperty("secretParams");
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a plain key removed outside Pulumi as drift", async () => {
    const state = await created(torontoInputs({ region: "us-east-2" }));
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", SEED_DESC)]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.props).toMatchObject({ fingerprint: DRIFTED });
    expect(r.props).not.toHaveProperty("region");
  });

  it("shows a changed storage type as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("azblob", "endpoint_url=ht***om")]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props).toMatchObject({
      storageType: "azblob",
      endpointUrl: CHANGED_OUTSIDE,
      fingerprint: DRIFTED,
    });
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("keeps a storage type this package does not manage, so the next up replaces it", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("hdfs", "name_node=hd***00")]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.props).toMatchObject({ name: "toronto", storageType: "hdfs", fingerprint: DRIFTED });
  });

  it("reads by id with empty props (import): every value a placeholder, and a program of those inputs changes nothing", async () => {
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE region=eu1 secret_access_key=wJ***EY"),
    ]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", {});
    expect(r.id).toBe("toronto");
    const placeholders = {
      accessKeyId: CHANGED_OUTSIDE,
      region: CHANGED_OUTSIDE,
      secretAccessKey: CHANGED_OUTSIDE,
    };
    expect(r.props).toEqual({
      name: "toronto",
      storageType: "s3",
      accessKeyId: CHANGED_OUTSIDE,
      region: CHANGED_OUTSIDE,
      secretParams: ["secretAccessKey"],
      fingerprint: fingerprintOf("s3", placeholders, "toronto"),
      stateVersion: 2,
    });
    // The generated program holds the inputs (the secret as a placeholder too): deploying it as is
    // must not overwrite the connection with placeholders.
    expect(r.inputs).toMatchObject(placeholders);
    expect(r.inputs).not.toHaveProperty("secretParams");
    const program: Props = { ...r.inputs };
    delete program.fingerprint;
    const checked = await h.check({}, program);
    expect(checked.failures).toEqual([]);
    expect(await h.diff("toronto", r.props as Props, checked.inputs)).toEqual({ changes: false });
  });

  describe("of state written by package 0.1 (secrets in plaintext)", () => {
    it("still compares the secret it holds, and drops it from the outputs", async () => {
      const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", SEED_DESC)]);
      const r = await connectionHandlers(db.factory()).read("toronto", legacyState());
      expect(r.props).toMatchObject({
        accessKeyId: KEY_ID,
        secretParams: ["secretAccessKey"],
        fingerprint: legacyState().fingerprint,
      });
      expect(JSON.stringify(r)).not.toContain(SECRET);
    });

    it("shows a secret changed outside Pulumi as drift", async () => {
      const db = new FakeSession().respond(/^DESC CONNECTION/, [
        descRow("s3", "access_key_id=AK***LE secret_access_key=zz***zz"),
      ]);
      const r = await connectionHandlers(db.factory()).read("toronto", legacyState());
      expect(r.props?.fingerprint).toBe(DRIFTED);
      expect(JSON.stringify(r)).not.toContain(SECRET);
    });
  });
});

describe("connection update", () => {
  it("replaces the parameters with CREATE OR REPLACE CONNECTION, marked safe to repeat", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ secretAccessKey: "rotated-secret", region: "us-east-2" }));
    const db = new FakeSession();
    const r = await connectionHandlers(db.factory()).update("toronto", olds, news);
    expect(db.statements).toEqual([
      `CREATE OR REPLACE CONNECTION toronto STORAGE_TYPE = 's3' REGION = 'us-east-2' ACCESS_KEY_ID = '${KEY_ID}' ` +
        "SECRET_ACCESS_KEY = 'rotated-secret'",
      // The copy audit: which stages still hold the old parameters (none here).
      "SHOW CONNECTIONS",
      "SHOW STAGES",
    ]);
    expect(db.log[0]?.ctx.idempotent).toBe(true);
    expect(r.outs).toMatchObject({
      fingerprint: fingerprintOf(
        "s3",
        { accessKeyId: KEY_ID, secretAccessKey: "rotated-secret", region: "us-east-2" },
        "toronto",
      ),
    });
    expect(r.outs.fingerprint).not.toBe(olds.fingerprint);
    expect(JSON.stringify(r.outs)).not.toContain("rotated-secret");
    expect(isClaimed("connection", "toronto")).toBe(true);
  });

  it("re-applies the parameters after drift", async () => {
    const olds = { ...(await created(torontoInputs())), fingerprint: DRIFTED };
    const db = new FakeSession();
    await connectionHandlers(db.factory()).update("toronto", olds, await checked(torontoInputs()));
    expect(db.statements).toEqual([
      expect.stringMatching(/^CREATE OR REPLACE CONNECTION toronto /),
      "SHOW CONNECTIONS",
      "SHOW STAGES",
    ]);
  });

  it("migrates 0.1 state with unchanged parameters without any statement, dropping the secret from state", async () => {
    const db = new FakeSession();
    const r = await connectionHandlers(db.factory()).update(
      "toronto",
      legacyState(),
      await checked(torontoInputs()),
    );
    expect(db.statements).toEqual([]);
    expect(r.outs).toEqual(torontoOutputs());
  });

  it("sends CREATE OR REPLACE when 0.1 state's parameters changed too", async () => {
    const db = new FakeSession();
    await connectionHandlers(db.factory()).update(
      "toronto",
      legacyState(),
      await checked(torontoInputs({ secretAccessKey: "rotated-secret" })),
    );
    expect(db.statements).toEqual([
      expect.stringMatching(/^CREATE OR REPLACE CONNECTION toronto /),
      "SHOW CONNECTIONS",
      "SHOW STAGES",
    ]);
  });

  it("reports every stage still holding the old copy, managed or not, as a warning and staleCopies", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ secretAccessKey: "rotated-secret" }));
    const stageRow = (name: string, secret: string): Record<string, unknown> => ({
      name,
      stage_type: "External",
      storage_type: "s3",
      url: `s3://b/${name}/`,
      storage_params: JSON.stringify({
        access_key_id: maskBefore1_2_919(KEY_ID),
        secret_access_key: maskBefore1_2_919(secret),
        endpoint_url: "https://s3.amazonaws.com",
        region: "",
      }),
      file_format_options: "{}",
    });
    const db = new FakeSession()
      .respond(/^SHOW CONNECTIONS/, [
        {
          name: "toronto",
          storage_type: "s3",
          storage_params: `access_key_id=${maskBefore1_2_919(KEY_ID)} secret_access_key=******ret`,
        },
      ])
      .respond(/^SHOW STAGES/, [
        stageRow("old_copy", "the-old-secret-xyz"),
        stageRow("new_copy", "rotated-secret"),
        stageRow("hand_made", "the-old-secret-xyz"),
      ]);
    const r = await connectionHandlers(db.factory()).update("toronto", olds, news);
    expect(r.outs.staleCopies).toEqual(["hand_made", "old_copy"]);
    expect(deployment.notices).toEqual([
      {
        severity: "warning",
        message: expect.stringMatching(
          /^connection 'toronto' changed, and 2 stage\(s\) still hold a copy of its old parameters: 'hand_made', 'old_copy'\. .*pulumi-databend audit/,
        ) as unknown,
      },
    ]);
    expect(JSON.stringify([r, deployment.notices])).not.toMatch(/xyz|rotated-secret|\*\*\*/);
  });

  it("still succeeds, with a warning, when the stages cannot be listed", async () => {
    const db = new FakeSession().fail(/^SHOW STAGES/, 1063, "Permission denied");
    const r = await connectionHandlers(db.factory()).update(
      "toronto",
      await created(torontoInputs()),
      await checked(torontoInputs({ secretAccessKey: "rotated-secret" })),
    );
    expect(r.outs.staleCopies).toBeUndefined();
    expect(deployment.notices).toEqual([
      {
        severity: "warning",
        message: expect.stringMatching(/could not be listed .*run `pulumi-databend audit`/) as unknown,
      },
    ]);
  });
});

describe("connection delete", () => {
  it("sends DROP CONNECTION IF EXISTS, so deleting what is gone succeeds", async () => {
    const db = new FakeSession();
    await connectionHandlers(db.factory()).delete("toronto", await created(torontoInputs()));
    expect(db.statements).toEqual(["DROP CONNECTION IF EXISTS toronto"]);
    expect(deployment.notices).toEqual([]);
  });

  it("sends nothing when another resource of this deployment holds the name, and says so", async () => {
    const state = await created(torontoInputs());
    const h = connectionHandlers(noSession());
    // The replacement (or the adopting resource) was created first in this deployment.
    await connectionHandlers(new FakeSession().factory()).create(
      await checked(torontoInputs({ adopt: true })),
    );
    await h.delete("toronto", state);
    expect(deployment.notices).toEqual([
      { severity: "info", message: expect.stringContaining("connection 'toronto' was not dropped") },
    ]);
  });

  it("drops an old name after a rename: only the new name is claimed", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ name: "toronto_v2" }));
    const db = new FakeSession();
    const h = connectionHandlers(db.factory());
    await h.diff("toronto", olds, news);
    await h.create(news);
    await h.delete("toronto", olds);
    expect(db.statements).toEqual([
      expect.stringMatching(/^CREATE CONNECTION toronto_v2 /),
      "DROP CONNECTION IF EXISTS toronto",
    ]);
  });

  it("rethrows a failed drop, so the connection stays in state", async () => {
    const db = new FakeSession().fail(/^DROP CONNECTION/, 1063, "Permission denied");
    await expect(
      connectionHandlers(db.factory()).delete("toronto", await created(torontoInputs())),
    ).rejects.toMatchObject({
      serverCode: 1063,
      message: expect.stringContaining("delete connection toronto"),
    });
  });
});

describe("parseStorageParamsDisplay", () => {
  it("reads space-separated key=value pairs with lower-cased keys", () => {
    expect(parseStorageParamsDisplay("ENDPOINT_URL=ht***0/ region=***  secret_access_key=mi***in")).toEqual({
      endpoint_url: "ht***0/",
      region: "***",
      secret_access_key: "mi***in",
    });
  });

  it("keeps an = inside a value", () => {
    expect(parseStorageParamsDisplay("account_key=ab***==")).toEqual({ account_key: "ab***==" });
  });

  it("reads nothing from an empty column", () => {
    expect(parseStorageParamsDisplay("")).toEqual({});
  });
});
