import { parsePrincipalArn, PrincipalArn } from "../../../provider/aws/principalArn";
import type { S3Api } from "../../../provider/aws/s3Client";
import type { StsApi, TemporaryCredentials } from "../../../provider/aws/stsClient";
import { verifyStageAccess, VerifyTarget } from "../../../provider/aws/verifyAccess";
import { isAccessVerificationError } from "../../../provider/errors/AccessVerificationError";
import { awsError } from "../../helpers/fakeIam";

const CREDS: TemporaryCredentials = {
  accessKeyId: "ASIA1",
  secretAccessKey: "secret-key-1",
  sessionToken: "token-1",
};
const EXTERNAL_ID = "ext-id-0123456789";

function principal(arn: string): PrincipalArn {
  return (parsePrincipalArn(arn) as { principal: PrincipalArn }).principal;
}

const target: VerifyTarget = {
  roleArn: "arn:aws:iam::123456789012:role/stage",
  externalId: EXTERNAL_ID,
  principal: principal("arn:aws:iam::123456789012:root"),
  bucket: "b-1",
  prefix: "raw/",
  policyName: "databend-stage-access",
};

/** STS and S3 that fail with the queued errors, then succeed; a clock that advances on sleep. */
function harness(opts: { assume?: Error[]; list?: Error[]; caller?: string; timeoutMs?: number }) {
  const assumeErrors = [...(opts.assume ?? [])];
  const listErrors = [...(opts.list ?? [])];
  let clock = 0;
  const sleeps: number[] = [];
  const calls: string[] = [];
  const sts: StsApi = {
    async callerArn() {
      return opts.caller ?? "arn:aws:sts::123456789012:user/moto";
    },
    async assumeRole(roleArn, externalId, session) {
      calls.push(`assume ${roleArn} ${externalId === EXTERNAL_ID} ${session}`);
      const e = assumeErrors.shift();
      if (e) throw e;
      return CREDS;
    },
  };
  const s3: S3Api = {
    async listPrefix(creds, bucket, prefix) {
      calls.push(`list ${bucket} ${prefix} ${creds === CREDS}`);
      const e = listErrors.shift();
      if (e) throw e;
    },
  };
  const deps = {
    sts,
    s3,
    timeoutMs: opts.timeoutMs ?? 60_000,
    now: () => clock,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      clock += ms;
    },
  };
  return { deps, sleeps, calls };
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected a failure");
}

describe("verifyStageAccess", () => {
  it("assumes the role with the external ID and lists the prefix", async () => {
    const h = harness({});
    await expect(verifyStageAccess(h.deps, target)).resolves.toBe(1);
    expect(h.calls).toEqual([
      "assume arn:aws:iam::123456789012:role/stage true pulumi-databend-verify",
      "list b-1 raw/ true",
    ]);
  });

  it("retries denials with growing waits while IAM propagates", async () => {
    const h = harness({
      assume: [awsError("AccessDenied"), awsError("AccessDenied")],
      list: [awsError("AccessDenied")],
    });
    await expect(verifyStageAccess(h.deps, target)).resolves.toBe(4);
    expect(h.sleeps).toEqual([1000, 2000, 4000]);
  });

  it("gives up after the time budget and names the missing S3 permission", async () => {
    const h = harness({
      list: Array.from({ length: 50 }, () => awsError("AccessDenied", "Access Denied")),
      timeoutMs: 20_000,
    });
    const e = await failure(verifyStageAccess(h.deps, target));
    expect(isAccessVerificationError(e)).toBe(true);
    expect(e.message).toMatch(/missing permission s3:ListBucket on arn:aws:s3:::b-1 for s3:prefix 'raw\/'/);
    expect(e.message).toMatch(/inline policy 'databend-stage-access'/);
    expect(e.message).toMatch(/still failing after \d+ attempts/);
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
    expect(h.sleeps).toEqual([1000, 2000, 4000, 8000]);
  });

  it("names sts:AssumeRole and the external-ID condition when assuming stays denied", async () => {
    const h = harness({
      assume: Array.from({ length: 50 }, () => awsError("AccessDenied", `denied for ${EXTERNAL_ID}`)),
      timeoutMs: 5_000,
    });
    const e = await failure(verifyStageAccess(h.deps, target));
    expect(e.message).toMatch(
      /missing permission sts:AssumeRole: the role's trust policy must let arn:aws:iam::123456789012:root assume it with this external ID \(condition sts:ExternalId\)/,
    );
    expect(e.message).not.toContain(EXTERNAL_ID);
  });

  it("fails at once, without retrying, when the bucket does not exist", async () => {
    const h = harness({ list: [awsError("NoSuchBucket")] });
    const e = await failure(verifyStageAccess(h.deps, target));
    expect(e.message).toMatch(/bucket 'b-1' does not exist/);
    expect(h.sleeps).toEqual([]);
  });

  it("fails at once when the deployment's identity is not the trusted principal", async () => {
    const h = harness({ caller: "arn:aws:sts::999999999999:assumed-role/deployer/ci" });
    const e = await failure(verifyStageAccess(h.deps, target));
    expect(e.message).toMatch(
      /cannot assume .* as arn:aws:sts::999999999999:assumed-role\/deployer\/ci: its trust policy only trusts arn:aws:iam::123456789012:root/,
    );
    expect(h.calls).toEqual([]);
  });

  it("masks the session credentials and external ID in unexpected errors", async () => {
    const h = harness({ list: [awsError("InternalError", `boom secret-key-1 token-1 ${EXTERNAL_ID}`)] });
    const e = await failure(verifyStageAccess(h.deps, target));
    expect(e.message).toBe(
      "verify: listing s3://b-1/raw/ as the role failed: InternalError: boom *** *** ***",
    );
  });
});
