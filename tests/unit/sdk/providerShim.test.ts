import { ResourceInitError } from "../../../provider/errors/ResourceInitError";
import type { ResourceHandlers } from "../../../provider/resources/handlers";
import { providerShim } from "../../../sdk/providerShim";

const handlers: Partial<ResourceHandlers> = {};
const configure = jest.fn();
const setDebugLog = jest.fn();
const sink = (): void => undefined;

jest.mock(
  "pulumi-databend/provider",
  () => ({
    configure: (s: unknown) => configure(s),
    setDebugLog: (s: unknown) => setDebugLog(s),
    handlersFor: (kind: string, protocol: number) => {
      if (protocol !== 1) throw new Error(`protocol ${protocol}`);
      if (kind !== "stage") throw new Error(`kind ${kind}`);
      return handlers;
    },
  }),
  { virtual: true },
);
jest.mock("pulumi-databend/engine-log", () => ({ engineDebugLog: () => sink }), { virtual: true });

describe("providerShim", () => {
  it("reads the DSN and AWS region from stack config in configure()", async () => {
    const values: Record<string, string> = {
      "databend:dsn": "databend://u:p@h:1/db",
      "aws:region": "eu-west-1",
    };
    await providerShim("stage").configure?.({
      config: { get: (k: string) => values[k], require: (k: string) => values[k] as string },
    } as never);
    expect(configure).toHaveBeenCalledWith({ dsn: "databend://u:p@h:1/db", awsRegion: "eu-west-1" });
    expect(setDebugLog).toHaveBeenCalledWith(sink);
  });

  it("delegates create to the provider module", async () => {
    handlers.create = async () => ({ id: "s", outs: { name: "s" } });
    await expect(providerShim("stage").create?.({ name: "s" })).resolves.toEqual({
      id: "s",
      outs: { name: "s" },
    });
  });

  it("adds the serialized provider to a created-but-failed object, so later operations can run", async () => {
    handlers.create = async () => {
      throw new ResourceInitError("comment failed", "s", { name: "s" });
    };
    const err = await providerShim("stage")
      .create?.({ name: "s", __provider: "serialized" })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({ id: "s", properties: { name: "s", __provider: "serialized" } });
  });

  it("passes other errors through untouched", async () => {
    handlers.create = async () => {
      throw new Error("boom");
    };
    await expect(providerShim("stage").create?.({ __provider: "x" })).rejects.toThrow("boom");
  });
});
