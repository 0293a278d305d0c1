import {
  describeDsn,
  driverDsn,
  dsnReadingProblem,
  queryTimeoutOf,
  readDsn,
} from "../../../provider/client/dsn";

describe("describeDsn", () => {
  it("reads the endpoint, the user and the source, and masks the password", () => {
    expect(
      describeDsn("databend://root:s3cret@localhost:8000/default?sslmode=disable", "databend:dsn"),
    ).toEqual({
      endpoint: "localhost:8000",
      user: "root",
      source: "databend:dsn",
      masked: "databend://root:***@localhost:8000/default?sslmode=disable",
      rawSpecialInPassword: false,
    });
  });

  it.each<[string, string, boolean]>([
    ["a raw @", "databend://root:p@ss@db.example.com:8000/default", true],
    ["a raw :", "databend://root:p:ss@db.example.com:8000/default", true],
    ["a percent-encoded @ and :", "databend://root:p%40s%3As@db.example.com:8000/default", false],
    ["plain characters", "databend://root:pass-word_1@db.example.com:8000/default", false],
  ])("tells a password with %s apart", (_what, dsn, raw) => {
    const info = describeDsn(dsn, "DATABEND_DSN");
    expect(info.rawSpecialInPassword).toBe(raw);
    expect(info.endpoint).toBe("db.example.com:8000");
    expect(info.user).toBe("root");
    expect(info.masked).not.toMatch(/p@ss|p:ss|p%40s|pass-word/);
  });

  it("decodes a percent-encoded user name", () => {
    expect(describeDsn("databend://us%40er:pw@h:8000/", "databend:dsn").user).toBe("us@er");
  });

  it("reads a DSN without user info or without a host", () => {
    expect(describeDsn("databend://h:8000/default", "databend:dsn")).toMatchObject({
      endpoint: "h:8000",
      user: "",
    });
    expect(describeDsn("databend:///default", "databend:dsn").endpoint).toBe("(no host)");
  });

  it("ignores an @ in the query string", () => {
    expect(describeDsn("databend://root:pw@h:8000/db?tenant=a@b", "databend:dsn")).toMatchObject({
      endpoint: "h:8000",
      user: "root",
      rawSpecialInPassword: false,
    });
  });
});

describe("driverDsn", () => {
  const timeouts = { connect: 5, query: 60 };

  it("adds the provider's timeouts and switches the driver's own retries off", () => {
    expect(driverDsn("databend://root:pw@h:8000/default?sslmode=disable", timeouts)).toBe(
      "databend://root:pw@h:8000/default?sslmode=disable&connect_timeout=5&page_request_timeout_secs=60&retry_count=0",
    );
  });

  it("keeps timeouts the user set, but always sets retry_count=0", () => {
    expect(
      driverDsn(
        "databend://root:pw@h:8000/?connect_timeout=30&page_request_timeout_secs=120&retry_count=3",
        timeouts,
      ),
    ).toBe("databend://root:pw@h:8000/?connect_timeout=30&page_request_timeout_secs=120&retry_count=0");
  });

  it("adds a query string when the DSN has none, and rounds fractional seconds up", () => {
    expect(driverDsn("databend://root:pw@h:8000/default", { connect: 2.5, query: 0.2 })).toBe(
      "databend://root:pw@h:8000/default?connect_timeout=3&page_request_timeout_secs=1&retry_count=0",
    );
  });

  it("drops a fragment, which a driver would not read", () => {
    expect(driverDsn("databend://root:pw@h:8000/default#x", timeouts)).toBe(
      "databend://root:pw@h:8000/default?connect_timeout=5&page_request_timeout_secs=60&retry_count=0",
    );
  });

  it("leaves the user info, including a percent-encoded password, as written", () => {
    expect(driverDsn("databend://root:p%40ss@h:8000/", timeouts)).toMatch(
      /^databend:\/\/root:p%40ss@h:8000\/\?/,
    );
  });
});

describe("queryTimeoutOf", () => {
  it.each<[string, number]>([
    ["databend://h:8000/?page_request_timeout_secs=30", 30],
    ["databend://h:8000/?sslmode=disable", 60],
    ["databend://h:8000/", 60],
    ["databend://h:8000/?page_request_timeout_secs=abc", 60],
    ["databend://h:8000/?page_request_timeout_secs=0", 60],
  ])("reads %s as %d seconds", (dsn, seconds) => {
    expect(queryTimeoutOf(dsn)).toBe(seconds);
  });

  it("reads back what driverDsn wrote", () => {
    expect(queryTimeoutOf(driverDsn("databend://h:8000/", { connect: 5, query: 42 }))).toBe(42);
  });
});

/**
 * The driver's own reading (issue 21, F3). databend-driver parses the DSN with the Rust `url` crate
 * (WHATWG rules for a non-special scheme); Node's URL parser follows the same standard, so it serves
 * here as the oracle for where the host part ends. tests/e2e/dsn.e2e.test.ts proves the same on the
 * real driver with loopback listeners.
 */
