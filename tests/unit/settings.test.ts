import {
  ADOPT_VARIABLE,
  DEFAULT_CONNECT_TIMEOUT_SECONDS,
  DEFAULT_QUERY_TIMEOUT_SECONDS,
  FORCE_DESTROY_VARIABLE,
  KEEP_VARIABLE,
  NO_DSN_MESSAGE,
  RECAPTURE_VARIABLE,
  adoptRequested,
  configure,
  findDsn,
  forceDestroyRequested,
  getSettings,
  keepRequested,
  recaptureRequested,
  resolveDsn,
  resolveTimeouts,
} from "../../provider/settings";
import { DeploymentVariable, freshDeployment } from "../helpers/deployment";

const deployment = freshDeployment();

afterEach(() => configure({}));

describe("configure", () => {
  it("keeps positive timeouts, given as numbers or as config strings", () => {
    configure({ connectTimeoutSeconds: 3, queryTimeoutSeconds: "90" as unknown as number });
    expect(getSettings()).toMatchObject({ connectTimeoutSeconds: 3, queryTimeoutSeconds: 90 });
  });

  it.each<[string, unknown]>([
    ["zero", 0],
    ["a negative number", -5],
    ["an empty string", ""],
    ["a word", "soon"],
    ["infinity", Infinity],
  ])("drops a timeout that is %s", (_what, value) => {
    configure({ connectTimeoutSeconds: value as number, queryTimeoutSeconds: value as number });
    expect(getSettings().connectTimeoutSeconds).toBeUndefined();
    expect(getSettings().queryTimeoutSeconds).toBeUndefined();
  });

  it("treats an empty DSN as unset", () => {
    configure({ dsn: "" });
    expect(getSettings().dsn).toBeUndefined();
  });
});

describe("resolveTimeouts", () => {
  it("uses the defaults when nothing is configured", () => {
    expect(resolveTimeouts()).toEqual({
      connect: DEFAULT_CONNECT_TIMEOUT_SECONDS,
      query: DEFAULT_QUERY_TIMEOUT_SECONDS,
    });
    expect(DEFAULT_CONNECT_TIMEOUT_SECONDS).toBe(5);
    expect(DEFAULT_QUERY_TIMEOUT_SECONDS).toBe(60);
  });

  it("uses configured timeouts", () => {
    configure({ connectTimeoutSeconds: 2, queryTimeoutSeconds: 300 });
    expect(resolveTimeouts()).toEqual({ connect: 2, query: 300 });
  });
});

describe("findDsn", () => {
  it("prefers config databend:dsn over DATABEND_DSN", () => {
    deployment.setEnv("DATABEND_DSN", "databend://env@h:8000/");
    configure({ dsn: "databend://config@h:8000/" });
    expect(findDsn()).toEqual({ dsn: "databend://config@h:8000/", source: "databend:dsn" });
  });

  it("falls back to DATABEND_DSN", () => {
    deployment.setEnv("DATABEND_DSN", "databend://env@h:8000/");
    expect(findDsn()).toEqual({ dsn: "databend://env@h:8000/", source: "DATABEND_DSN" });
    expect(resolveDsn()).toBe("databend://env@h:8000/");
  });

  it("finds nothing when neither is set, and resolveDsn says how to set one", () => {
    expect(findDsn()).toBeUndefined();
    expect(() => resolveDsn()).toThrow(NO_DSN_MESSAGE);
    expect(NO_DSN_MESSAGE).toContain("pulumi config set --secret databend:dsn");
    expect(NO_DSN_MESSAGE).toContain("DATABEND_DSN");
  });
});

// DATABEND_FORCE_DESTROY and DATABEND_KEEP take names only: a wildcard would decide for every stage at once.
describe.each<[string, DeploymentVariable, (name: string) => boolean, boolean]>([
  [RECAPTURE_VARIABLE, "DATABEND_RECAPTURE", recaptureRequested, true],
  [ADOPT_VARIABLE, "DATABEND_ADOPT", adoptRequested, true],
  [FORCE_DESTROY_VARIABLE, "DATABEND_FORCE_DESTROY", forceDestroyRequested, false],
  [KEEP_VARIABLE, "DATABEND_KEEP", keepRequested, false],
])("%s", (_name, variable, requested, wildcard) => {
  it.each<[string, string | undefined, boolean]>([
    ["unset", undefined, false],
    ["empty", "", false],
    ["naming it", "my_stage", true],
    ["listing it with spaces", "other, my_stage ,third", true],
    ["*", "*", wildcard],
    ["* beside another name", "other,*", wildcard],
    ["naming another", "my_stage_2", false],
    ["naming it in another case", "MY_STAGE", false],
  ])("is %s -> %s", (_what, value, expected) => {
    if (value !== undefined) deployment.setEnv(variable, value);
    expect(requested("my_stage")).toBe(expected);
  });
});
