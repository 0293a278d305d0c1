import * as fs from "fs";
import * as path from "path";
import { EXIT, parseTrustPolicyArgs, runCli, TOP_USAGE, USAGE } from "../../../bin/trustPolicyCommand";
import { bucketAccessPolicy } from "../../../provider/aws/bucketAccessPolicy";
import { trustPolicy } from "../../../provider/aws/trustPolicy";

const PRINCIPAL = "arn:aws:iam::123456789012:role/databend-cloud";

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runCli(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`) });
  return { code, out, err };
}

describe("parseTrustPolicyArgs", () => {
  it("reads every option, with access defaulting to read", () => {
    expect(
      parseTrustPolicyArgs([
        "--principal",
        PRINCIPAL,
        "--external-id",
        "abc123",
        "--bucket",
        "b-1",
        "--prefix",
        "p",
      ]),
    ).toEqual({
      principal: PRINCIPAL,
      externalId: "abc123",
      bucket: "b-1",
      prefix: "p",
      access: "read",
      only: undefined,
    });
    expect(
      parseTrustPolicyArgs(["--principal=x", "--external-id=y", "--bucket=b", "--access=readwrite"]),
    ).toMatchObject({
      access: "readwrite",
    });
  });

  it.each([
    [["--external-id", "abc"], /missing --principal/],
    [["--principal", PRINCIPAL], /missing --external-id/],
    [[], /missing --principal and --external-id/],
    [
      ["--principal", PRINCIPAL, "--external-id", "abc", "--access", "write"],
      /--access must be one of read, readwrite, not 'write'/,
    ],
    [
      ["--principal", PRINCIPAL, "--external-id", "abc", "--prefix", "p"],
      /--prefix and --access need --bucket/,
    ],
    [["--principal", PRINCIPAL, "--external-id", "abc", "--only", "both"], /--only must be trust or access/],
    [["--principal", PRINCIPAL, "--external-id", "abc", "--only", "access"], /--only access needs --bucket/],
    [["--principal", PRINCIPAL, "--external-id", "abc", "--bogus"], /Unknown option '--bogus'/],
    [["--principal", PRINCIPAL, "--external-id", "abc", "extra"], /positional/],
    [["--principal"], /argument missing/],
  ])("refuses %j", (args, message) => {
    expect(() => parseTrustPolicyArgs(args)).toThrow(message);
  });
});

describe("pulumi-databend trust-policy", () => {
  it("prints both documents exactly as the library builds them", () => {
    const r = run(
      "trust-policy",
      "--principal",
      PRINCIPAL,
      "--external-id",
      "ext-1",
      "--bucket",
      "b-1",
      "--prefix",
      "/raw",
      "--access",
      "readwrite",
    );
    expect(r.code).toBe(EXIT.ok);
    expect(r.err).toBe("");
    expect(JSON.parse(r.out)).toEqual({
      trustPolicy: trustPolicy({ databendPrincipalArn: PRINCIPAL, externalId: "ext-1" }).document,
      accessPolicy: bucketAccessPolicy({ bucket: "b-1", prefix: "/raw", access: "readwrite" }).document,
    });
  });

  it("prints only the trust policy without --bucket", () => {
    const r = run("trust-policy", "--principal", PRINCIPAL, "--external-id", "ext-1");
    expect(Object.keys(JSON.parse(r.out))).toEqual(["trustPolicy"]);
  });

  it("prints one document's JSON text with --only", () => {
    const base = ["trust-policy", "--principal", PRINCIPAL, "--external-id", "ext-1", "--bucket", "b-1"];
    expect(run(...base, "--only", "trust").out).toBe(
      `${trustPolicy({ databendPrincipalArn: PRINCIPAL, externalId: "ext-1" }).json}\n`,
    );
    expect(run(...base, "--only", "access").out).toBe(
      `${bucketAccessPolicy({ bucket: "b-1", access: "read" }).json}\n`,
    );
  });

  it("uses the principal's partition for the bucket ARN", () => {
    const r = run(
      "trust-policy",
      "--principal",
      "arn:aws-cn:iam::123456789012:root",
      "--external-id",
      "ext-1",
      "--bucket",
      "b-1",
    );
    expect(r.out).toContain('"arn:aws-cn:s3:::b-1"');
  });

  it("reports every invalid value by its flag, with exit status 2", () => {
    const r = run(
      "trust-policy",
      "--principal",
      "123456789012",
      "--external-id",
      "xq zz",
      "--bucket",
      "Bad",
      "--prefix",
      "x*",
    );
    expect(r.code).toBe(EXIT.usage);
    expect(r.out).toBe("");
    expect(r.err.trim().split("\n")).toEqual([
      expect.stringMatching(/^pulumi-databend trust-policy: --principal is an account ID/),
      expect.stringMatching(/^pulumi-databend trust-policy: --external-id must be 2 to 1224/),
      expect.stringMatching(/^pulumi-databend trust-policy: --bucket must contain only lowercase/),
      expect.stringMatching(/^pulumi-databend trust-policy: --prefix must not contain \* or \?/),
    ]);
    expect(r.err).not.toContain("xq zz");
  });

  it("points at --help on a usage error", () => {
    const r = run("trust-policy", "--principal", PRINCIPAL);
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toBe("pulumi-databend trust-policy: missing --external-id (see --help)\n");
  });

  it("prints the command's usage for trust-policy --help and exits 0", () => {
    const r = run("trust-policy", "--help");
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toBe(`${USAGE}\n`);
  });

  it.each([["--help"], ["-h"], ["help"]])("prints the command list for %j and exits 0", (...argv) => {
    const r = run(...argv);
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toBe(`${TOP_USAGE}\n`);
    expect(r.out).toMatch(/^ {2}trust-policy /m);
    expect(r.out).toMatch(/--version/);
  });

  it("prints the command list to stderr and exits 2 without a command", () => {
    const r = run();
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toBe(`${TOP_USAGE}\n`);
  });

  it.each([["--version"], ["-V"], ["version"]])("prints the package version for %j", (...argv) => {
    const r = run(...argv);
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8"));
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toBe(`${pkg.version}\n`);
  });

  it("refuses an unknown command, pointing at --help", () => {
    const r = run("role-policy");
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toMatch(/unknown command 'role-policy' \(see pulumi-databend --help\)/);
  });
});
