import { connectionHandlers } from "../../../provider/resources/connection";
import { READS_BEFORE_LISTING } from "../../../provider/resources/listings";
import { stageHandlers } from "../../../provider/resources/stage";
import { freshDeployment } from "../../helpers/deployment";
import { FakeSession } from "../../helpers/fakeSession";

freshDeployment();

const conn = (name: string) => ({ name, storage_type: "fs", storage_params: "" });
const state = (name: string) => ({ name, storageType: "fs", fingerprint: "v2:x", stateVersion: 2 });

describe("bulk reads during refresh", () => {
  it("describes the first objects one by one, then lists the rest with one SHOW", async () => {
    const db = new FakeSession()
      .respond(/^DESC CONNECTION (\w+)/, (sql) => [conn(sql.split(" ")[2] as string)])
      .respond(/^SHOW CONNECTIONS/, [conn("c1"), conn("c2"), conn("c3"), conn("c4"), conn("c5")]);
    const h = connectionHandlers(db.factory());
    const ids = await Promise.all(
      ["c1", "c2", "c3", "c4", "c5"].map(async (n) => (await h.read(n, state(n))).id),
    );
    expect(ids).toEqual(["c1", "c2", "c3", "c4", "c5"]);
    expect(db.statements.filter((s) => s.startsWith("DESC"))).toHaveLength(READS_BEFORE_LISTING);
    expect(db.statements.filter((s) => s.startsWith("SHOW"))).toEqual(["SHOW CONNECTIONS"]);
  });

  it("reports an object missing from the listing as gone", async () => {
    const db = new FakeSession()
      .respond(/^DESC CONNECTION/, [conn("c1")])
      .respond(/^SHOW CONNECTIONS/, [conn("c1")]);
    const h = connectionHandlers(db.factory());
    for (const n of ["c1", "c1"]) await h.read(n, state(n));
    expect(await h.read("gone", state("gone"))).toEqual({ id: "" });
  });

  it("drops the listing after a write, so a read sees what this process wrote", async () => {
    const db = new FakeSession().respond(/^DESC CONNECTION/, [conn("c1")]).respond(/^SHOW CONNECTIONS/, []);
    const h = connectionHandlers(db.factory());
    for (const n of ["c1", "c1", "c1"]) await h.read(n, state(n));
    await h.create({ name: "c9", storageType: "fs", fingerprint: "v2:x" });
    const r = await h.read("c1", state("c1"));
    expect(r.id).toBe("c1");
    expect(db.statements.at(-1)).toBe("DESC CONNECTION c1");
  });

  it("falls back to DESC STAGE where SHOW STAGES lacks the location (servers before 1.2.870)", async () => {
    const old = { name: "s1", stage_type: "External", number_of_files: "0", comment: "" };
    const row = {
      name: "s1",
      stage_type: "External",
      url: "fs:///tmp/s1/",
      file_format_options: "{}",
      comment: "",
    };
    const db = new FakeSession().respond(/^SHOW STAGES/, [old]).respond(/^DESC STAGE/, [row]);
    const h = stageHandlers(db.factory());
    for (let i = 0; i < 4; i++)
      expect((await h.read("s1", { name: "s1", url: "fs:///tmp/s1/" })).id).toBe("s1");
    expect(db.statements.filter((s) => s.startsWith("DESC"))).toHaveLength(4);
  });
});
