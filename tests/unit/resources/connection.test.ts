import { isDatabendError } from "../../../provider/errors/DatabendError";
import { isValidationError } from "../../../provider/errors/ValidationError";
import {
  CHANGED_OUTSIDE,
  connectionHandlers,
  parseStorageParamsDisplay,
} from "../../../provider/resources/connection";
import type { Props } from "../../../provider/resources/handlers";
import { connectionFingerprint } from "../../../provider/storage/fingerprint";
import { UNKNOWN } from "../../../provider/validation/unknowns";
import { FakeSession, noSession } from "../../helpers/fakeSession";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

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

/** The state after a successful create of `inputs`. */
async function created(inputs: Props): Promise<Props> {
  const { outs } = await connectionHandlers(new FakeSession().factory()).create(await checked(inputs));
  return outs;
}

function descRow(storageType: string, storageParams: string): Record<string, unknown> {
  return { name: "toronto", storage_type: storageType, storage_params: storageParams };
}

describe("connection check", () => {
  it("fills the fingerprint from the storage type and parameters", async () => {
    const r = await connectionHandlers(noSession()).check(
      {},
      { ...torontoInputs(), __provider: "serialized" },
    );
    expect(r.failures).toEqual([]);
    expect(r.inputs).toEqual({
      ...torontoInputs(),
      fingerprint: connectionFingerprint("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET }),
    });
  });

  it("returns failures without touching the database", async () => {
    const r = await connectionHandlers(noSession()).check({}, torontoInputs({ accountKey: "k" }));
    expect(r.failures).toEqual([
      expect.objectContaining({
        property: "accountKey",
        reason: expect.stringContaining("(it belongs to 'azblob')"),
      }),
    ]);
  });

  it("leaves the fingerprint out while a parameter is unknown", async () => {
    const r = await connectionHandlers(noSession()).check({}, torontoInputs({ secretAccessKey: UNKNOWN }));
    expect(r.failures).toEqual([]);
    expect(r.inputs.fingerprint).toBeUndefined();
  });
});

describe("connection diff", () => {
  it("reports no change when nothing changed", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs());
    await expect(connectionHandlers(noSession()).diff("toronto", olds, news)).resolves.toEqual({
      changes: false,
    });
  });

  it("replaces the connection when its name changes", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ name: "toronto_v2" }));
    await expect(connectionHandlers(noSession()).diff("toronto", olds, news)).resolves.toEqual({
      changes: true,
      replaces: ["name"],
    });
  });

  it("replaces the connection when its name is not known yet", async () => {
    const olds = await created(torontoInputs());
    await expect(
      connectionHandlers(noSession()).diff("toronto", olds, torontoInputs({ name: UNKNOWN })),
    ).resolves.toEqual({
      changes: true,
      replaces: ["name"],
    });
  });

  it.each<[string, Props]>([
    ["a secret changes", torontoInputs({ secretAccessKey: "rotated-secret" })],
    ["a parameter is added", torontoInputs({ region: "us-east-2" })],
    ["a parameter is removed", { name: "toronto", storageType: "s3" }],
    ["a parameter is not known yet", torontoInputs({ secretAccessKey: UNKNOWN })],
    ["the storage type changes", { name: "toronto", storageType: "gcs", credential: "Y3JlZA==" }],
  ])("updates in place when %s", async (_what, news) => {
    const olds = await created(torontoInputs());
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
});

