import { claimName, isClaimed, keptForSuccessor, resetClaims } from "../../../provider/resources/claims";
import { notify, setNoticeSink } from "../../../provider/resources/notices";

afterEach(() => {
  resetClaims();
  setNoticeSink(undefined);
});

describe("claims", () => {
  it("records a claimed name per kind", () => {
    claimName("stage", "raw");
    expect(isClaimed("stage", "raw")).toBe(true);
    expect(isClaimed("connection", "raw")).toBe(false);
    expect(isClaimed("stage", "raw2")).toBe(false);
  });

  it("keeps kind and name apart, whatever characters they hold", () => {
    claimName("role", "a");
    expect(isClaimed("role", "a")).toBe(true);
    expect(isClaimed("role", "a\u0000")).toBe(false);
  });

  it("forgets every claim on reset", () => {
    claimName("connection", "toronto");
    claimName("role", "stage-role");
    resetClaims();
    expect(isClaimed("connection", "toronto")).toBe(false);
    expect(isClaimed("role", "stage-role")).toBe(false);
  });
});

describe("keptForSuccessor", () => {
  it("is false, and says nothing, for a name nobody in this deployment holds", () => {
    const seen: string[] = [];
    setNoticeSink((_severity, message) => seen.push(message));
    expect(keptForSuccessor("stage", "raw", "stage")).toBe(false);
    expect(seen).toEqual([]);
  });

  it("is true for a claimed name, and tells the user the object was kept", () => {
    const seen: string[] = [];
    setNoticeSink((severity, message) => seen.push(`${severity}: ${message}`));
    claimName("connection", "toronto");
    expect(keptForSuccessor("connection", "toronto", "connection")).toBe(true);
    expect(seen).toEqual([
      expect.stringMatching(/^info: connection 'toronto' was not dropped: another resource/),
    ]);
  });
});

describe("notices", () => {
  it("go to the sink a host installs", () => {
    const seen: string[] = [];
    setNoticeSink((severity, message) => seen.push(`${severity}: ${message}`));
    notify("info", "kept stage 'raw'");
    notify("warning", "stale copy");
    expect(seen).toEqual(["info: kept stage 'raw'", "warning: stale copy"]);
  });

  it("go to standard error by default, and again after a sink is removed", () => {
    const write = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      setNoticeSink(() => undefined);
      setNoticeSink(undefined);
      notify("info", "hello");
      expect(write).toHaveBeenCalledWith("info: hello\n");
    } finally {
      write.mockRestore();
    }
  });
});
