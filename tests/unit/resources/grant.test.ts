import { isDatabendError } from "../../../provider/errors/DatabendError";
import { resetClaims } from "../../../provider/resources/claims";
import { grantHandlers, grantVersionProblem, parseGrantId } from "../../../provider/resources/grant";
import {
  privilegesInGrantRows,
  renderGrant,
  renderRevoke,
  renderShowGrantsForRole,
} from "../../../provider/sql/grant";
import { validateGrantInputs } from "../../../provider/validation/grantSchema";
import { UNKNOWN } from "../../../provider/validation/unknowns";
import { freshDeployment } from "../../helpers/deployment";
import { FakeSession } from "../../helpers/fakeSession";

const deployment = freshDeployment();

/** SHOW GRANTS FOR ROLE rows as 1.2.895 prints them (1.2.453 capitalises the column names). */
function row(grants: string, capitalised = false): Record<string, unknown> {
  return capitalised ? { Privileges: "", Grants: grants } : { privileges: "", grants };
}

describe("grant SQL", () => {
  it("renders GRANT and REVOKE in the grammar's order, validating names", () => {
    expect(renderGrant("stage", "landing", ["WRITE", "READ"], "analyst")).toBe(
      "GRANT READ, WRITE ON STAGE landing TO ROLE analyst",
    );
    expect(renderRevoke("stage", "landing", ["WRITE"], "analyst")).toBe(
      "REVOKE WRITE ON STAGE landing FROM ROLE analyst",
    );
    expect(renderGrant("connection", "toronto", ["ACCESS CONNECTION"], "loader")).toBe(
      "GRANT ACCESS CONNECTION ON CONNECTION toronto TO ROLE loader",
    );
    expect(renderShowGrantsForRole("analyst")).toBe("SHOW GRANTS FOR ROLE analyst");
    expect(() => renderGrant("stage", "s", ["OWNERSHIP"], "r")).toThrow(/READ, WRITE/);
    expect(() => renderGrant("stage", "s", ["READ"], "r; DROP")).toThrow(/invalid identifier/);
  });

  it("reads the privileges on one object from SHOW GRANTS FOR ROLE (ALL expanded, OWNERSHIP left out)", () => {
    const rows = [
      row("GRANT ALL ON STAGE st1 TO ROLE `r1`"),
      row("GRANT Read ON STAGE st2 TO ROLE `r1`"),
      row("GRANT ALL ON CONNECTION c1 TO ROLE `r1`"),
      row("GRANT OWNERSHIP ON CONNECTION c2 TO ROLE `r1`"),
      row("GRANT OWNERSHIP,Read ON STAGE st3 TO ROLE `r1`", true),
      row("GRANT OWNERSHIP ON 'default'.'default'.* TO ROLE `r1`", true),
    ];
    expect(privilegesInGrantRows(rows, "stage", "st1")).toEqual(["READ", "WRITE"]);
    expect(privilegesInGrantRows(rows, "stage", "st2")).toEqual(["READ"]);
    expect(privilegesInGrantRows(rows, "stage", "st3")).toEqual(["READ"]);
    expect(privilegesInGrantRows(rows, "stage", "c1")).toEqual([]);
    expect(privilegesInGrantRows(rows, "connection", "c1")).toEqual(["ACCESS CONNECTION"]);
    expect(privilegesInGrantRows(rows, "connection", "c2")).toEqual([]);
  });

  it("gates connection privileges on 1.2.780, naming the version", () => {
    expect(grantVersionProblem("connection", "1.2.453")).toBe(
      "GRANT ... ON CONNECTION needs Databend 1.2.780 or later; this server is 1.2.453 (its grammar has no privileges on connections)",
    );
    expect(grantVersionProblem("connection", "1.2.810")).toBeUndefined();
    expect(grantVersionProblem("stage", "1.2.453")).toBeUndefined();
    expect(parseGrantId("landing/analyst")).toEqual({ object: "landing", role: "analyst" });
    expect(parseGrantId("landing")).toBeUndefined();
  });
});

describe("grant validation", () => {
  it("names the property and what is allowed", () => {
    expect(validateGrantInputs("stage", { stage: "s", role: "r", privileges: ["READ"] })).toEqual([]);
    expect(validateGrantInputs("stage", { stage: "s", role: "r", privileges: ["USAGE"] })).toEqual([
      {
        property: "privileges",
        reason: "must be one of READ, WRITE, ALL (privileges on a stage: READ, WRITE, ALL)",
      },
    ]);
    expect(
      validateGrantInputs("connection", { connection: "c", role: "Bad", privileges: [] }).map(
        (f) => f.property,
      ),
    ).toEqual(["role", "privileges"]);
    expect(validateGrantInputs("stage", { stage: UNKNOWN, role: "r", privileges: ["ALL"] })).toEqual([]);
  });
});

