import { describeDsn, driverDsn, queryTimeoutOf } from "../../../provider/client/dsn";

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
