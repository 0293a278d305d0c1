import { isDatabendError } from "../../../provider/errors/DatabendError";
import { isClaimed } from "../../../provider/resources/claims";
import { connectionHandlers } from "../../../provider/resources/connection";
import type { Props } from "../../../provider/resources/handlers";
import { ownerMarker, readOwnerMarker, withOwnerMarker } from "../../../provider/resources/ownerMarker";
import { stageHandlers } from "../../../provider/resources/stage";
import {
  isStackIdentity,
  resetStackIdentity,
  setStackIdentity,
  stackIdentity,
  stackIdentityFromUrn,
  stackIdentityOf,
} from "../../../provider/resources/stackIdentity";
import { stageAccessRoleHandlers } from "../../../provider/resources/stageAccessRole";
import { adoptRequest } from "../../../provider/settings";
import { freshDeployment } from "../../helpers/deployment";
import { FakeIam } from "../../helpers/fakeIam";
import { FakeSession, noSession } from "../../helpers/fakeSession";

// DATABEND_ADOPT='*' (the documented crash recovery) takes over only what this stack can prove it
// made; a name the user gave stays their decision. Every take-over says what it took and on what
// evidence (issue 21, F7).

const deployment = freshDeployment();
afterEach(resetStackIdentity);

const ME = "proj/dev";
const MINE = ownerMarker(ME);
const THEIRS = ownerMarker("proj/prod");
const CURRENT = "1.2.900";
const NO_ALTER = "1.2.866";

function internalStage(extra: Props = {}): Props {
  return { name: "raw", onConnectionChange: "keep", forceDestroy: false, adopt: false, ...extra };
}

function s3Stage(extra: Props = {}): Props {
  return internalStage({ name: "ext", url: "s3://bucket/data/", connectionName: "c", ...extra });
}

function row(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "raw",
    stage_type: "Internal",
    storage_type: null,
    url: null,
    endpoint: null,
    has_credentials: false,
    has_encryption_key: false,
    storage_params: null,
    file_format_options: JSON.stringify({ type: "Parquet", compression: "Zstd", missing_field_as: "Error" }),
    comment: "",
    number_of_files: 0,
    creator: "root",
    created_on: "2026-01-01 00:00:00",
    ...over,
  };
}

function externalRow(over: Record<string, unknown> = {}): Record<string, unknown> {
  return row({ name: "ext", stage_type: "External", storage_type: "s3", url: "s3://bucket/data/", ...over });
}

const exists = (db: FakeSession, name: string): FakeSession =>
  db.fail(/^CREATE STAGE/, 2502, `Stage '${name}' already exists.`, { times: 1 });

