import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { firstTimeInCommand, warnedFile } from "../../../plugin/warnOnce";

describe("a stale-copy warning once per pulumi command", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warn-once-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("is shown the first time under a command (preview of up), not again (its update)", () => {
    const file = warnedFile(4242, dir);
    expect(firstTimeInCommand("urn:s", "copy is old", file)).toBe(true);
    expect(firstTimeInCommand("urn:s", "copy is old", file)).toBe(false);
    expect(firstTimeInCommand("urn:t", "copy is old", file)).toBe(true);
    expect(firstTimeInCommand("urn:s", "another message", file)).toBe(true);
  });

  it("is shown again by the next command (another process)", () => {
    expect(firstTimeInCommand("urn:s", "copy is old", warnedFile(4243, dir))).toBe(true);
  });

  it("is shown when the record cannot be written", () => {
    const file = path.join(dir, "missing", "file");
    expect(firstTimeInCommand("urn:s", "x", file)).toBe(true);
    expect(firstTimeInCommand("urn:s", "x", file)).toBe(true);
  });
});