describe("connection create", () => {
  it("sends a plain CREATE CONNECTION and returns the name as id", async () => {
    const db = new FakeSession();
    const r = await connectionHandlers(db.factory()).create(await checked(torontoInputs()));
    expect(db.statements).toEqual([
      `CREATE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = '${KEY_ID}' SECRET_ACCESS_KEY = '${SECRET}'`,
    ]);
    expect(r.id).toBe("toronto");
    expect(r.outs).toEqual({
      name: "toronto",
      storageType: "s3",
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      fingerprint: connectionFingerprint("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET }),
      stateVersion: 1,
    });
  });

  it("tells the session which values are secret", async () => {
    const db = new FakeSession();
    await connectionHandlers(db.factory()).create(await checked(torontoInputs()));
    expect(db.log[0]?.ctx.secrets).toEqual([SECRET]);
  });

  it("fails on an existing connection (2512) and names `adopt: true` as the way to take it over", async () => {
    const db = new FakeSession().fail(
      /^CREATE CONNECTION/,
      2512,
      "UserDefinedConnection 'toronto' already exists: Exist when add",
    );
    const err = await connectionHandlers(db.factory())
      .create(await checked(torontoInputs()))
      .catch((e: unknown) => e);
    expect(isDatabendError(err)).toBe(true);
    expect(err).toMatchObject({ serverCode: 2512, code: "AlreadyExists" });
    expect((err as Error).message).toContain("create connection toronto: Databend error 2512");
    expect((err as Error).message).toContain("`adopt: true`");
    expect(db.statements).toHaveLength(1);
  });

  it("takes an existing connection over with CREATE OR REPLACE when adopt is set", async () => {
    const db = new FakeSession().fail(
      /^CREATE CONNECTION/,
      2512,
      "UserDefinedConnection 'toronto' already exists: Exist when add",
    );
    const r = await connectionHandlers(db.factory()).create(await checked(torontoInputs({ adopt: true })));
    expect(db.statements).toEqual([
      `CREATE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = '${KEY_ID}' SECRET_ACCESS_KEY = '${SECRET}'`,
      `CREATE OR REPLACE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = '${KEY_ID}' SECRET_ACCESS_KEY = '${SECRET}'`,
    ]);
    expect(r.id).toBe("toronto");
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
    ).resolves.toEqual({ id: "" });
  });

  it("returns a blank id when DESC returns no row", async () => {
    const db = new FakeSession().respond(/^DESC CONNECTION/, []);
    await expect(
      connectionHandlers(db.factory()).read("toronto", await created(torontoInputs())),
    ).resolves.toEqual({ id: "" });
  });

  it("rethrows other errors", async () => {
    const db = new FakeSession().fail(
      /^DESC CONNECTION/,
      1063,
      "Permission denied: privilege [Super] is required",
    );
    await expect(
      connectionHandlers(db.factory()).read("toronto", await created(torontoInputs())),
    ).rejects.toMatchObject({
      serverCode: 1063,
    });
  });

  it.each([
    ["the current mask format", `access_key_id=AK***LE secret_access_key=wJ***EY`],
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

  it("returns inputs equal to the state minus its version", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE secret_access_key=wJ***EY"),
    ]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    const expected: Props = { ...state };
    delete expected.stateVersion;
    expect(r.inputs).toEqual(expected);
  });

  it("keeps adopt in the inputs when the state has it", async () => {
    const state = { ...(await created(torontoInputs())), adopt: true };
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE secret_access_key=wJ***EY"),
    ]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.inputs?.adopt).toBe(true);
  });

  it("shows a value changed outside Pulumi as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE secret_access_key=zz***zz"),
    ]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props?.secretAccessKey).toBe(CHANGED_OUTSIDE);
    expect(r.props?.fingerprint).not.toBe(state.fingerprint);
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a key added outside Pulumi as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [
      descRow("s3", "access_key_id=AK***LE region=*** secret_access_key=wJ***EY"),
    ]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props?.region).toBe(CHANGED_OUTSIDE);
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a key removed outside Pulumi as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("s3", "access_key_id=AK***LE")]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props).not.toHaveProperty("secretAccessKey");
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("shows a changed storage type as drift", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("azblob", "endpoint_url=ht***om")]);
    const h = connectionHandlers(db.factory());
    const r = await h.read("toronto", state);
    expect(r.props).toMatchObject({ storageType: "azblob", endpointUrl: CHANGED_OUTSIDE });
    await expect(h.diff("toronto", r.props ?? {}, await checked(torontoInputs()))).resolves.toEqual({
      changes: true,
    });
  });

  it("keeps a storage type this package does not manage, so the next up replaces it", async () => {
    const state = await created(torontoInputs());
    const db = new FakeSession().respond(/^DESC CONNECTION/, [descRow("hdfs", "name_node=hd***00")]);
    const r = await connectionHandlers(db.factory()).read("toronto", state);
    expect(r.props).toMatchObject({ name: "toronto", storageType: "hdfs", fingerprint: "" });
  });
});

describe("connection update", () => {
  it("replaces the parameters with CREATE OR REPLACE CONNECTION", async () => {
    const olds = await created(torontoInputs());
    const news = await checked(torontoInputs({ secretAccessKey: "rotated-secret", region: "us-east-2" }));
    const db = new FakeSession();
    const r = await connectionHandlers(db.factory()).update("toronto", olds, news);
    expect(db.statements).toEqual([
      `CREATE OR REPLACE CONNECTION toronto STORAGE_TYPE = 's3' REGION = 'us-east-2' ACCESS_KEY_ID = '${KEY_ID}' ` +
        "SECRET_ACCESS_KEY = 'rotated-secret'",
    ]);
    expect(r.outs.fingerprint).toBe(
      connectionFingerprint("s3", {
        accessKeyId: KEY_ID,
        secretAccessKey: "rotated-secret",
        region: "us-east-2",
      }),
    );
    expect(r.outs.fingerprint).not.toBe(olds.fingerprint);
  });
});

describe("connection delete", () => {
  it("sends DROP CONNECTION IF EXISTS, so deleting what is gone succeeds", async () => {
    const db = new FakeSession();
    await connectionHandlers(db.factory()).delete("toronto", await created(torontoInputs()));
    expect(db.statements).toEqual(["DROP CONNECTION IF EXISTS toronto"]);
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