async function failure(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe("stack identity", () => {
  it("is <project>/<stack> from a URN or from the program's names; anything else is none", () => {
    expect(stackIdentityFromUrn("urn:pulumi:dev::proj::databend:index:Stage::s")).toBe(ME);
    expect(stackIdentityFromUrn("urn:pulumi:dev::proj::pulumi:providers:databend::default")).toBe(ME);
    expect(stackIdentityFromUrn("not a urn")).toBeUndefined();
    expect(stackIdentityOf("proj", "dev")).toBe(ME);
    expect(stackIdentityOf("proj", "")).toBeUndefined();
    expect(stackIdentityOf("pr]oj", "dev")).toBeUndefined();
    expect(stackIdentityOf("proj", "a b")).toBeUndefined();
    expect(isStackIdentity("proj/dev/x")).toBe(false);
  });

  it("is set once per process by the host, and a malformed value is ignored", () => {
    expect(stackIdentity()).toBeUndefined();
    setStackIdentity(ME);
    setStackIdentity("evil]/x y");
    setStackIdentity(42);
    expect(stackIdentity()).toBe(ME);
  });
});

describe("owner marker", () => {
  it("ends the stored text and is read back apart from the user's text", () => {
    expect(withOwnerMarker(undefined, ME)).toBe("[pulumi-databend:proj/dev]");
    expect(withOwnerMarker("landing zone", ME)).toBe("landing zone [pulumi-databend:proj/dev]");
    expect(withOwnerMarker("landing zone", undefined)).toBe("landing zone");
    expect(readOwnerMarker("landing zone [pulumi-databend:proj/dev]")).toEqual({
      text: "landing zone",
      owner: ME,
    });
    expect(readOwnerMarker("[pulumi-databend:proj/dev]")).toEqual({ text: undefined, owner: ME });
    expect(readOwnerMarker("plain")).toEqual({ text: "plain" });
    expect(readOwnerMarker("x [pulumi-databend:no-slash]")).toEqual({ text: "x [pulumi-databend:no-slash]" });
    expect(readOwnerMarker(undefined)).toEqual({});
  });
});

describe("adoptRequest", () => {
  it.each<[string | undefined, boolean, "explicit" | "wildcard" | undefined]>([
    [undefined, false, undefined],
    [undefined, true, "explicit"],
    ["raw", false, "explicit"],
    ["other, raw", false, "explicit"],
    ["*", false, "wildcard"],
    ["other,*", false, "wildcard"],
    ["*,raw", false, "explicit"],
    ["*", true, "explicit"],
    ["other", false, undefined],
  ])("DATABEND_ADOPT=%s, adopt: %s is %s", (value, flag, expected) => {
    if (value !== undefined) deployment.setEnv("DATABEND_ADOPT", value);
    expect(adoptRequest("raw", flag)).toBe(expected);
  });
});

describe("stage create writes this stack's marker and read hides it", () => {
  it("sets the marker as the comment right after CREATE STAGE (one ALTER more)", async () => {
    setStackIdentity(ME);
    const db = new FakeSession(CURRENT);
    const r = await stageHandlers(db.factory()).create(internalStage());
    expect(db.statements).toEqual([
      "CREATE STAGE raw",
      "ALTER STAGE raw SET COMMENT = '[pulumi-databend:proj/dev]'",
    ]);
    expect(r.outs.comment).toBeUndefined();
  });

  it("appends it to the user's comment, and read returns the user's comment alone (no drift)", async () => {
    setStackIdentity(ME);
    const db = new FakeSession(CURRENT);
    const h = stageHandlers(db.factory());
    const { outs } = await h.create(internalStage({ comment: "it's raw" }));
    expect(db.statements[1]).toBe("ALTER STAGE raw SET COMMENT = 'it\\'s raw [pulumi-databend:proj/dev]'");
    db.respond(/^(DESC STAGE|SHOW STAGES)/, [row({ comment: `it's raw ${MINE}` })]);
    const read = await h.read("raw", outs);
    expect(read.props?.comment).toBe("it's raw");
    expect(await h.diff("raw", read.props ?? {}, internalStage({ comment: "it's raw" }))).toEqual({
      changes: false,
    });
  });

  it("sends no extra statement where the server keeps no stage comments", async () => {
    setStackIdentity(ME);
    const db = new FakeSession(NO_ALTER);
    await stageHandlers(db.factory()).create(internalStage());
    expect(db.statements).toEqual(["CREATE STAGE raw"]);
  });
});

describe("stage create with DATABEND_ADOPT='*'", () => {
  beforeEach(() => {
    setStackIdentity(ME);
    deployment.setEnv("DATABEND_ADOPT", "*");
  });

  it("takes over a stage whose comment carries this stack's marker, and says so with the evidence", async () => {
    const db = exists(new FakeSession(CURRENT), "raw").respond(/^DESC STAGE/, [row({ comment: MINE })]);
    const r = await stageHandlers(db.factory()).create(internalStage());
    expect(r.id).toBe("raw");
    expect(isClaimed("stage", "raw")).toBe(true);
    expect(db.statements.at(-1)).toBe("ALTER STAGE raw SET COMMENT = '[pulumi-databend:proj/dev]'");
    expect(deployment.notices).toEqual([
      {
        severity: "info",
        message: expect.stringMatching(
          /^stage 'raw' already existed and was taken over \(`DATABEND_ADOPT='\*'`, on proof that this stack made it\): its comment carries this stack's marker `\[pulumi-databend:proj\/dev\]`/,
        ),
      },
    ]);
  });

  it.each<[string, Props, Record<string, unknown>, RegExp]>([
    [
      "another stack's internal stage",
      internalStage(),
      row({ comment: THEIRS }),
      /marker of stack 'proj\/prod'/,
    ],
    ["an unmarked internal stage", internalStage(), row({ comment: "theirs" }), /carries no stack's marker/],
    ["another stack's external stage", s3Stage(), externalRow({ comment: `x ${THEIRS}` }), /marker of stack/],
    ["an unmarked external stage with this URL", s3Stage(), externalRow(), /carries no stack's marker/],
  ])("refuses %s, changes nothing, and names the explicit way", async (_w, inputs, existing, evidence) => {
    const name = String(inputs.name);
    const db = exists(new FakeSession(CURRENT), name).respond(/^DESC STAGE/, [existing]);
    const e = await failure(stageHandlers(db.factory()).create(inputs));
    expect(isDatabendError(e) && e.serverCode).toBe(2502);
    expect(e.message).toContain(`\`DATABEND_ADOPT='*'\` takes over only what this stack can prove it made`);
    expect(e.message).toMatch(evidence);
    expect(e.message).toContain(`\`DATABEND_ADOPT=${name} pulumi up\` (or \`adopt: true\`)`);
    expect(db.statements.filter((s) => !/^(DESC|CREATE STAGE)/.test(s))).toEqual([]);
    expect(isClaimed("stage", name)).toBe(false);
    expect(deployment.notices).toEqual([]);
  });

  it("refuses when the host did not say which stack it deploys (no marker can match)", async () => {
    resetStackIdentity();
    const db = exists(new FakeSession(CURRENT), "raw").respond(/^DESC STAGE/, [row({ comment: MINE })]);
    const e = await failure(stageHandlers(db.factory()).create(internalStage()));
    expect(e.message).toMatch(/marker of stack 'proj\/dev'/);
  });

  describe("on a server without stage comments (exact settings are the evidence)", () => {
    it("takes over an empty internal stage with the same file format, saying the evidence is its settings", async () => {
      const db = exists(new FakeSession(NO_ALTER), "raw")
        .respond(/^DESC STAGE/, [row()])
        .respond(/^LIST/, []);
      await stageHandlers(db.factory()).create(internalStage());
      expect(deployment.notices[0]?.message).toMatch(
        /Databend 1\.2\.866 keeps no stage comments, so only settings can speak: it has exactly this resource's settings \(internal, empty/,
      );
    });

    it("never takes over an internal stage holding files", async () => {
      const db = exists(new FakeSession(NO_ALTER), "raw")
        .respond(/^DESC STAGE/, [row()])
        .respond(/^LIST/, [{ name: "a.csv" }, { name: "b.csv" }, { name: "c.csv" }]);
      const e = await failure(stageHandlers(db.factory()).create(internalStage()));
      expect(e.message).toMatch(/it holds 3 file\(s\), which no settings can prove are this stack's/);
      expect(db.statements.filter((s) => /^(CREATE OR REPLACE|DROP|ALTER)/.test(s))).toEqual([]);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      ["another URL", externalRow({ url: "s3://other/" }), /its URL is another/],
      [
        "another file format",
        externalRow({ file_format_options: JSON.stringify({ type: "CSV" }) }),
        /file format is another/,
      ],
      ["an internal stage", row({ name: "ext" }), /it is internal/],
    ])("refuses an external stage with %s", async (_w, existing, evidence) => {
      const db = exists(new FakeSession(NO_ALTER), "ext").respond(/^DESC STAGE/, [existing]);
      const e = await failure(stageHandlers(db.factory()).create(s3Stage()));
      expect(e.message).toMatch(evidence);
      expect(db.statements.filter((s) => /^CREATE OR REPLACE/.test(s))).toEqual([]);
    });
  });
});

describe("stage create with an explicit name", () => {
  it("takes over another stack's stage as asked, and says whose marker it carried", async () => {
    setStackIdentity(ME);
    deployment.setEnv("DATABEND_ADOPT", "raw");
    const db = exists(new FakeSession(CURRENT), "raw").respond(/^DESC STAGE/, [row({ comment: THEIRS })]);
    await stageHandlers(db.factory()).create(internalStage());
    expect(deployment.notices.map((n) => n.message)).toEqual([
      expect.stringMatching(
        /^stage 'raw' already existed and was taken over \(you named it for adoption\): its comment carries the marker of stack 'proj\/prod'.*`pulumi destroy` of this stack deletes it$/,
      ),
    ]);
    expect(db.statements.at(-1)).toBe(`ALTER STAGE raw SET COMMENT = '${MINE}'`);
  });
});

describe("connection create with DATABEND_ADOPT='*'", () => {
  const inputs = {
    name: "c",
    storageType: "s3",
    accessKeyId: "AKIAEXAMPLE1",
    secretAccessKey: "secret-value-1",
  };
  const EXISTS = "UserDefinedConnection 'c' already exists: Exist when add";

  async function checked(): Promise<Props> {
    return (await connectionHandlers(noSession()).check({}, inputs)).inputs;
  }

  it("refuses one with other settings: the error says why and how to name it; nothing is replaced", async () => {
    deployment.setEnv("DATABEND_ADOPT", "*");
    const db = new FakeSession()
      .fail(/^CREATE CONNECTION/, 2512, EXISTS)
      .respond(/^DESC CONNECTION/, [
        { name: "c", storage_type: "s3", storage_params: "access_key_id=AK***R1 secret_access_key=ot***r1" },
      ]);
    const e = await failure(connectionHandlers(db.factory()).create(await checked()));
    expect(e.message).toContain(
      "nothing proves that of connection 'c': its storage type or parameters differ",
    );
    expect(e.message).toContain("`DATABEND_ADOPT=c pulumi up` (or `adopt: true`)");
    expect(e.message).not.toContain("secret-value-1");
    expect(db.statements.filter((s) => s.startsWith("CREATE OR REPLACE"))).toEqual([]);
    expect(isClaimed("connection", "c")).toBe(false);
  });

  it("takes over one with exactly these settings, saying the evidence is settings alone", async () => {
    deployment.setEnv("DATABEND_ADOPT", "*");
    const db = new FakeSession()
      .fail(/^CREATE CONNECTION/, 2512, EXISTS)
      .respond(/^DESC CONNECTION/, [
        { name: "c", storage_type: "s3", storage_params: "access_key_id=AK***E1 secret_access_key=se***-1" },
      ]);
    await connectionHandlers(db.factory()).create(await checked());
    expect(deployment.notices.map((n) => n.message)).toEqual([
      expect.stringContaining(
        "connection 'c' already existed and was taken over (`DATABEND_ADOPT='*'`, on proof that this stack made it): its storage type and every parameter equal this resource's, as far as Databend's masks show (Databend keeps no marker on a connection)",
      ),
    ]);
  });
});

describe("IAM role create with DATABEND_ADOPT='*'", () => {
  const NEWS: Props = {
    databendPrincipalArn: "arn:aws:iam::123456789012:role/databend-cloud",
    bucket: "my-data",
    prefix: "raw",
    roleName: "stage-role",
    externalId: "",
  };

  function setup(): { iam: FakeIam; h: ReturnType<typeof stageAccessRoleHandlers> } {
    const iam = new FakeIam();
    const unused = (): never => {
      throw new Error("not used");
    };
    return { iam, h: stageAccessRoleHandlers({ iam: () => iam, sts: unused, s3: unused }) };
  }

  async function createdBy(h: ReturnType<typeof stageAccessRoleHandlers>, identity: string): Promise<void> {
    setStackIdentity(identity);
    await h.create((await h.check({}, NEWS)).inputs);
  }

  it("writes this stack's marker into the description of a role it creates", async () => {
    const { iam, h } = setup();
    await createdBy(h, ME);
    expect(iam.roles.get("stage-role")?.info.description).toMatch(/ \[pulumi-databend:proj\/dev\]$/);
  });

  it("refuses another stack's role (its trust policy and description are left as they were)", async () => {
    const { iam, h } = setup();
    await createdBy(h, "proj/prod");
    const before = iam.roles.get("stage-role")?.info.trustPolicy;
    setStackIdentity(ME);
    deployment.setEnv("DATABEND_ADOPT", "*");
    const e = await failure(h.create((await h.check({}, NEWS)).inputs));
    expect(e.message).toContain("EntityAlreadyExistsException");
    expect(e.message).toContain("its description carries the marker of stack 'proj/prod'");
    expect(iam.roles.get("stage-role")?.info.trustPolicy).toBe(before);
  });

  it("takes over another stack's role when named, saying so at check (preview) and at create", async () => {
    const { h } = setup();
    await createdBy(h, "proj/prod");
    setStackIdentity(ME);
    deployment.setEnv("DATABEND_ADOPT", "stage-role");
    await h.create((await h.check({}, NEWS)).inputs);
    expect(deployment.notices.map((n) => n.message)).toEqual([
      expect.stringMatching(/^DATABEND_ADOPT names IAM role 'stage-role': if it already exists/),
      expect.stringContaining(
        "IAM role 'stage-role' already existed and was taken over (you named it for adoption)",
      ),
    ]);
  });
});

describe("stage create whose CREATE STAGE answer was lost", () => {
  const cut = new Error("APIError: error decoding response body: end of file before message length reached");

  it("marks the stage it finds with the settings it sent and no comment, and says the wildcard takes it", async () => {
    setStackIdentity(ME);
    const db = new FakeSession(CURRENT).failRaw(/^CREATE STAGE/, cut).respond(/^DESC STAGE/, [row()]);
    const e = await failure(stageHandlers(db.factory()).create(internalStage()));
    expect(e.message).toContain("end of file");
    expect(e.message).toContain(
      `it was marked as this stack's (\`${MINE}\`): \`DATABEND_ADOPT='*' pulumi up\``,
    );
    expect(db.statements).toEqual([
      "CREATE STAGE raw",
      "DESC STAGE raw",
      `ALTER STAGE raw SET COMMENT = '${MINE}'`,
    ]);
  });

  it.each<[string, Error, Record<string, unknown>[]]>([
    ["a stage with a comment", cut, [row({ comment: "someone's" })]],
    ["an external stage where an internal one was sent", cut, [externalRow({ name: "raw" })]],
    ["no stage", cut, []],
    ["a refused connection (nothing ran)", new Error("error sending request: connection refused"), [row()]],
    ["an HTTP 503 (nothing ran)", new Error("ResponseError: (503 Service Unavailable)"), [row()]],
  ])("marks nothing on %s", async (_w, raw, rows) => {
    setStackIdentity(ME);
    const db = new FakeSession(CURRENT).failRaw(/^CREATE STAGE/, raw).respond(/^DESC STAGE/, rows);
    const e = await failure(stageHandlers(db.factory()).create(internalStage()));
    expect(e.message).not.toContain("marked as this stack's");
    expect(db.statements.filter((s) => s.startsWith("ALTER"))).toEqual([]);
  });
});

describe("what the preview says (check of a resource to be created)", () => {
  it("names what DATABEND_ADOPT names, whoever made it", async () => {
    deployment.setEnv("DATABEND_ADOPT", "raw,c");
    await stageHandlers(noSession()).check({}, internalStage());
    await connectionHandlers(noSession()).check({}, { name: "c", storageType: "fs" });
    expect(deployment.notices).toEqual([
      {
        severity: "info",
        message:
          "DATABEND_ADOPT names stage 'raw': if it already exists, this run takes it over, whoever made it; its " +
          "settings become this resource's, and this stack's `pulumi destroy` will delete it",
      },
      {
        severity: "info",
        message: expect.stringMatching(/^DATABEND_ADOPT names connection 'c': if it already exists/),
      },
    ]);
  });

  it.each<[string, string, Props, Props]>([
    ["the wildcard (it depends on what exists)", "*", {}, internalStage()],
    ["a resource already in state", "raw", internalStage(), internalStage()],
    ["adopt: true (the preview shows it among the inputs)", "", {}, internalStage({ adopt: true })],
  ])("says nothing for %s", async (_w, value, olds, news) => {
    if (value) deployment.setEnv("DATABEND_ADOPT", value);
    await stageHandlers(noSession()).check(olds, news);
    expect(deployment.notices).toEqual([]);
  });
});
