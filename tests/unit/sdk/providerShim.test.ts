import { ResourceInitError } from "../../../provider/errors/ResourceInitError";
import type { ResourceHandlers } from "../../../provider/resources/handlers";
import { call, configure as hostConfigure } from "../../../sdk/dynamicHost";
import { providerShim } from "../../../sdk/providerShim";

const handlers: Partial<ResourceHandlers> = {};
const configure = jest.fn();
const forwarded = jest.fn();

jest.mock(
  "pulumi-databend/provider",
  () => ({
    configure: (s: unknown) => configure(s),
    handlersFor: (kind: string, protocol: number) => {
      if (protocol !== 1) throw new Error(`protocol ${protocol}`);
      if (kind !== "stage") throw new Error(`kind ${kind}`);
      return handlers;
    },
  }),
  { virtual: true },
);

jest.mock(
  "pulumi-databend/dynamic",
  () => ({
    configure: (r: unknown) => forwarded("configure", r),
    call: (kind: string, method: string, args: unknown[]) => forwarded(kind, method, args),
  }),
  { virtual: true },
);

describe("providerShim", () => {
  it("forwards every method, with its kind and arguments, to the package's dynamic host", async () => {
    const shim = providerShim("stage");
    await shim.check?.({ a: 1 }, { b: 2 });
    await shim.diff?.("id", { a: 1 }, { b: 2 });
    await shim.delete?.("id", { a: 1 });
    expect(forwarded.mock.calls).toEqual([
      ["stage", "check", [{ a: 1 }, { b: 2 }]],
      ["stage", "diff", ["id", { a: 1 }, { b: 2 }]],
      ["stage", "delete", ["id", { a: 1 }]],
    ]);
  });
});

describe("dynamicHost", () => {
  it("reads the DSN, AWS region and timeouts from stack config in configure()", async () => {
    const values: Record<string, string> = {
      "databend:dsn": "databend://u:p@h:1/db",
      "aws:region": "eu-west-1",
      "databend:connectTimeout": "3",
    };
    await hostConfigure({
      config: { get: (k: string) => values[k], require: (k: string) => values[k] as string },
    } as never);
    expect(configure).toHaveBeenCalledWith({
      dsn: "databend://u:p@h:1/db",
      awsRegion: "eu-west-1",
      connectTimeoutSeconds: 3,
      queryTimeoutSeconds: undefined,
    });
  });

  it("delegates create to the provider module", async () => {
    handlers.create = async () => ({ id: "s", outs: { name: "s" } });
    await expect(call("stage", "create", [{ name: "s" }])).resolves.toEqual({ id: "s", outs: { name: "s" } });
  });

  it("adds the serialized provider to a created-but-failed object, so later operations can run", async () => {
    handlers.create = async () => {
      throw new ResourceInitError("comment failed", "s", { name: "s" });
    };
    const err = await call("stage", "create", [{ name: "s", __provider: "serialized" }]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ id: "s", properties: { name: "s", __provider: "serialized" } });
  });

  it("passes other errors through untouched", async () => {
    handlers.create = async () => {
      throw new Error("boom");
    };
    await expect(call("stage", "create", [{ __provider: "x" }])).rejects.toThrow("boom");
  });

  it("answers a read of a vanished object with an empty id", async () => {
    handlers.read = async () => ({});
    await expect(call("stage", "read", ["s", {}])).resolves.toEqual({
      id: "",
      props: undefined,
      inputs: undefined,
    });
  });
});
