import * as fs from "fs";
import * as path from "path";
import { Connection } from "../../../sdk/connection";
import { Stage } from "../../../sdk/stage";
import { call } from "../../../sdk/dynamicHost";
import { VERSION_KEY, packageVersion } from "../../../provider/packageVersion";
import { HOST_KEYS } from "../../../provider/resources/handlers";
import { resetStackIdentity } from "../../../provider/resources/stackIdentity";
import { RegisteredResource, installMocks, valueOf } from "../../helpers/pulumiMocks";

// The state of a TypeScript program's resources records the version of the package that deployed
// them, in the hidden input `__packageVersion` (the plugin's counterpart: its version on the provider).

jest.mock("pulumi-databend/provider", () => jest.requireActual("../../../provider"), { virtual: true });

const VERSION = (
  JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
    version: string;
  }
).version;

let registered: Map<string, RegisteredResource>;

beforeAll(async () => {
  registered = await installMocks();
});
afterEach(resetStackIdentity);

describe("packageVersion", () => {
  it("is package.json's version, read beside the sources (and beside dist/ when installed)", () => {
    expect(packageVersion()).toBe(VERSION);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe("the package version input", () => {
  it("is registered by every resource", async () => {
    const c = new Connection("ver_conn", {
      storageType: "s3",
      accessKeyId: "AKIA1234",
      secretAccessKey: "s3cr3t-xyz",
    });
    const s = new Stage("ver_stage", {});
    for (const urn of [c.urn, s.urn]) {
      const name = (await valueOf(urn)).split("::").pop() as string;
      expect(registered.get(name)?.inputs?.[VERSION_KEY]).toBe(VERSION);
    }
  });

  it("is a host key: kept in the checked inputs by the dynamic host, never seen by the handlers", async () => {
    expect(HOST_KEYS.has(VERSION_KEY)).toBe(true);
    const r = (await call("stage", "check", [{}, { name: "raw", [VERSION_KEY]: "9.8.7" }])) as {
      inputs: Record<string, unknown>;
      failures: unknown[];
    };
    expect(JSON.stringify(r.failures)).not.toContain(VERSION_KEY); // no "unknown property" failure
    expect(r.inputs[VERSION_KEY]).toBe("9.8.7");
  });

  it("causes no diff: state written without it, or by another version, compares equal", async () => {
    const olds = { name: "raw", onConnectionChange: "keep", forceDestroy: false, adopt: false };
    for (const before of [olds, { ...olds, [VERSION_KEY]: "0.0.1" }]) {
      await expect(
        call("stage", "diff", ["raw", before, { ...olds, [VERSION_KEY]: VERSION }]),
      ).resolves.toEqual({ changes: false });
    }
  });
});
