import type { S3Api } from "../../../provider/aws/s3Client";
import type { StsApi } from "../../../provider/aws/stsClient";
import { ResourceInitError } from "../../../provider/errors/ResourceInitError";
import { isClaimed, resetClaims } from "../../../provider/resources/claims";
import type { Props, ResourceHandlers } from "../../../provider/resources/handlers";
import { INLINE_POLICY_NAME, stageAccessRoleHandlers } from "../../../provider/resources/stageAccessRole";
import { trustPolicyFingerprint } from "../../../provider/resources/stageAccessRoleSpec";
import { UNKNOWN } from "../../../provider/validation/unknowns";
import { freshDeployment } from "../../helpers/deployment";
import { resetStackIdentity, setStackIdentity } from "../../../provider/resources/stackIdentity";
import { awsError, FakeIam } from "../../helpers/fakeIam";

const deployment = freshDeployment();
afterEach(resetStackIdentity);

const PRINCIPAL = "arn:aws:iam::123456789012:role/databend-cloud";

function setup(opts: { sts?: Partial<StsApi>; s3?: Partial<S3Api> } = {}): {
  iam: FakeIam;
  h: ResourceHandlers;
} {
  const iam = new FakeIam();
  const sts: StsApi = {
    callerArn: async () => "arn:aws:sts::123456789012:assumed-role/databend-cloud/s",
    assumeRole: async () => ({ accessKeyId: "a", secretAccessKey: "b", sessionToken: "c" }),
    ...opts.sts,
  };
  const s3: S3Api = { listPrefix: async () => undefined, ...opts.s3 };
  const h = stageAccessRoleHandlers({
    iam: () => iam,
    sts: () => sts,
    s3: () => s3,
    verifyTimeoutMs: 3_000,
    sleep: async () => undefined,
  });
  return { iam, h };
}

const NEWS: Props = {
  databendPrincipalArn: PRINCIPAL,
  bucket: "my-data",
  prefix: "raw",
  roleName: "stage-role",
  externalId: "",
};

/** Creates the role in an earlier deployment (so this one holds no claim on its name). */
async function created(
  h: ResourceHandlers,
  news: Props = NEWS,
): Promise<{ inputs: Props; outs: Props; id: string }> {
  const { inputs, failures } = await h.check({}, news);
  expect(failures).toEqual([]);
  const { id, outs } = await h.create(inputs);
  resetClaims();
  return { inputs, outs, id };
}

describe("StageAccessRole check", () => {
  it("fills defaults, normalises the prefix and generates a 32-hex external ID", async () => {
    const { h } = setup();
    const { inputs, failures } = await h.check({}, { ...NEWS, __provider: "x" });
    expect(failures).toEqual([]);
    expect(inputs).toMatchObject({ access: "read", path: "/", prefix: "raw/" });
    expect(inputs.externalId).toMatch(/^[0-9a-f]{32}$/);
    expect(inputs).not.toHaveProperty("__provider");
  });

  it("generates a different ID for each new resource", async () => {
    const { h } = setup();
    const a = await h.check({}, NEWS);
    const b = await h.check({}, NEWS);
    expect(a.inputs.externalId).not.toBe(b.inputs.externalId);
  });

  it("keeps the external ID of olds across updates, and when a given ID is removed", async () => {
    const { h } = setup();
    const first = await h.check({}, NEWS);
    const second = await h.check(first.inputs, { ...NEWS, prefix: "other", access: "readwrite" });
    expect(second.inputs.externalId).toBe(first.inputs.externalId);
    const given = await h.check(second.inputs, { ...NEWS, externalId: "chosen-id" });
    expect(given.inputs.externalId).toBe("chosen-id");
    const removed = await h.check(given.inputs, { ...NEWS });
    expect(removed.inputs.externalId).toBe("chosen-id");
  });

  it("leaves an unknown external ID unknown and reports nothing about unknowns", async () => {
    const { h } = setup();
    const { inputs, failures } = await h.check(
      {},
      { ...NEWS, externalId: UNKNOWN, bucket: UNKNOWN, prefix: UNKNOWN },
    );
    expect(failures).toEqual([]);
    expect(inputs.externalId).toBe(UNKNOWN);
  });

  it("names each invalid property and what is allowed, without echoing the external ID", async () => {
    const { h } = setup();
    const { failures } = await h.check(
      {},
      {
        databendPrincipalArn: "arn:aws:sts::123456789012:assumed-role/x/y",
        bucket: "Bad_Bucket",
        prefix: "a/*",
        access: "write",
        externalId: "bad id!",
        roleName: "no spaces allowed",
        maxSessionDuration: 60,
        tags: { "aws:owner": "me" },
        colour: "blue",
      },
    );
    const byProperty = Object.fromEntries(failures.map((f) => [f.property, f.reason]));
    expect(byProperty).toEqual({
      databendPrincipalArn: expect.stringMatching(/STS session ARN/),
      bucket: expect.stringMatching(/lowercase letters/),
      prefix: expect.stringMatching(/wildcards/),
      access: "must be one of read, readwrite",
      externalId: expect.stringMatching(/^must be 2 to 1224/),
      roleName: expect.stringMatching(/IAM role name/),
      maxSessionDuration: expect.stringMatching(/3600 \(1 hour\) to 43200/),
      "tags.aws:owner": "uses the reserved prefix aws:",
      colour: expect.stringMatching(/is not a StageAccessRole input; allowed: databendPrincipalArn, bucket/),
    });
    expect(JSON.stringify(failures)).not.toContain("bad id!");
  });
});

