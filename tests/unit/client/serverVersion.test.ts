import { MIN_SERVER_VERSION, acceptServerVersion } from "../../../provider/client/serverVersion";
import { setDebugLog } from "../../../provider/debugLog";

describe("acceptServerVersion", () => {
  afterEach(() => setDebugLog(undefined));

  it("returns x.y.z and reports the full version to the debug log", () => {
    const messages: string[] = [];
    setDebugLog((m) => messages.push(m));
    const text = "Databend Query v1.2.810-nightly-613a23a366(rust-1.88.0-nightly-2025-09-10T16:50:37Z)";
    expect(acceptServerVersion(text)).toBe("1.2.810");
    expect(messages).toEqual([`pulumi-databend: Databend server version 1.2.810 (${text})`]);
  });

  it("accepts the oldest supported version", () => {
    expect(MIN_SERVER_VERSION).toBe("1.2.453");
    expect(acceptServerVersion("Databend Query v1.2.453-d7c9a83f6b(rust-1.77.0-nightly)")).toBe("1.2.453");
  });

  it("refuses an older server, naming its version and the minimum", () => {
    expect(() => acceptServerVersion("Databend Query v1.2.300-nightly")).toThrow(
      "connect to Databend: the server is version 1.2.300 (Databend Query v1.2.300-nightly), older than 1.2.453, " +
        "the oldest version this provider supports (it needs CREATE CONNECTION and stages that use a connection); " +
        "upgrade the server",
    );
  });

  it("never fails because of a failing log sink", () => {
    setDebugLog(() => {
      throw new Error("sink down");
    });
    expect(acceptServerVersion("v1.2.895-nightly")).toBe("1.2.895");
  });
});
