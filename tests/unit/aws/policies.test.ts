import { bucketAccessPolicy, BucketAccessPolicyArgs } from "../../../provider/aws/bucketAccessPolicy";
import { samePolicy, PolicyStatement } from "../../../provider/aws/policyDocument";
import { normalizePrefix } from "../../../provider/aws/s3Location";
import { trustPolicy } from "../../../provider/aws/trustPolicy";
import { isValidationError } from "../../../provider/errors/ValidationError";

const PRINCIPAL = "arn:aws:iam::123456789012:role/xxxxxxx/tnabcdefg/xxxxxxx-tnabcdefg";

describe("trustPolicy", () => {
  it("allows sts:AssumeRole for the principal only with the external ID", () => {
    const r = trustPolicy({ databendPrincipalArn: PRINCIPAL, externalId: "my-external-id-123" });
    expect(r.document).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DatabendAssumeRole",
          Effect: "Allow",
          Principal: { AWS: PRINCIPAL },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "sts:ExternalId": "my-external-id-123" } },
        },
      ],
    });
    expect(JSON.parse(r.json)).toEqual(r.document);
  });

  it("throws a ValidationError naming both properties, without echoing the external ID", () => {
    let caught: unknown;
    try {
      trustPolicy({ databendPrincipalArn: "arn:aws:iam::123456789012:role/*", externalId: "has space" });
    } catch (e) {
      caught = e;
    }
    expect(isValidationError(caught)).toBe(true);
    const failures = isValidationError(caught) ? caught.failures : [];
    expect(failures.map((f) => f.property)).toEqual(["databendPrincipalArn", "externalId"]);
    expect((caught as Error).message).not.toContain("has space");
  });

  it.each(["a", "x".repeat(1225), "id with space", "id#hash"])("refuses the external ID %j", (externalId) => {
    expect(() => trustPolicy({ databendPrincipalArn: PRINCIPAL, externalId })).toThrow(
      /externalId: must be 2 to 1224/,
    );
  });
});

describe("bucketAccessPolicy", () => {
  it("grants read on a prefix: ListBucket limited by s3:prefix, GetObject under the prefix", () => {
    expect(bucketAccessPolicy({ bucket: "test-bucket-123", prefix: "raw", access: "read" }).document).toEqual(
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ListStagePrefix",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: "arn:aws:s3:::test-bucket-123",
            Condition: { StringLike: { "s3:prefix": ["raw/", "raw/*"] } },
          },
          {
            Sid: "ReadStageObjects",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: "arn:aws:s3:::test-bucket-123/raw/*",
          },
        ],
      },
    );
  });

  it("adds write actions only for readwrite", () => {
    const read = bucketAccessPolicy({ bucket: "b-1", prefix: "p/", access: "read" }).document.Statement;
    const rw = bucketAccessPolicy({ bucket: "b-1", prefix: "p/", access: "readwrite" }).document.Statement;
    const actions = (s: readonly PolicyStatement[]): string[] => s.flatMap((x) => [x.Action].flat());
    expect(actions(read)).not.toEqual(expect.arrayContaining(["s3:PutObject"]));
    expect(actions(read)).not.toEqual(expect.arrayContaining(["s3:DeleteObject"]));
    expect(rw[2]).toEqual({
      Sid: "WriteStageObjects",
      Effect: "Allow",
      Action: ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      Resource: "arn:aws:s3:::b-1/p/*",
    });
  });

  it("covers the whole bucket without a condition when the prefix is empty", () => {
    const s = bucketAccessPolicy({ bucket: "b-1", access: "read" }).document.Statement;
    expect(s[0]).not.toHaveProperty("Condition");
    expect(s[1]?.Resource).toBe("arn:aws:s3:::b-1/*");
  });

  it("uses the partition given", () => {
    const s = bucketAccessPolicy({ bucket: "b-1", access: "read", partition: "aws-cn" }).document.Statement;
    expect(s[0]?.Resource).toBe("arn:aws-cn:s3:::b-1");
  });

  it("never grants s3:GetBucketLocation or bucket-wide object access", () => {
    const json = bucketAccessPolicy({ bucket: "b-1", prefix: "p", access: "readwrite" }).json;
    expect(json).not.toContain("GetBucketLocation");
    expect(json).not.toContain('"arn:aws:s3:::b-1/*"');
    expect(json).not.toContain("s3:*");
  });

  it("names every invalid property", () => {
    expect(() =>
      bucketAccessPolicy({ bucket: "Bad", prefix: "a*", access: "all" } as unknown as BucketAccessPolicyArgs),
    ).toThrow(/bucket: .*; prefix: .*wildcards.*; access: must be one of read, readwrite/);
  });
});

