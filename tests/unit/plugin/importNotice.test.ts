import { importNotice } from "../../../plugin/importNotice";

describe("the import notice", () => {
  it("names the connection parameters Databend masked", () => {
    expect(
      importNotice("connection", { accessKeyId: "(changed outside Pulumi)", storageType: "s3" }),
    ).toMatch(/accessKeyId \(imported as .*could not be read back/);
    expect(importNotice("connection", { storageType: "s3", secretParams: ["secretAccessKey"] })).toMatch(
      /secret parameter\(s\) secretAccessKey \(left out\)/,
    );
    expect(importNotice("connection", { storageType: "fs" })).toBeUndefined();
  });

  it("tells that an external stage's connection must be added", () => {
    expect(importNotice("stage", { url: "s3://b/" })).toContain("Add `connection`");
    expect(importNotice("stage", { name: "internal" })).toBeUndefined();
  });
});
