import { parseServerVersion, versionAtLeast } from "../../../provider/client/databendClient";

describe("parseServerVersion", () => {
  it.each([
    ["v1.2.895-nightly-abc1234(rust-1.85.0-nightly-2025-01-01T00:00:00Z)", "1.2.895"],
    ["1.2.867", "1.2.867"],
    ["DatabendQuery v1.2.919-nightly", "1.2.919"],
    ["unknown", "0.0.0"],
    ["", "0.0.0"],
  ])("reads %j as %s", (text, expected) => {
    expect(parseServerVersion(text)).toBe(expected);
  });
});

describe("versionAtLeast", () => {
  it.each<[string, string, boolean]>([
    ["1.2.867", "1.2.867", true],
    ["1.2.868", "1.2.867", true],
    ["1.2.1000", "1.2.867", true],
    ["1.3.0", "1.2.867", true],
    ["2.0.0", "1.2.867", true],
    ["1.2.866", "1.2.867", false],
    ["1.1.999", "1.2.867", false],
    ["0.0.0", "1.2.867", false],
  ])("%s is at least %s: %s", (version, min, expected) => {
    expect(versionAtLeast(version, min)).toBe(expected);
  });
});
