import { setNoticeSink } from "../../../provider/resources/notices";
import { stageHandlers } from "../../../provider/resources/stage";
import { FakeSession, noSession } from "../../helpers/fakeSession";

/**
 * Server-aware preview (issue 18, item 3): check() refuses what the server it will talk to would
 * refuse, naming the first version that accepts it, and reads the version only when it matters.
 */

const notices: string[] = [];
beforeAll(() => setNoticeSink((_s, m) => notices.push(m)));
afterAll(() => setNoticeSink(undefined));
beforeEach(() => (notices.length = 0));

const stage = (extra: Record<string, unknown>) => ({ name: "st", ...extra });

describe("Stage check on a known server", () => {
  it("refuses TYPE = AVRO on 1.2.453, naming 1.2.704, with no statement sent", async () => {
    const s = new FakeSession("1.2.453");
    const { failures } = await stageHandlers(s.factory()).check({}, stage({ fileFormat: { type: "AVRO" } }));
    expect(failures).toEqual([
      {
        property: "",
        reason: "fileFormat.type TYPE = AVRO needs Databend 1.2.704 or later; this server is 1.2.453",
      },
    ]);
    expect(s.statements).toEqual([]);
  });

  it("refuses an azblob stage before 1.2.923, naming the url", async () => {
    const s = new FakeSession("1.2.895");
    const { failures } = await stageHandlers(s.factory()).check(
      {},
      stage({
        url: "azblob://container/path/",
        credentials: { endpointUrl: "https://a.blob.core.windows.net", accountName: "a", accountKey: "k" },
      }),
    );
    expect(failures).toEqual([
      {
        property: "url",
        reason: "a stage on azblob:// needs Databend 1.2.923 or later; this server is 1.2.895",
      },
    ]);
  });

  it("accepts the same inputs on a server that takes them", async () => {
    const s = new FakeSession("1.2.895");
    const h = stageHandlers(s.factory());
    expect(
      (await h.check({}, stage({ fileFormat: { type: "AVRO", useLogicType: false } }))).failures,
    ).toEqual([]);
    expect(
      (await h.check({}, stage({ fileFormat: { type: "CSV", trimSpace: true, fieldDelimiter: "||" } })))
        .failures,
    ).toEqual([]);
  });

  it("reads no version for inputs every supported server takes", async () => {
    const h = stageHandlers(noSession());
    const { failures } = await h.check(
      {},
      stage({ fileFormat: { type: "TSV", skipHeader: 1, quote: "'", escape: "\\" } }),
    );
    expect(failures).toEqual([]);
  });
});

describe("Stage check when the server version cannot be read", () => {
  it("passes with a warning naming what it could not check (offline preview)", async () => {
    const { failures } = await stageHandlers(noSession()).check(
      {},
      stage({ fileFormat: { type: "CSV", trimSpace: true } }),
    );
    expect(failures).toEqual([]);
    expect(notices.join("\n")).toContain(
      "could not read the Databend server version, so these inputs were not checked against it: TRIM_SPACE (needs 1.2.895 or later)",
    );
  });
});
