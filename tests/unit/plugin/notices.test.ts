import { staleCopyWarning } from "../../../provider/resources/staleCopyWarning";
import { importNotice } from "../../../plugin/importNotice";

const captured = { name: "toronto", fingerprint: "a", capturedAt: "2026-01-01T00:00:00Z" };
const base = {
  stageName: "s",
  urn: "urn:s",
  captured,
  connectionName: "toronto",
  onConnectionChange: "keep",
};

describe("the stale-copy warning (shared by both hosts)", () => {
  it("says what changed and how to re-capture", () => {
    expect(staleCopyWarning({ ...base, connectionFingerprint: "b" })).toMatch(
      /stage 's' holds a copy of connection 'toronto' taken at 2026-01-01T00:00:00Z, and connection 'toronto' has changed since.*pulumi up --replace 'urn:s'/,
    );
    expect(staleCopyWarning({ ...base, connectionName: "t2", connectionFingerprint: "a" })).toContain(
      "the stage now refers to connection 't2'",
    );
  });

  it("is silent when the copy is current, re-captured automatically, or not comparable", () => {
    expect(staleCopyWarning({ ...base, connectionFingerprint: "a" })).toBeUndefined();
    expect(
      staleCopyWarning({ ...base, connectionFingerprint: "b", onConnectionChange: "recreate" }),
    ).toBeUndefined();
    expect(staleCopyWarning({ ...base, connectionFingerprint: undefined })).toBeUndefined();
    expect(staleCopyWarning({ ...base, captured: undefined, connectionFingerprint: "b" })).toBeUndefined();
  });
});

describe("the import notice", () => {
  it("names the connection parameters Databend masked", () => {
    expect(
      importNotice("connection", { accessKeyId: "(changed outside Pulumi)", storageType: "s3" }),
    ).toMatch(/accessKeyId could not be read back/);
    expect(importNotice("connection", { storageType: "fs" })).toBeUndefined();
  });

  it("tells that an external stage's connection must be added", () => {
    expect(importNotice("stage", { url: "s3://b/" })).toContain("Add `connection`");
    expect(importNotice("stage", { name: "internal" })).toBeUndefined();
  });
});
