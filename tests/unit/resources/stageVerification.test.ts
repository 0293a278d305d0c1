import type { Props } from "../../../provider/resources/handlers";
import { stageHandlers } from "../../../provider/resources/stage";
import {
  condensedServerText,
  diagnoseAccessError,
  verifyStageAccess,
} from "../../../provider/resources/stageVerification";
import { setNoticeSink } from "../../../provider/resources/notices";
import { renderVerifyStage } from "../../../provider/sql/stage";
import { FakeSession } from "../../helpers/fakeSession";

// Databend's answers as the local stack (moto behind the embedded engine) gave them, trimmed.
const SIGNATURE =
  'PermissionDenied (persistent) at list, context: { uri: http://127.0.0.1:1/b?list-type=2&prefix=a%2F, response: Parts { status: 403, headers: {"x-amzn-requestid": "r1"} }, service: s3, path: /, listed: 0 } => S3Error { code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided.", resource: "", request_id: "r1" }';
const UNKNOWN_KEY =
  'PermissionDenied (persistent) at list, context: { uri: http://127.0.0.1:1/b, response: Parts { status: 403 } } => S3Error { code: "InvalidAccessKeyId", message: "The AWS Access Key Id you provided does not exist in our records." }';
const NO_BUCKET =
  'ConfigInvalid (persistent) at list => S3Error { code: "NoSuchBucket", message: "The specified bucket does not exist", resource: "", request_id: "r2" }\n\nContext:\n   uri: http://127.0.0.1:1/nope\n   response: Parts { status: 404 }';
const UNREACHABLE =
  "Unexpected (persistent) at list => send http request\n\nContext:\n   url: http://127.0.0.1:9/b\n\nSource:\n   error sending request for url (http://127.0.0.1:9/b): client error (Connect): tcp connect error: Connection refused (os error 111)\n\nBacktrace:\n   0: <unknown>";
const METADATA =
  "Unexpected (persistent) at list => loading credential to sign http request\n\nContext:\n   called: reqsign::LoadCredential\n\nSource:\n   request to AWS EC2 Metadata Services failed: resolve_deny: denied destination\n\nBacktrace:\n   0: <unknown>";

const STS_UNREACHABLE =
  "Unexpected (persistent) at list => loading credential to sign http request\n\nContext:\n   called: reqsign::LoadCredential\n\nSource:\n   error sending request for url (https://sts.us-east-1.amazonaws.com/?Action=AssumeRole&DurationSeconds=3600&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=reqsign&Version=2011-06-15): client error (Connect): tunnel error: failed to create underlying connection: tcp connect error: Connection refused (os error 111)";

const EXTERNAL: Props = {
  name: "landing",
  url: "s3://bucket/in/",
  credentials: { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "the-secret-value" },
  verify: true,
  verifyTimeoutSeconds: 5,
};

let notices: string[] = [];
beforeEach(() => {
  notices = [];
  setNoticeSink((sev, m) => notices.push(`${sev}: ${m}`));
});
afterAll(() => setNoticeSink(undefined));

describe("diagnoseAccessError: the cause and the property to fix, from Databend's text", () => {
  it.each([
    [SIGNATURE, ["secretAccessKey"], false],
    [UNKNOWN_KEY, ["accessKeyId", "secretAccessKey"], true],
    [NO_BUCKET, ["url"], false],
    [UNREACHABLE, ["endpointUrl"], false],
    [METADATA, ["roleArn"], false],
    [STS_UNREACHABLE, ["roleArn"], false],
    ['S3Error { code: "AccessDenied", message: "Access Denied" }', undefined, true],
    ["not authorized to perform: sts:AssumeRole on resource", ["roleArn", "externalId"], true],
    ["invalid credential: failed to decode base64", ["credential"], false],
  ])("%#", (text, property, retryable) => {
    const d = diagnoseAccessError(text);
    expect(d.property).toEqual(property);
    expect(d.retryable).toBe(retryable);
  });

  it("keeps Databend's code and text without headers, request IDs and backtraces", () => {
    const text = condensedServerText(`verify stage s: Databend error 3002: ${SIGNATURE}`);
    expect(text).toBe(
      'Databend error 3002: PermissionDenied (persistent) at list => S3Error { code: "SignatureDoesNotMatch", message: "The request signature we calculated does not match the signature you provided." }',
    );
    const unreachable = condensedServerText(`Databend error 4000: ${UNREACHABLE}`);
    expect(unreachable).toContain("Connection refused");
    expect(unreachable).not.toMatch(/Backtrace|<unknown>/);
  });
});

