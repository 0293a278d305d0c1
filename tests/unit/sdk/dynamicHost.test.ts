import { ResourceInitError } from "../../../provider/errors/ResourceInitError";
import type { ResourceHandlers } from "../../../provider/resources/handlers";
import { call, configure as hostConfigure, provider } from "../../../sdk/dynamicHost";
import { providerModuleText } from "../../../sdk/dynamicResource";

const handlers: Partial<ResourceHandlers> = {};
const configure = jest.fn();
const forwarded = jest.fn();
const setDebugLog = jest.fn();
const sink = (): void => undefined;

jest.mock(
  "pulumi-databend/provider",
  () => ({
    configure: (s: unknown) => configure(s),
    setDebugLog: (f: unknown) => setDebugLog(f),
    handlersFor: (kind: string, protocol: number) => {
      if (protocol !== 1) throw new Error(`protocol ${protocol}`);
      if (kind !== "stage") throw new Error(`kind ${kind}`);
      return handlers;
    },
  }),
  { virtual: true },
);

jest.mock("../../../sdk/engineLog", () => ({ engineDebugLog: () => sink }));

jest.mock("pulumi-databend/dynamic", () => ({ provider: (kind: string) => forwarded("provider", kind) }), {
  virtual: true,
});

describe("providerModuleText", () => {
  it("is one line, under 100 bytes, that asks the installed package's dynamic host for the provider", () => {
    const text = providerModuleText("stageAccessRole");
    expect(text.trim().split("\n")).toHaveLength(1);
    expect(text.length).toBeLessThan(100);
    // What Pulumi's dynamic-provider plugin does with it: evaluate the module, call handler().
    const mod: { exports: { handler?: () => unknown } } = { exports: {} };
    new Function("exports", "require", "module", text)(mod.exports, require, mod);
    mod.exports.handler?.();
    expect(forwarded).toHaveBeenCalledWith("provider", "stageAccessRole");
  });
});

describe("provider", () => {
  it("is one object per kind whose methods forward their kind and arguments to the handlers", async () => {
    expect(provider("stage")).toBe(provider("stage"));
    const calls: unknown[] = [];
    handlers.check = async (...a: unknown[]) => (calls.push(["check", ...a]), { inputs: {}, failures: [] });
    handlers.diff = async (...a: unknown[]) => (calls.push(["diff", ...a]), { changes: false });
    handlers.delete = async (...a: unknown[]) => void calls.push(["delete", ...a]);
    const p = provider("stage");
    await p.check?.({ a: 1 }, { b: 2 });
    await p.diff?.("id", { a: 1 }, { b: 2 });
    await p.delete?.("id", { a: 1 });
    expect(calls).toEqual([
      ["check", { a: 1 }, { b: 2 }],
      ["diff", "id", { a: 1 }, { b: 2 }],
      ["delete", "id", { a: 1 }],
    ]);
    expect(p.configure).toBe(hostConfigure);
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
    // Provider debug messages (the server version) go to the engine's log: `pulumi up --debug`.
    expect(setDebugLog).toHaveBeenCalledWith(sink);
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
