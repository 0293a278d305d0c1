import * as pulumi from "@pulumi/pulumi";
import { Connection } from "../../../sdk/connection";
import { fingerprintOf } from "../../helpers/fingerprints";
import { RegisteredResource, installMocks, isSecretValue, valueOf } from "../../helpers/pulumiMocks";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI-sdk-secret";

let registered: Map<string, RegisteredResource>;

beforeAll(async () => {
  registered = await installMocks();
});

async function registeredInputs(c: Connection): Promise<Record<string, unknown>> {
  const urn = await valueOf(c.urn);
  const name = urn.split("::").pop() as string;
  const r = registered.get(name);
  if (!r) throw new Error(`resource ${name} was not registered`);
  return r.inputs;
}

describe("Connection", () => {
  it("registers the dynamic type pulumi-nodejs:dynamic/databend:Connection", async () => {
    const c = new Connection("toronto", { storageType: "s3", accessKeyId: KEY_ID, secretAccessKey: SECRET });
    await registeredInputs(c);
    expect(registered.get("toronto")?.type).toBe("pulumi-nodejs:dynamic/databend:Connection");
  });

  it("sends the name (defaulting to the resource name), storage type and parameters", async () => {
    const c = new Connection("conn_defaults", {
      storageType: "s3",
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
      region: "us-east-2",
    });
    const inputs = await registeredInputs(c);
    expect(inputs).toMatchObject({
      name: "conn_defaults",
      storageType: "s3",
      accessKeyId: KEY_ID,
      region: "us-east-2",
    });
    expect(inputs).not.toHaveProperty("adopt");
    expect(typeof inputs.__provider).toBe("string");
  });

  it("uses an explicit name", async () => {
    const c = new Connection("conn_named", {
      name: "toronto_v2",
      storageType: "gcs",
      credential: "Y3JlZA==",
    });
    expect((await registeredInputs(c)).name).toBe("toronto_v2");
  });

  it.each<[string, () => Connection, string[], string[]]>([
    [
      "s3",
      () =>
        new Connection("secret_s3", {
          storageType: "s3",
          accessKeyId: KEY_ID,
          secretAccessKey: SECRET,
          sessionToken: "session-tok",
          roleArn: "arn:aws:iam::123456789012:role/r",
          externalId: "ext-id",
          masterKey: "master-key",
        }),
      ["secretAccessKey", "sessionToken", "externalId", "masterKey"],
      ["accessKeyId", "roleArn"],
    ],
    [
      "azblob",
      () =>
        new Connection("secret_az", {
          storageType: "azblob",
          endpointUrl: "https://e",
          accountName: "acct",
          accountKey: "acct-key",
        }),
      ["accountKey"],
      ["endpointUrl", "accountName"],
    ],
    [
      "gcs",
      () => new Connection("secret_gcs", { storageType: "gcs", credential: "Y3JlZA==" }),
      ["credential"],
      [],
    ],
    [
      "oss",
      () =>
        new Connection("secret_oss", {
          storageType: "oss",
          endpointUrl: "https://e",
          accessKeyId: "id",
          accessKeySecret: "oss-secret",
        }),
      ["accessKeySecret"],
      ["endpointUrl", "accessKeyId"],
    ],
    [
      "cos",
      () =>
        new Connection("secret_cos", {
          storageType: "cos",
          endpointUrl: "https://e",
          secretId: "sid",
          secretKey: "skey",
        }),
      ["secretId", "secretKey"],
      ["endpointUrl"],
    ],
  ])(
    "marks the secret parameters of %s as secrets in the registered inputs",
    async (_type, make, secret, plain) => {
      const inputs = await registeredInputs(make());
      for (const k of secret) expect({ [k]: isSecretValue(inputs[k]) }).toEqual({ [k]: true });
      for (const k of plain) expect({ [k]: isSecretValue(inputs[k]) }).toEqual({ [k]: false });
    },
  );

  it("never puts a secret value into the serialized provider", async () => {
    const inputs = await registeredInputs(
      new Connection("conn_serialized", { storageType: "s3", accessKeyId: KEY_ID, secretAccessKey: SECRET }),
    );
    expect(inputs.__provider).toEqual(expect.any(String));
    expect(inputs.__provider).not.toContain(SECRET);
    expect(inputs.__provider).not.toContain(KEY_ID);
  });

  it("derives no fingerprint in the program: the output is the one the provider's check derives, not secret", async () => {
    const c = new Connection("conn_fp", {
      storageType: "s3",
      accessKeyId: KEY_ID,
      secretAccessKey: pulumi.secret(SECRET),
    });
    const expected = fingerprintOf("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET }, "conn_fp");
    expect(await registeredInputs(c)).not.toHaveProperty("fingerprint");
    expect(await valueOf(c.fingerprint)).toEqual(expected);
    expect(await pulumi.isSecret(c.fingerprint)).toBe(false);
  });

  it("gives each connection its own fingerprint, saying its parameters and Databend name", async () => {
    const args = { storageType: "s3", accessKeyId: KEY_ID, secretAccessKey: SECRET } as const;
    const a = new Connection("fp_a", { ...args, name: "shared_name" });
    const b = new Connection("fp_b", { ...args, name: "shared_name" });
    const c = new Connection("fp_c", { ...args, name: "shared_name", secretAccessKey: "rotated" });
    const d = new Connection("fp_d", { ...args, name: "other_name" });
    const [fa, fb, fc, fd] = await Promise.all([
      valueOf(a.fingerprint),
      valueOf(b.fingerprint),
      valueOf(c.fingerprint),
      valueOf(d.fingerprint),
    ]);
    // Random salts: even equal parameters under one name (two stacks) do not look equal.
    expect(new Set([fa, fb, fc, fd]).size).toBe(4);
    const seed = { accessKeyId: KEY_ID, secretAccessKey: SECRET };
    expect([fa, fb, fc, fd]).toEqual([
      fingerprintOf("s3", seed, "shared_name"),
      fingerprintOf("s3", seed, "shared_name"),
      fingerprintOf("s3", { ...seed, secretAccessKey: "rotated" }, "shared_name"),
      fingerprintOf("s3", seed, "other_name"),
    ]);
  });

  it("salts the fingerprint with the resource name when no name is given", async () => {
    const c = new Connection("fp_default", {
      storageType: "s3",
      accessKeyId: KEY_ID,
      secretAccessKey: SECRET,
    });
    expect(await valueOf(c.fingerprint)).toEqual(
      fingerprintOf("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET }, "fp_default"),
    );
  });

  it("passes an unknown key through so that check names it", async () => {
    const args = { storageType: "s3", bucket: "b" } as unknown as ConstructorParameters<typeof Connection>[1];
    const inputs = await registeredInputs(new Connection("conn_unknown_key", args));
    expect(inputs.bucket).toBe("b");
  });

  it("does not compile with a parameter of another storage type", () => {
    const build = (): Connection =>
      // @ts-expect-error accountKey is an azblob parameter, not an s3 one
      new Connection("never_built", { storageType: "s3", accountKey: "k" });
    expect(typeof build).toBe("function");
  });

  it("does not compile without a required endpointUrl", () => {
    const build = (): Connection =>
      // @ts-expect-error azblob needs endpointUrl
      new Connection("never_built", { storageType: "azblob", accountName: "a" });
    expect(typeof build).toBe("function");
  });
});