describe("StageAccessRole create", () => {
  it("creates the role with the trust policy and puts the access policy inline", async () => {
    const { iam, h } = setup();
    const { id, outs, inputs } = await created(h);
    expect(id).toBe("stage-role");
    const role = iam.roles.get("stage-role");
    expect(JSON.parse(role?.info.trustPolicy ?? "")).toMatchObject({
      Statement: [
        {
          Principal: { AWS: PRINCIPAL },
          Condition: { StringEquals: { "sts:ExternalId": inputs.externalId } },
        },
      ],
    });
    expect(role?.inline.get(INLINE_POLICY_NAME)).toBe(outs.accessPolicy);
    expect(outs).toMatchObject({
      roleArn: "arn:aws:iam::123456789012:role/stage-role",
      roleName: "stage-role",
      externalId: inputs.externalId, // generated: the program needs it back
      prefix: "raw/",
      stageUrl: "s3://my-data/raw/",
    });
    // The trust policy holds the external ID: state keeps only its fingerprint.
    expect(outs.trustPolicy).toBeUndefined();
    expect(outs.trustPolicyFingerprint).toBe(
      trustPolicyFingerprint("stage-role", role?.info.trustPolicy as string),
    );
  });

  it("explains a name clash", async () => {
    const { h } = setup();
    await created(h);
    const { inputs } = await h.check({}, NEWS);
    await expect(h.create(inputs)).rejects.toThrow(
      /create IAM role stage-role: EntityAlreadyExistsException: .*choose another roleName/,
    );
    await expect(h.create(inputs)).rejects.toThrow(/`DATABEND_ADOPT=<roleName> pulumi up`/);
  });

  it("claims the role name, so a later delete of a replaced resource keeps the role", async () => {
    const { h } = setup();
    const { inputs } = await h.check({}, NEWS);
    await h.create(inputs);
    expect(isClaimed("role", "stage-role")).toBe(true);
  });

  it.each([
    ["names the role", "stage-role"],
    ["lists it among others", "other-role,stage-role"],
    ["is * and the role's description carries this stack's marker", "*"],
  ])(
    "takes over an existing role when DATABEND_ADOPT %s, replacing its trust and access policies",
    async (_what, value) => {
      const { iam, h } = setup();
      setStackIdentity("proj/dev");
      await created(h);
      const role = iam.roles.get("stage-role");
      role?.inline.set(INLINE_POLICY_NAME, "{}");
      deployment.setEnv("DATABEND_ADOPT", value);
      const { inputs } = await h.check({}, { ...NEWS, prefix: "taken-over" });
      const { id, outs } = await h.create(inputs);
      expect(id).toBe("stage-role");
      expect(outs.roleArn).toBe("arn:aws:iam::123456789012:role/stage-role");
      expect(JSON.parse(role?.info.trustPolicy ?? "")).toMatchObject({
        Statement: [{ Condition: { StringEquals: { "sts:ExternalId": inputs.externalId } } }],
      });
      expect(role?.inline.get(INLINE_POLICY_NAME)).toContain("arn:aws:s3:::my-data/taken-over/*");
      expect(outs.accessPolicy).toBe(role?.inline.get(INLINE_POLICY_NAME));
      expect(iam.roles.size).toBe(1);
      expect(isClaimed("role", "stage-role")).toBe(true);
    },
  );

  it("takes over, unasked, a role whose trust policy names this resource's own external ID (a lost answer)", async () => {
    const { iam, h } = setup();
    const { inputs } = await h.check({}, NEWS);
    await h.create(inputs);
    // The same create again, as after a cut response the SDK retried: the role proves it is ours.
    const { id } = await h.create(inputs);
    expect(id).toBe("stage-role");
    expect(iam.roles.size).toBe(1);
  });

  it("does not take over a role DATABEND_ADOPT does not name", async () => {
    const { iam, h } = setup();
    await created(h);
    const before = iam.roles.get("stage-role")?.info.trustPolicy;
    deployment.setEnv("DATABEND_ADOPT", "other-role");
    const { inputs } = await h.check({}, NEWS);
    await expect(h.create(inputs)).rejects.toThrow(/EntityAlreadyExistsException/);
    expect(iam.roles.get("stage-role")?.info.trustPolicy).toBe(before);
  });

  it("does not take over on another IAM failure, even with DATABEND_ADOPT", async () => {
    const { iam, h } = setup();
    deployment.setEnv("DATABEND_ADOPT", "*");
    iam.failNext.set(
      "createRole",
      awsError("LimitExceededException", "Cannot exceed quota for RolesPerAccount"),
    );
    const { inputs } = await h.check({}, NEWS);
    await expect(h.create(inputs)).rejects.toThrow(/LimitExceededException/);
    expect(iam.calls.filter((c) => c.startsWith("updateTrustPolicy"))).toEqual([]);
  });

  it("records the role (without secrets) when verification fails after creating it", async () => {
    const { iam, h } = setup({ s3: { listPrefix: async () => Promise.reject(awsError("NoSuchBucket")) } });
    const { inputs } = await h.check({}, { ...NEWS, verify: true });
    const e = await h.create({ ...inputs, __provider: "serialized-shim" }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ResourceInitError);
    const init = e as ResourceInitError;
    expect(init.id).toBe("stage-role");
    expect(init.message).toMatch(/bucket 'my-data' does not exist/);
    expect(init.properties).not.toHaveProperty("__provider"); // the host shim adds it (sdk/dynamicHost.ts)
    expect(init.properties).not.toHaveProperty("externalId");
    expect(init.properties).not.toHaveProperty("trustPolicy");
    expect(JSON.stringify(init.properties)).not.toContain(String(inputs.externalId));
    expect(iam.roles.has("stage-role")).toBe(true);
  });
});