describe("grant handlers", () => {
  it("grants, reads without drift, grants and revokes what changed, and revokes what is live on delete", async () => {
    const s = new FakeSession("1.2.895");
    let live: Record<string, unknown>[] = [];
    s.respond(/^SHOW GRANTS FOR ROLE analyst$/, () => live);
    const h = grantHandlers("stage", async () => s);
    const { inputs, failures } = await h.check(
      {},
      { stage: "landing", role: "analyst", privileges: ["ALL"] },
    );
    expect(failures).toEqual([]);
    expect(inputs.privileges).toEqual(["READ", "WRITE"]);
    const { id, outs } = await h.create(inputs);
    expect(id).toBe("landing/analyst");
    live = [row("GRANT ALL ON STAGE landing TO ROLE `analyst`")];
    const read = await h.read(id, outs);
    expect(read.props).toEqual(outs);
    expect(await h.diff(id, outs, inputs)).toEqual({ changes: false });
    const readOnly = { ...inputs, privileges: ["READ"] };
    expect(await h.diff(id, outs, readOnly)).toEqual({ changes: true });
    const up = await h.update(id, outs, readOnly);
    live = [row("GRANT Read ON STAGE landing TO ROLE `analyst`")];
    resetClaims(); // a later deployment
    await h.delete(id, up.outs);
    expect(s.statements.filter((x) => !x.startsWith("SHOW"))).toEqual([
      "GRANT READ, WRITE ON STAGE landing TO ROLE analyst",
      "REVOKE WRITE ON STAGE landing FROM ROLE analyst",
      "REVOKE READ ON STAGE landing FROM ROLE analyst",
    ]);
  });

  it("reports drift, and a grant whose role or privileges are gone as gone", async () => {
    const s = new FakeSession();
    s.respond(/^SHOW GRANTS FOR ROLE analyst$/, [row("GRANT Write ON STAGE landing TO ROLE `analyst`")]);
    s.fail(/^SHOW GRANTS FOR ROLE gone$/, 2204, "Role 'gone' does not exist.");
    const h = grantHandlers("stage", async () => s);
    const outs = { stage: "landing", role: "analyst", privileges: ["READ"], stateVersion: 2 };
    expect((await h.read("landing/analyst", outs)).inputs).toMatchObject({ privileges: ["WRITE"] });
    expect((await h.read("other/analyst", outs)).id).toBe("");
    expect((await h.read("landing/gone", outs)).id).toBe("");
    // pulumi import: no state, the ID says which stage and role
    expect((await h.read("landing/analyst", {})).props).toEqual({
      stage: "landing",
      role: "analyst",
      privileges: ["WRITE"],
      stateVersion: 2,
    });
    await h.delete("landing/gone", { stage: "landing", role: "gone", privileges: ["READ"] });
    expect(s.statements.some((x) => x.startsWith("REVOKE"))).toBe(false);
  });

  it("refuses privileges granted outside the resource unless adopted; the wildcard needs the same set", async () => {
    const s = new FakeSession();
    s.respond(/^SHOW GRANTS FOR ROLE analyst$/, [row("GRANT ALL ON STAGE landing TO ROLE `analyst`")]);
    const h = grantHandlers("stage", async () => s);
    const err = await h
      .create({ stage: "landing", role: "analyst", privileges: ["READ"] })
      .catch((e: unknown) => e);
    expect(isDatabendError(err) && err.message).toMatch(
      /already holds READ, WRITE on stage landing.*adopt: true/s,
    );
    deployment.setEnv("DATABEND_ADOPT", "*");
    const refused = await h
      .create({ stage: "landing", role: "analyst", privileges: ["READ"] })
      .catch((e: unknown) => e);
    expect(String((refused as Error).message)).toMatch(/takes over only what this stack can prove/);
    await h.create({ stage: "landing", role: "analyst", privileges: ["READ", "WRITE"] });
    deployment.setEnv("DATABEND_ADOPT", "landing/analyst");
    await h.create({ stage: "landing", role: "analyst", privileges: ["READ"] });
    expect(s.statements.filter((x) => !x.startsWith("SHOW"))).toEqual([
      "GRANT READ, WRITE ON STAGE landing TO ROLE analyst",
      "REVOKE WRITE ON STAGE landing FROM ROLE analyst",
      "GRANT READ ON STAGE landing TO ROLE analyst",
    ]);
  });

  it("refuses connection privileges at preview on a server without them", async () => {
    const s = new FakeSession("1.2.453");
    const h = grantHandlers("connection", async () => s);
    const { failures } = await h.check({}, { connection: "c", role: "r", privileges: ["ACCESS CONNECTION"] });
    expect(failures).toEqual([
      {
        property: "",
        reason: expect.stringMatching(
          /^GRANT \.\.\. ON CONNECTION needs Databend 1\.2\.780 or later; this server is 1\.2\.453/,
        ),
      },
    ]);
    expect(s.statements).toEqual([]); // the version only
  });
});