/** Every ARN or prefix pattern in the policy, with where it came from. */
function patterns(args: BucketAccessPolicyArgs): { value: string; base: string }[] {
  const prefix = (normalizePrefix(args.prefix) as { prefix: string }).prefix;
  const bucketArn = `arn:aws:s3:::${args.bucket}`;
  const out: { value: string; base: string }[] = [];
  for (const s of bucketAccessPolicy(args).document.Statement) {
    for (const r of [s.Resource ?? []].flat())
      out.push({ value: r, base: r === bucketArn ? bucketArn : `${bucketArn}/${prefix}` });
    for (const values of Object.values(s.Condition?.StringLike ?? {})) {
      for (const v of [values].flat()) out.push({ value: v, base: prefix });
    }
  }
  return out;
}

describe("no wildcard beyond the prefix", () => {
  const CHARS = ["a", "b", "/", ".", "-", "_", "*", "?", "$", "{", "}", " ", "é"];

  function randomPrefix(seed: number): string {
    let x = seed;
    let s = "";
    const len = 1 + (seed % 12);
    for (let i = 0; i < len; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      s += CHARS[x % CHARS.length];
    }
    return s;
  }

  it.each(["", "data", "data/", "/data/2024/", "a b/c", "ü/"])("holds for %j", (prefix) => {
    for (const access of ["read", "readwrite"] as const) {
      for (const p of patterns({ bucket: "b-1", prefix, access })) {
        // The only wildcard is a trailing * right after the (normalised) prefix: nothing above or beside it.
        const star = p.value.indexOf("*");
        expect(p.value).not.toMatch(/[?$]/);
        if (star >= 0) {
          expect(star).toBe(p.value.length - 1);
          expect(p.value.slice(0, -1)).toBe(p.base);
        } else {
          expect(p.value).toBe(p.base);
        }
      }
    }
  });

  it("holds for 2,000 generated prefixes, or the prefix is refused", () => {
    let accepted = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const prefix = randomPrefix(seed);
      const n = normalizePrefix(prefix);
      if ("reason" in n) {
        expect(() => bucketAccessPolicy({ bucket: "b-1", prefix, access: "read" })).toThrow();
        continue;
      }
      accepted++;
      expect(n.prefix === "" || n.prefix.endsWith("/")).toBe(true);
      for (const p of patterns({ bucket: "b-1", prefix, access: "readwrite" })) {
        const body = p.value.endsWith("*") ? p.value.slice(0, -1) : p.value;
        expect(body).not.toMatch(/[*?$]/);
        expect(body).toBe(p.base);
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });
});

describe("samePolicy", () => {
  it("ignores formatting, key order, URL-encoding and one-element lists", () => {
    const a = trustPolicy({ databendPrincipalArn: PRINCIPAL, externalId: "abc123" }).json;
    const reordered = JSON.stringify({
      Statement: [
        {
          Condition: { StringEquals: { "sts:ExternalId": ["abc123"] } },
          Action: ["sts:AssumeRole"],
          Principal: { AWS: PRINCIPAL },
          Effect: "Allow",
          Sid: "DatabendAssumeRole",
        },
      ],
      Version: "2012-10-17",
    });
    expect(samePolicy(a, encodeURIComponent(reordered))).toBe(true);
    expect(samePolicy(a, trustPolicy({ databendPrincipalArn: PRINCIPAL, externalId: "other1" }).json)).toBe(
      false,
    );
  });
});
