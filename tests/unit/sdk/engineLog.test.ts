import { engineDebugLog } from "../../../sdk/engineLog";

describe("engineDebugLog", () => {
  it("has no sink outside a provider process started by the engine", () => {
    expect(engineDebugLog(undefined)).toBeUndefined();
    expect(engineDebugLog("tests/unit/sdk")).toBeUndefined();
  });

  it("returns a sink for an engine address, which never throws", () => {
    const sink = engineDebugLog("127.0.0.1:1");
    expect(typeof sink).toBe("function");
    expect(() => sink?.("hello")).not.toThrow();
  });
});