/** The probe as the Stage sends it, on a fake session. */
const listing = (db: FakeSession) => () =>
  db.query(renderVerifyStage("landing"), { action: "verify stage landing" });

describe("verifyStageAccess: retries only what IAM propagation explains, within the bound", () => {
  const subject = { name: "landing", url: "s3://bucket/in/" };

  it("retries an unknown key with backoff and passes once it propagates", async () => {
    const db = new FakeSession().respond(/^LIST/, []).fail(/^LIST/, 3002, UNKNOWN_KEY, { times: 3 });
    const waits: number[] = [];
    let clock = 0;
    const r = await verifyStageAccess(listing(db), subject, {
      timeoutSeconds: 60,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    expect(r).toMatchObject({ readable: true, attempts: 4 });
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(db.statements).toEqual(Array(4).fill(renderVerifyStage("landing")));
  });

  it("gives up on an unknown key when the bound is spent", async () => {
    const db = new FakeSession().fail(/^LIST/, 3002, UNKNOWN_KEY);
    let clock = 0;
    const r = await verifyStageAccess(listing(db), subject, {
      timeoutSeconds: 10,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    expect(r.readable).toBe(false);
    expect(clock).toBe(10_000);
    expect(r.accessProblem).toMatch(
      /^the storage service does not know the access key ID .*`accessKeyId` and `secretAccessKey` in the stage's credentials\. Databend error 3002: /,
    );
  });

  it.each([
    ["a wrong secret", SIGNATURE],
    ["a missing bucket", NO_BUCKET],
    ["an unreachable endpoint", UNREACHABLE],
  ])("fails at once on %s", async (_what, text) => {
    const db = new FakeSession().fail(/^LIST/, 3002, text);
    const r = await verifyStageAccess(listing(db), subject, {
      timeoutSeconds: 60,
      sleep: () => Promise.reject(new Error("slept")),
    });
    expect(r).toMatchObject({ readable: false, attempts: 1 });
  });
});

describe("Stage with verify: create, update, refresh (read) and diff", () => {
  it("creates, then lists an empty sub-folder of the stage from Databend once", async () => {
    const db = new FakeSession().respond(/^LIST/, []);
    const r = await stageHandlers(db.factory()).create(EXTERNAL);
    expect(db.statements.filter((s) => s.startsWith("LIST"))).toEqual([
      "LIST @landing/_pulumi_databend_verify/",
    ]);
    expect(r.outs).toMatchObject({ verify: true, readable: true });
    expect(r.outs.verifiedAt).toMatch(/^\d{4}-/);
    expect(r.outs).not.toHaveProperty("accessProblem");
  });

  it("verifies an internal stage without a statement", async () => {
    const db = new FakeSession();
    const r = await stageHandlers(db.factory()).create({ name: "raw", verify: true });
    expect(db.statements).toEqual(["CREATE STAGE raw"]);
    expect(r.outs.readable).toBe(true);
  });

  it("without verify sends no probe and has no access outputs", async () => {
    const db = new FakeSession();
    const plain = { ...EXTERNAL, verify: undefined };
    const r = await stageHandlers(db.factory()).create(plain);
    expect(db.statements.some((s) => s.startsWith("LIST"))).toBe(false);
    expect(r.outs).not.toHaveProperty("readable");
  });

  it("a failed check keeps the stage (ResourceInitError with readable: false), naming secretAccessKey, no secret", async () => {
    const db = new FakeSession().fail(/^LIST/, 3002, `${SIGNATURE} the-secret-value`);
    const err = (await stageHandlers(db.factory())
      .create(EXTERNAL)
      .catch((e: unknown) => e)) as { name: string; id: string; message: string; properties: Props };
    expect(err.name).toBe("ResourceInitError");
    expect(err.id).toBe("landing");
    expect(err.properties).toMatchObject({ name: "landing", readable: false });
    expect(err.message).toMatch(
      /verify stage landing: Databend cannot read s3:\/\/bucket\/in\/: the secret access key does not match/,
    );
    expect(err.message).toContain("`secretAccessKey` in the stage's credentials");
    expect(err.message).toContain("SignatureDoesNotMatch");
    expect(err.message).toContain("next `pulumi up` verifies it again");
    expect(JSON.stringify(err)).not.toContain("the-secret-value");
    expect(err.message).not.toContain("the-secret-value");
  });

  it("names the connection's property when the stage copied a connection", async () => {
    const db = new FakeSession().fail(/^LIST/, 4000, NO_BUCKET);
    const rest = { ...EXTERNAL, credentials: undefined };
    const err = (await stageHandlers(db.factory())
      .create({ ...rest, connectionName: "toronto", connectionStorageType: "s3" })
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toContain("the bucket does not exist; fix `url` of the stage");
  });

  const recorded: Props = {
    ...EXTERNAL,
    stageType: "External",
    readable: true,
    verifiedAt: "2026-01-01T00:00:00.000Z",
  };
  const row = {
    name: "landing",
    stage_type: "External",
    url: "s3://bucket/in/",
    file_format_options: "{}",
    comment: "",
  };

  it("a healthy refresh is no change: one probe, the recorded time kept", async () => {
    const db = new FakeSession("1.2.800").respond(/^DESC STAGE/, [row]).respond(/^LIST/, []);
    const r = await stageHandlers(db.factory()).read("landing", recorded);
    expect(db.statements.filter((s) => s.startsWith("LIST"))).toHaveLength(1);
    expect(r.props).toMatchObject({ readable: true, verifiedAt: "2026-01-01T00:00:00.000Z" });
    expect(r.inputs).not.toHaveProperty("readable");
    expect(r.inputs).not.toHaveProperty("verifiedAt");
  });

  it("a stage that could read and now cannot is drift: refresh records why, diff plans an update naming it", async () => {
    const db = new FakeSession("1.2.800").respond(/^DESC STAGE/, [row]).fail(/^LIST/, 3002, UNKNOWN_KEY);
    const h = stageHandlers(db.factory());
    const r = await h.read("landing", recorded);
    expect(r.props).toMatchObject({ readable: false });
    expect(r.props?.verifiedAt).not.toBe("2026-01-01T00:00:00.000Z");
    expect(String(r.props?.accessProblem)).toContain("InvalidAccessKeyId");
    expect(notices.join("\n")).toContain("warning: stage 'landing' cannot read its location from Databend");
    notices = [];
    const d = await h.diff("landing", r.props ?? {}, EXTERNAL);
    expect(d.changes).toBe(true);
    expect(notices.join("\n")).toMatch(/stage 'landing' cannot read .*access key ID/);
    const healthy = await h.diff("landing", recorded, EXTERNAL);
    expect(healthy.changes).toBe(false);
  });

  it("an update after drift verifies again and records the stage readable", async () => {
    const db = new FakeSession().respond(/^LIST/, []);
    const r = await stageHandlers(db.factory()).update("landing", { ...recorded, readable: false }, EXTERNAL);
    expect(db.statements).toEqual(["LIST @landing/_pulumi_databend_verify/"]);
    expect(r.outs).toMatchObject({ readable: true });
    expect(r.outs).not.toHaveProperty("accessProblem");
  });
});