describe("StageAccessRole diff", () => {
  it("updates in place for prefix, access, principal and external ID changes", async () => {
    const { h } = setup();
    const { outs } = await created(h);
    for (const change of [
      { prefix: "other/" },
      { access: "readwrite" },
      { externalId: "new-id-1" },
      { tags: { a: "b" } },
    ]) {
      const { inputs } = await h.check(outs, { ...NEWS, ...change });
      expect(await h.diff("stage-role", outs, inputs)).toEqual({ changes: true });
    }
  });

  it("sees no change for the same inputs, a prefix spelled differently, or default values", async () => {
    const { h } = setup();
    const { outs } = await created(h);
    for (const same of [{}, { prefix: "/raw/" }, { access: "read", path: "/", tags: {} }]) {
      const { inputs } = await h.check(outs, { ...NEWS, ...same });
      expect(await h.diff("stage-role", outs, inputs)).toEqual({ changes: false });
    }
  });

  it("replaces on a new role name (create first) and on a new path (delete first)", async () => {
    const { h } = setup();
    const { outs } = await created(h);
    const renamed = (await h.check(outs, { ...NEWS, roleName: "other" })).inputs;
    expect(await h.diff("stage-role", outs, renamed)).toEqual({
      changes: true,
      replaces: ["roleName"],
      deleteBeforeReplace: false,
    });
    const moved = (await h.check(outs, { ...NEWS, path: "/databend/" })).inputs;
    expect(await h.diff("stage-role", outs, moved)).toEqual({
      changes: true,
      replaces: ["path"],
      deleteBeforeReplace: true,
    });
  });

  it("claims the role name when the role is kept, updated or not", async () => {
    const { h } = setup();
    const { outs } = await created(h);
    const { inputs } = await h.check(outs, NEWS);
    await h.diff("stage-role", outs, inputs);
    expect(isClaimed("role", "stage-role")).toBe(true);
    resetClaims();
    const changed = (await h.check(outs, { ...NEWS, prefix: "other/" })).inputs;
    await h.diff("stage-role", outs, changed);
    expect(isClaimed("role", "stage-role")).toBe(true);
  });

  it.each<[string, Props]>([
    ["a new role name", { roleName: "other" }],
    ["a new path", { path: "/databend/" }],
  ])("claims nothing when %s replaces the role", async (_what, change) => {
    const { h } = setup();
    const { outs } = await created(h);
    const news = (await h.check(outs, { ...NEWS, ...change })).inputs;
    await h.diff("stage-role", outs, news);
    expect(isClaimed("role", "stage-role")).toBe(false);
    expect(isClaimed("role", "other")).toBe(false);
  });

  it("reports a change when refresh found a drifted document", async () => {
    const { h } = setup();
    const { outs } = await created(h);
    const { inputs } = await h.check(outs, NEWS);
    expect(await h.diff("stage-role", { ...outs, accessPolicy: "{}" }, inputs)).toEqual({ changes: true });
  });
});

