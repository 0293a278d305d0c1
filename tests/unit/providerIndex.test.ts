import { PROVIDER_PROTOCOL, SUPPORTED_PROTOCOLS, handlersFor } from "../../provider";

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