describe("readDsn", () => {
  it.each<[string, { userinfo?: string; hostport: string; path: string; query?: string; fragment?: string }]>(
    [
      [
        "databend://root:pw@127.0.0.1:34299#tail@127.0.0.1:45369/default",
        {
          userinfo: "root:pw",
          hostport: "127.0.0.1:34299",
          path: "",
          fragment: "tail@127.0.0.1:45369/default",
        },
      ],
      [
        "databend://root:x@pw#z@127.0.0.1:45369/default",
        { userinfo: "root:x", hostport: "pw", path: "", fragment: "z@127.0.0.1:45369/default" },
      ],
      ["databend://root:p/w@h:8000/db", { userinfo: undefined, hostport: "root:p", path: "/w@h:8000/db" }],
      ["databend://root:p?w@h:8000/db", { hostport: "root:p", path: "", query: "w@h:8000/db" }],
      [
        "databend://root:p@ss@h:8000/db?tenant=a@b",
        { userinfo: "root:p@ss", hostport: "h:8000", path: "/db", query: "tenant=a@b" },
      ],
      [
        "databend://root:p%23w@h:8000/db?sslmode=disable",
        { userinfo: "root:p%23w", hostport: "h:8000", path: "/db", query: "sslmode=disable" },
      ],
      ["databend://h:8000?tenant=a@b", { hostport: "h:8000", path: "", query: "tenant=a@b" }],
      ["databend://[::1]:8000/db", { hostport: "[::1]:8000", path: "/db" }],
      ["  databend://root:p\tw@h:8000/db\n", { userinfo: "root:pw", hostport: "h:8000", path: "/db" }],
    ],
  )("splits %s as the driver does", (dsn, expected) => {
    const parts = readDsn(dsn);
    expect({ ...parts, scheme: undefined }).toEqual({ scheme: undefined, ...expected });
    // The same host, port and user as the URL standard's reading, whenever the DSN parses at all.
    let url: URL | undefined;
    try {
      url = new URL(dsn);
    } catch {
      url = undefined;
    }
    if (url) {
      expect(url.host).toBe(parts.hostport.replace(/:0*(\d+)$/, ":$1"));
      expect(url.username).toBe((parts.userinfo ?? "").split(":")[0]);
      expect(url.search).toBe(parts.query === undefined ? "" : `?${parts.query}`);
    }
  });
});

describe("dsnReadingProblem", () => {
  const fine = [
    "databend://root:s3cret@localhost:8000/default?sslmode=disable",
    "databend://root:p@ss@db.example.com:8000/default", // the last '@' of the host part: both readings agree
    "databend://root:p%23w%3Fx%2Fy%40z@h:8000/db?sslmode=disable",
    "databend://root:pw@h:8000/db?tenant=a@b", // an '@' in an option value
    "databend://h:8000?tenant=a@b",
    "databend+http://u:pw@h:8000/",
    "databend://root:@h/",
  ];
  it.each(fine)("accepts %s", (dsn) => {
    expect(dsnReadingProblem(dsn, "databend:dsn")).toBeUndefined();
  });

  it.each<[string, RegExp, string]>([
    ["databend://root:pw@127.0.0.1:34299#tail@127.0.0.1:45369/default", /'#' as %23/, "127.0.0.1:45369"],
    ["databend://root:x@pw#z@127.0.0.1:45369/default", /'#' as %23, '@' as %40/, "127.0.0.1:45369"],
    ["databend://root:p/w@h:8000/db", /'\/' as %2F/, "h:8000"],
    ["databend://root:p?w@h:8000/db", /'\?' as %3F/, "h:8000"],
    ["databend://root:p?w@h:8000/db?sslmode=disable", /'\?' as %3F/, "h:8000"],
    ["databend://root:p?w@h:8000?tenant=a@b", /'\?' as %3F/, "h:8000"],
    ["databend://root:a#b@h:8000/db?tenant=x@y", /'#' as %23/, "h:8000"],
  ])("refuses %s, naming the encoding and the host written last", (dsn, fix, named) => {
    const problem = dsnReadingProblem(dsn, "DATABEND_DSN") ?? "";
    expect(problem).toMatch(fix);
    expect(problem).toContain(`instead of ${named}`);
    expect(problem).toContain("DATABEND_DSN");
    // Never the password, nor the host written inside it.
    expect(problem).not.toMatch(/tail|'pw|x@pw|p\/w|p\?w|a#b/);
  });

  it.each<[string, RegExp]>([
    ["databend://root:pw@h:8000/db#x", /ignores it and everything after it/],
    ["databend://root:pw@h:8000/db#?sslmode=disable", /ignores it/],
    ["databend://root:pw@h:99999/db", /not a valid URL/],
    ["databend://root:pw@h|x:8000/db", /not a valid URL/],
    ["databend:///default", /names no host/],
    ["http://root:pw@h:8000/", /not a Databend DSN/],
  ])("refuses %s", (dsn, why) => {
    expect(dsnReadingProblem(dsn, "databend:dsn")).toMatch(why);
  });
});

describe("driverDsn, with the driver's reading", () => {
  it("puts the provider's options in the query string the driver reads, never in a fragment", () => {
    const out = driverDsn("databend://root:pw@h:8000/db?sslmode=disable#frag", { connect: 5, query: 60 });
    expect(new URL(out).searchParams.get("retry_count")).toBe("0");
    expect(new URL(out).searchParams.get("connect_timeout")).toBe("5");
    expect(new URL(out).searchParams.get("sslmode")).toBe("disable");
    expect(new URL(out).hash).toBe("");
  });
});