describe("StageAccessRole update", () => {
  it("rewrites both documents in place and keeps the external ID", async () => {
    const { iam, h } = setup();
    const { outs } = await created(h);
    const { inputs } = await h.check(outs, {
      ...NEWS,
      prefix: "v2",
      access: "readwrite",
      maxSessionDuration: 7200,
      tags: { team: "data" },
    });
    const { outs: after } = await h.update("stage-role", outs, inputs);
    const role = iam.roles.get("stage-role");
    expect(after.externalId).toBe(outs.externalId);
    expect(after.roleArn).toBe(outs.roleArn);
    expect(role?.inline.get(INLINE_POLICY_NAME)).toContain("arn:aws:s3:::my-data/v2/*");
    expect(role?.inline.get(INLINE_POLICY_NAME)).toContain("s3:PutObject");
    expect(role?.info).toMatchObject({ maxSessionDuration: 7200, tags: { team: "data" } });
    expect(iam.calls).not.toContain("createRole stage-role".replace("create", "delete"));
  });

  it("removes tags that are no longer given", async () => {
    const { iam, h } = setup();
    const { outs } = await created(h, { ...NEWS, tags: { a: "1", b: "2" } });
    const { inputs } = await h.check(outs, { ...NEWS, tags: { b: "3" } });
    await h.update("stage-role", outs, inputs);
    expect(iam.roles.get("stage-role")?.info.tags).toEqual({ b: "3" });
  });
});

describe("StageAccessRole read", () => {
  it("returns a blank id for a role that is gone", async () => {
    const { h } = setup();
    expect(await h.read("missing-role", {})).toEqual({ id: "" });
  });

  it("keeps state's documents when IAM's say the same, and shows drift when they do not", async () => {
    const { iam, h } = setup();
    const { outs } = await created(h);
    const same = await h.read("stage-role", outs);
    expect(same.props).toMatchObject({
      trustPolicyFingerprint: outs.trustPolicyFingerprint,
      accessPolicy: outs.accessPolicy,
    });
    const role = iam.roles.get("stage-role");
    role?.inline.set(INLINE_POLICY_NAME, encodeURIComponent('{"Version":"2012-10-17","Statement":[]}'));
    const drifted = await h.read("stage-role", outs);
    expect(drifted.props?.accessPolicy).toBe('{"Statement":[],"Version":"2012-10-17"}');
  });
});

describe("StageAccessRole delete", () => {
  it("deletes inline and attached policies before the role", async () => {
    const { iam, h } = setup();
    await created(h);
    const role = iam.roles.get("stage-role");
    role?.inline.set("added-by-hand", "{}");
    role?.attached.add("arn:aws:iam::aws:policy/ReadOnlyAccess");
    await h.delete("stage-role", {});
    expect(iam.roles.size).toBe(0);
    const order = iam.calls.filter((c) => /^(deleteInlinePolicy|detachPolicy|deleteRole)/.test(c));
    expect(order).toEqual([
      "deleteInlinePolicy stage-role",
      "deleteInlinePolicy stage-role",
      "detachPolicy stage-role",
      "deleteRole stage-role",
    ]);
  });

  it("is idempotent: a role already gone is not an error", async () => {
    const { iam, h } = setup();
    await created(h);
    await h.delete("stage-role", {});
    await expect(h.delete("stage-role", {})).resolves.toBeUndefined();
    expect(iam.calls.filter((c) => c.startsWith("deleteRole"))).toHaveLength(1);
  });

  it("explains a conflict IAM reports", async () => {
    const { iam, h } = setup();
    await created(h);
    iam.failNext.set(
      "deleteRole",
      awsError(
        "DeleteConflictException",
        "Cannot delete entity, must remove roles from instance profile first.",
      ),
    );
    await expect(h.delete("stage-role", {})).rejects.toThrow(
      /delete IAM role stage-role: DeleteConflictException: .*instance profile/,
    );
  });

  it("deletes nothing when another resource of this deployment holds the role, and says so", async () => {
    const { iam, h } = setup();
    const { outs } = await created(h);
    const { inputs } = await h.check(outs, NEWS);
    await h.diff("stage-role", outs, inputs);
    const before = iam.calls.length;
    await h.delete("stage-role", outs);
    expect(iam.calls.slice(before)).toEqual([]);
    expect(iam.roles.has("stage-role")).toBe(true);
    expect(deployment.notices).toEqual([
      { severity: "info", message: expect.stringContaining("IAM role 'stage-role' was not dropped") },
    ]);
  });
});
