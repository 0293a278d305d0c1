import { Connection } from "../../../sdk/connection";
import { Stage } from "../../../sdk/stage";
import { resetStackIdentity, stackIdentity } from "../../../provider/resources/stackIdentity";
import { call } from "../../../sdk/dynamicHost";
import { RegisteredResource, installMocks, valueOf } from "../../helpers/pulumiMocks";

// The dynamic host gets no URN from Pulumi's dynamic provider: the SDK's resources pass the stack's
// identity as the hidden input `__stack`, which the host records and hands on with the checked inputs.

jest.mock("pulumi-databend/provider", () => jest.requireActual("../../../provider"), { virtual: true });

let registered: Map<string, RegisteredResource>;

beforeAll(async () => {
  registered = await installMocks();
});
afterEach(resetStackIdentity);

async function inputsOf(urn: Promise<string>): Promise<Record<string, unknown>> {
  const name = (await urn).split("::").pop() as string;
  return registered.get(name)?.inputs ?? {};
}

describe("the stack identity input", () => {
  it("is registered by every resource as <project>/<stack>", async () => {
    const c = new Connection("id_conn", {
      storageType: "s3",
      accessKeyId: "AKIA1234",
      secretAccessKey: "s3cr3t-xyz",
    });
    const s = new Stage("id_stage", {});
    expect((await inputsOf(valueOf(c.urn))).__stack).toBe("project/stack");
    expect((await inputsOf(valueOf(s.urn))).__stack).toBe("project/stack");
  });

  it("is recorded by the dynamic host at check and kept in the checked inputs, which the handlers never see", async () => {
    const r = (await call("stage", "check", [{}, { name: "raw", __stack: "project/stack" }])) as {
      inputs: Record<string, unknown>;
      failures: unknown[];
    };
    expect(JSON.stringify(r.failures)).not.toContain("__stack"); // no "unknown property" failure
    expect(r.inputs.__stack).toBe("project/stack");
    expect(stackIdentity()).toBe("project/stack");
  });

  it("causes no diff: state written without it (earlier versions) compares equal", async () => {
    const olds = {
      name: "raw",
      onConnectionChange: "keep",
      forceDestroy: false,
      adopt: false,
      stageType: "Internal",
    };
    const news = { ...olds, __stack: "project/stack" };
    delete (news as Record<string, unknown>).stageType;
    await expect(call("stage", "diff", ["raw", olds, news])).resolves.toEqual({ changes: false });
  });
});
