import { PROVIDER_PROTOCOL, SUPPORTED_PROTOCOLS, configure, handlersFor } from "../../provider";
import { NO_DSN_MESSAGE } from "../../provider/settings";
import { freshDeployment } from "../helpers/deployment";

const deployment = freshDeployment();

describe("handlersFor (the contract with shims serialized into state)", () => {
  it("serves the protocol the current SDK writes", () => {
    expect(SUPPORTED_PROTOCOLS).toContain(PROVIDER_PROTOCOL);
    expect(typeof handlersFor("connection", PROVIDER_PROTOCOL).create).toBe("function");
  });

  it.each(["connection", "stage", "stageAccessRole"] as const)(
    "returns one shared handler object for %s",
    (kind) => {
      expect(handlersFor(kind, 1)).toBe(handlersFor(kind, 1));
    },
  );

  it("refuses state written by a newer package with a message that says what to do", () => {
    expect(() => handlersFor("stage", 99)).toThrow(/protocol 99.*install a newer pulumi-databend/);
  });

  it("refuses an unknown resource kind", () => {
    expect(() => handlersFor("table" as never, 1)).toThrow(/unknown resource kind "table"/);
  });
});

describe("handlersFor checks the DSN at preview", () => {
  afterEach(() => configure({}));

  const inputs = {
    connection: { name: "toronto", storageType: "s3", accessKeyId: "AKIA", secretAccessKey: "s3cret" },
    stage: { name: "raw" },
  } as const;

  it.each(["connection", "stage"] as const)("fails check of a %s when no DSN is configured", async (kind) => {
    const r = await handlersFor(kind, PROVIDER_PROTOCOL).check({}, { ...inputs[kind] });
    expect(r.failures).toEqual([{ property: "", reason: NO_DSN_MESSAGE }]);
  });

  it.each(["connection", "stage"] as const)(
    "passes check of a %s with DATABEND_DSN or databend:dsn",
    async (kind) => {
      const h = handlersFor(kind, PROVIDER_PROTOCOL);
      deployment.setEnv("DATABEND_DSN", "databend://root:pw@localhost:8000/default");
      expect((await h.check({}, { ...inputs[kind] })).failures).toEqual([]);
      delete process.env.DATABEND_DSN;
      configure({ dsn: "databend://root:pw@localhost:8000/default" });
      expect((await h.check({}, { ...inputs[kind] })).failures).toEqual([]);
    },
  );

  it("does not ask for a DSN for a StageAccessRole, which talks to AWS only", async () => {
    const r = await handlersFor("stageAccessRole", PROVIDER_PROTOCOL).check(
      {},
      {
        databendPrincipalArn: "arn:aws:iam::123456789012:role/databend",
        bucket: "my-data",
        roleName: "stage-role",
      },
    );
    expect(r.failures).toEqual([]);
  });
});
