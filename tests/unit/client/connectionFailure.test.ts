import { connectionFailure, notDatabendStatus } from "../../../provider/client/databendClient";
import { describeDsn } from "../../../provider/client/dsn";
import { isDatabendError } from "../../../provider/errors/DatabendError";

/** Messages databend-driver 0.33.7 reports at login, captured from real runs. */
const REFUSED =
  "APIError: [request_kind=login]: reqwest::Error: error sending request, source_chain=client error (Connect) -> " +
  "tcp connect error -> Connection refused (os error 111) [v0.33.7]";
const WRONG_PASSWORD =
  "APIError: [request_kind=login]: AuthFailure: [5100]Authentication error: wrong user name or password for user " +
  "'root' [v0.33.7]";
const NOT_DATABEND =
  "APIError: [request_kind=login]: ResponseError: (501 Not Implemented)<!DOCTYPE HTML>\n<html><head>" +
  "<title>Error response</title></head><body><h1>Error response</h1><p>Error code: 501</p></body></html>\n [v0.33.7]";

const PASSWORD = "s3cret-pw";
const DSN = `databend://root:${PASSWORD}@localhost:8000/default?sslmode=disable`;
const INFO = describeDsn(DSN, "databend:dsn");

describe("connectionFailure", () => {
  it("explains a refused connection: which endpoint, from which setting, and what to check", () => {
    const e = connectionFailure(new Error(REFUSED), INFO, [PASSWORD, DSN]);
    expect(isDatabendError(e)).toBe(true);
    expect(e).toMatchObject({ code: "Transport", retryable: true });
    expect(e.message).toMatch(
      /^connect to Databend: cannot reach the Databend endpoint at localhost:8000 \(from databend:dsn\): .*Connection refused \(os error 111\)\. Check the host and port/,
    );
    expect(e.message).toContain("databend:connectTimeout");
    expect(e.message).not.toContain("[v0.33.7]");
  });

  it("explains a rejected login (5100), naming the user, the endpoint and the setting to fix", () => {
    const e = connectionFailure(new Error(WRONG_PASSWORD), INFO, [PASSWORD, DSN]);
    expect(e).toMatchObject({ code: "Auth", retryable: false, serverCode: 5100 });
    expect(e.message).toContain(
      "connect to Databend: the Databend endpoint at localhost:8000 (from databend:dsn) rejected user 'root'",
    );
    expect(e.message).toContain("wrong user name or password");
    expect(e.message).toContain("Fix the user name and password in databend:dsn.");
    expect(e.message).not.toContain("percent-encoded");
  });

  it("adds percent-encoding advice when the password holds a raw @ or :", () => {
    const dsn = "databend://root:p@ss:w0rd@localhost:8000/default";
    const e = connectionFailure(new Error(WRONG_PASSWORD), describeDsn(dsn, "DATABEND_DSN"), [
      "p@ss:w0rd",
      dsn,
    ]);
    expect(e.message).toContain("Fix the user name and password in DATABEND_DSN.");
    expect(e.message).toContain(
      "The password in the DSN must be percent-encoded: write %40 for @, %3A for :, %25 for %.",
    );
    expect(e.message).not.toContain("w0rd");
  });

  it("recognises an endpoint that answers HTTP but is not Databend", () => {
    const e = connectionFailure(new Error(NOT_DATABEND), INFO, [PASSWORD, DSN]);
    expect(e).toMatchObject({ code: "Transport", retryable: false });
    expect(e.message).toMatch(
      /^connect to Databend: not a Databend endpoint at localhost:8000 \(from databend:dsn\): it answered HTTP 501 /,
    );
    expect(e.message).toContain("8000 by default");
  });

  it("never shows the password, even when the driver echoes the DSN", () => {
    const raw = `APIError: [request_kind=login]: error sending request for url (${DSN}): Connection refused [v0.33.7]`;
    const e = connectionFailure(new Error(raw), INFO, [PASSWORD, DSN]);
    expect(e.message).not.toContain(PASSWORD);
    expect((e.cause as Error).message).not.toContain(PASSWORD);
  });

  it("explains a DSN the driver cannot parse", () => {
    const e = connectionFailure(new Error("APIError: ParseError: invalid port number [v0.33.7]"), INFO, [
      PASSWORD,
    ]);
    expect(e).toMatchObject({ code: "InvalidInput", retryable: false });
    expect(e.message).toContain("databend:dsn is not a valid DSN");
    expect(e.message).toContain("databend://user:password@host:port/database?sslmode=disable");
  });

  it("takes a thrown string as well as an Error", () => {
    expect(connectionFailure("Connection refused", INFO, []).message).toMatch(
      /cannot reach the Databend endpoint/,
    );
  });
});

describe("an HTTP server that is not Databend, whatever its status (issue 18)", () => {
  const page = "<html><body><h1>500 Internal Server Error</h1></body></html>";
  it.each([
    [
      "a 500 with an HTML page",
      `APIError: [request_kind=login]: ResponseError: (500 Internal Server Error)${page} [v0.33.7]`,
      "500 with an HTML page",
    ],
    [
      "a 200 HTML page",
      "APIError: DecodeError: fail to decode JSON response: expected value at line 1 column 1, body: <!DOCTYPE html><html><body>hello</body></html> [v0.33.7]",
      "200 with an HTML page",
    ],
    ["a 404", "APIError: [request_kind=login]: ResponseError: (404 Not Found)not found [v0.33.7]", "404 to"],
  ])("reports %s as not a Databend endpoint, not as unreachable", (_what, raw, status) => {
    const e = connectionFailure(new Error(raw), INFO, []);
    expect(e.message).toContain("not a Databend endpoint at localhost:8000 (from databend:dsn)");
    expect(e.message).toContain(`it answered HTTP ${status}`);
    expect(e.message).not.toContain("cannot reach");
    expect(e.retryable).toBe(false);
  });

  it.each([
    [
      "a 502 from a gateway",
      "APIError: [request_kind=login]: ResponseError: (502 Bad Gateway)<html>Bad gateway</html> [v0.33.7]",
    ],
    [
      "a 500 with JSON",
      'APIError: [request_kind=login]: ResponseError: (500 Internal Server Error){"error":"boom"} [v0.33.7]',
    ],
    ["a Databend error with a code", "APIError: QueryFailed: [1005]syntax error <html> [v0.33.7]"],
  ])("keeps %s a failure to reach (or Databend's own)", (_what, raw) => {
    expect(notDatabendStatus(raw)).toBeUndefined();
  });
});
