import { importNotice } from "../../../plugin/importNotice";

describe("the import notice", () => {
  it("names the connection parameters Databend masked", () => {
    expect(
      importNotice("connection", { accessKeyId: "(changed outside Pulumi)", storageType: "s3" }),
    ).toMatch(/accessKeyId could not be read back \(imported as '\(changed outside Pulumi\)'\)/);
    // The generated program holds the secret with the same placeholder: the notice says so (issue 17).
    const notice = importNotice("connection", { storageType: "s3", secretParams: ["secretAccessKey"] });
    expect(notice).toMatch(
      /secret parameter\(s\) secretAccessKey could not be read back \(imported as '\(changed outside Pulumi\)'\)/,
    );
    expect(notice).not.toContain("left out");
    expect(importNotice("connection", { storageType: "fs" })).toBeUndefined();
  });

  it("tells that an external stage's connection must be added", () => {
    expect(importNotice("stage", { url: "s3://b/" })).toContain("Add `connection`");
    expect(importNotice("stage", { name: "internal" })).toBeUndefined();
  });
});
