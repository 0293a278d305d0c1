import { DatabendError } from "../../../provider/errors/DatabendError";
import type { ResourceHandlers } from "../../../provider/resources/handlers";
import { maskHandlerErrors, secretsIn } from "../../../provider/secrets/handlerErrors";

/** Handlers whose every method fails with `make(args)`. */
function failing(make: (args: unknown[]) => Error): ResourceHandlers {
  const fail = async (...args: unknown[]): Promise<never> => {
    throw make(args);
  };
  return { check: fail, diff: fail, create: fail, read: fail, update: fail, delete: fail };
}

describe("secretsIn", () => {
  it("finds every secret parameter and external ID at any depth, and nothing else", () => {
    expect(
      secretsIn(
        { name: "s", url: "s3://b/p/", credentials: { accessKeyId: "AKIA", secretAccessKey: "sk-1" } },
        { storageType: "azblob", accountKey: "ak-2", roleArn: "arn", externalId: "ext-3" },
      ).sort(),
    ).toEqual(["ak-2", "ext-3", "sk-1"]);
  });
});

describe("maskHandlerErrors (issue 21, F2)", () => {
  const secret = "wJalr\tXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  const echoed = `CREATE STAGE s URL = 's3://b|x/p/' CONNECTION = (SECRET_ACCESS_KEY = '${secret.replace("\t", "    ")}')`;
  const props = { name: "s", credentials: { accessKeyId: "AKIA", secretAccessKey: secret } };

  it("masks an error that a handler left unmasked, in message, stack, statement and cause", async () => {
    const h = maskHandlerErrors(
      failing(
        () =>
          new DatabendError(`create stage s: Databend error 1005: ${echoed}`, {
            code: "InvalidInput",
            retryable: false,
            statement: echoed,
            cause: new Error(echoed),
          }),
      ),
    );
    const e = (await h.create(props).catch((x: unknown) => x)) as DatabendError;
    expect(e).toBeInstanceOf(DatabendError);
    for (const text of [e.message, e.stack ?? "", e.statement ?? "", (e.cause as Error).message]) {
      expect(text).not.toMatch(/XUtnFEMI|EXAMPLEKEY/);
      expect(text).toContain("***");
    }
    expect(e.message).toContain("create stage s: Databend error 1005: CREATE STAGE s URL = 's3://b|x/p/'");
  });

  it("uses the state of delete and read, the olds and news of update, and the extra secrets", async () => {
    const h = maskHandlerErrors(
      failing((args) => new Error(`failed: ${JSON.stringify(args)} dsn-password-1234`)),
      () => ["dsn-password-1234"],
    );
    for (const call of [
      () => h.delete("s", props),
      () => h.read("s", props),
      () => h.update("s", props, { ...props, credentials: { secretAccessKey: "another-secret-99" } }),
    ]) {
      const e = (await call().catch((x: unknown) => x)) as Error;
      expect(e.message).not.toMatch(/XUtnFEMI|another-secret-99|dsn-password-1234/);
    }
  });

  it("passes results through untouched", async () => {
    const ok: ResourceHandlers = {
      ...failing(() => new Error("x")),
      create: async () => ({ id: "s", outs: { name: "s" } }),
    };
    expect(await maskHandlerErrors(ok).create(props)).toEqual({ id: "s", outs: { name: "s" } });
  });
});
