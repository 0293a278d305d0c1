import { parsePrincipalArn, principalCovers, PrincipalArn } from "../../../provider/aws/principalArn";

function principal(arn: string): PrincipalArn {
  const r = parsePrincipalArn(arn);
  if ("reason" in r) throw new Error(`${arn}: ${r.reason}`);
  return r.principal;
}

describe("parsePrincipalArn", () => {
  it.each([
    ["arn:aws:iam::123456789012:root", "root", "/", ""],
    ["arn:aws:iam::123456789012:role/databend", "role", "/", "databend"],
    [
      "arn:aws:iam::123456789012:role/xxxxxxx/tnabcdefg/xxxxxxx-tnabcdefg",
      "role",
      "/xxxxxxx/tnabcdefg/",
      "xxxxxxx-tnabcdefg",
    ],
    ["arn:aws:iam::123456789012:user/ops/loader", "user", "/ops/", "loader"],
    ["arn:aws-cn:iam::123456789012:role/a+b=c,d.e@f_g-h", "role", "/", "a+b=c,d.e@f_g-h"],
    ["arn:aws-us-gov:iam::123456789012:root", "root", "/", ""],
  ])("accepts %s", (arn, kind, path, name) => {
    expect(principal(arn)).toMatchObject({ arn, kind, path, name, accountId: "123456789012" });
  });

  it.each([
    ["123456789012", /is an account ID; use arn:aws:iam::123456789012:root/],
    ["*", /wildcards/],
    ["arn:aws:iam::123456789012:role/*", /wildcards/],
    ["arn:aws:iam::123456789012:role/data?", /wildcards/],
    ["arn:aws:iam::*:root", /wildcards/],
    [
      "arn:aws:sts::123456789012:assumed-role/databend/session",
      /STS session ARN; trust the role itself: arn:aws:iam::123456789012:role\/databend/,
    ],
    ["arn:aws:s3:::bucket", /must be an IAM ARN/],
    ["arn:aws:iam:us-east-1:123456789012:root", /empty region/],
    ["arn:aws:iam::12345:root", /12-digit account ID/],
    ["arn:aws:iam::123456789012:group/admins", /must name root, role\/<name> or user\/<name>/],
    ["arn:aws:iam::123456789012:role/", /must name root/],
    ["arn:aws:iam::123456789012:role//x", /invalid role path/],
    ["arn:aws:iam::123456789012:role/bad name", /role name 'bad name'/],
    [`arn:aws:iam::123456789012:role/${"a".repeat(65)}`, /1 to 64/],
    ["arn:aws-xx:iam::123456789012:root", /partition 'aws-xx'; allowed: aws, aws-cn, aws-us-gov/],
    ["databend", /must be an IAM ARN such as/],
    ["", /must be an IAM ARN such as/],
  ])("refuses %j with a reason", (arn, reason) => {
    const r = parsePrincipalArn(arn);
    expect("reason" in r && r.reason).toMatch(reason);
  });
});

describe("principalCovers", () => {
  it("lets any identity of the account through for a root principal", () => {
    const root = principal("arn:aws:iam::123456789012:root");
    expect(principalCovers(root, "arn:aws:sts::123456789012:user/moto")).toBe(true);
    expect(principalCovers(root, "arn:aws:iam::123456789012:user/ops/loader")).toBe(true);
    expect(principalCovers(root, "arn:aws:iam::999999999999:user/loader")).toBe(false);
  });

  it("matches sessions of the role for a role principal", () => {
    const role = principal("arn:aws:iam::123456789012:role/team/databend");
    expect(principalCovers(role, "arn:aws:sts::123456789012:assumed-role/databend/s1")).toBe(true);
    expect(principalCovers(role, "arn:aws:sts::123456789012:assumed-role/other/s1")).toBe(false);
    expect(principalCovers(role, "arn:aws:iam::123456789012:user/databend")).toBe(false);
  });

  it("matches only that user for a user principal", () => {
    const user = principal("arn:aws:iam::123456789012:user/ops/loader");
    expect(principalCovers(user, "arn:aws:iam::123456789012:user/ops/loader")).toBe(true);
    expect(principalCovers(user, "arn:aws:iam::123456789012:user/ops/other")).toBe(false);
    expect(principalCovers(user, "arn:aws-cn:iam::123456789012:user/ops/loader")).toBe(false);
  });
});
