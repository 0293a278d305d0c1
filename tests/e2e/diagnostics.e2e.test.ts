import * as http from "http";
import type { AddressInfo } from "net";
import { expectFailed, expectOk } from "../support/assertions";
import { resetStatements, statements } from "../support/bridge";
import { stackEnv } from "../support/stackEnv";
import { closedPort, htmlServer } from "../support/ports";
import { TestStack } from "../support/testStack";

/**
 * What a new user trips over, made to fail early and clearly (issue 8, section 2): a missing or wrong
 * DSN, an endpoint that is not Databend, Pulumi-style names, reserved words, mistyped keys.
 */

const env = stackEnv();
const dsn = env.DATABEND_DSN as string;
const port = Number(/:(\d+)\//.exec(dsn)?.[1]);
const run = Math.random().toString(36).slice(2, 7);

const fsConnection = (name: string, extra: Record<string, unknown> = {}) => ({
  kind: "Connection",
  name,
  args: { storageType: "fs", ...extra },
});

describe("the DSN", () => {
  it("fails `pulumi preview` when no DSN is configured, with the message `up` gives", async () => {
    const stack = await new TestStack({ dsnVia: "none" }).init();
    try {
      await stack.setConfig("resources", [fsConnection(`nodsn_${run}`)]);
      const out = expectFailed(await stack.preview());
      expect(out).toContain("no Databend DSN: run `pulumi config set --secret databend:dsn");
      expect(out).toContain("DATABEND_DSN");
    } finally {
      await stack.cleanup();
    }
  });

  describe("that points at the wrong place", () => {
    let stack: TestStack;
    let other: http.Server;
    beforeAll(async () => {
      stack = await new TestStack().init();
      await stack.setConfig("resources", [fsConnection(`baddsn_${run}`)]);
      other = http.createServer((_req, res) => {
        res.writeHead(404, { "content-type": "text/html" });
        res.end("<html><body>Not Found</body></html>");
      });
      await new Promise<void>((r) => other.listen(0, "127.0.0.1", r));
    });
    afterAll(async () => {
      await new Promise<void>((r) => other.close(() => r()));
      await stack.setConfig("databend:dsn", dsn, true);
      await stack.cleanup();
    });

    it("names the host:port and the setting when nothing answers, within seconds and without driver logs", async () => {
      const p = await closedPort();
      await stack.setConfig(
        "databend:dsn",
        `databend://root:pw-${run}@127.0.0.1:${p}/default?sslmode=disable`,
        true,
      );
      const started = Date.now();
      const out = expectFailed(await stack.up());
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(out).toContain(`cannot reach the Databend endpoint at 127.0.0.1:${p} (from databend:dsn)`);
      expect(out).not.toMatch(/WARN databend_client|retrying after/);
      expect(out).not.toContain(`pw-${run}`);
    });

    it("says which setting to fix when the password is wrong", async () => {
      await stack.setConfig(
        "databend:dsn",
        `databend://root:wrong-${run}@127.0.0.1:${port}/default?sslmode=disable`,
        true,
      );
      const out = expectFailed(await stack.up());
      expect(out).toMatch(/rejected user 'root'.*Fix the user name and password in databend:dsn/s);
      expect(out).not.toContain(`wrong-${run}`);
    });

    it("says the password must be percent-encoded when it holds a raw @", async () => {
      await stack.setConfig(
        "databend:dsn",
        `databend://root:p@ss-${run}@127.0.0.1:${port}/default?sslmode=disable`,
        true,
      );
      const out = expectFailed(await stack.up());
      expect(out).toContain("must be percent-encoded: write %40 for @");
      expect(out).not.toContain(`ss-${run}`);
    });

    it("reports an HTTP server that is not Databend as such", async () => {
      const p = (other.address() as AddressInfo).port;
      await stack.setConfig("databend:dsn", `databend://root:@127.0.0.1:${p}/default?sslmode=disable`, true);
      const out = expectFailed(await stack.up());
      expect(out).toContain(`not a Databend endpoint at 127.0.0.1:${p} (from databend:dsn)`);
    });

    it("reports an HTTP server answering 500 with an HTML page as not Databend, not as unreachable", async () => {
      const page = await htmlServer(500);
      try {
        const p = (page.address() as AddressInfo).port;
        await stack.setConfig(
          "databend:dsn",
          `databend://root:@127.0.0.1:${p}/default?sslmode=disable`,
          true,
        );
        const out = expectFailed(await stack.up());
        expect(out).toContain(
          `not a Databend endpoint at 127.0.0.1:${p} (from databend:dsn): it answered HTTP 500 with an HTML page`,
        );
        expect(out).not.toContain("cannot reach");
      } finally {
        await new Promise<void>((r) => page.close(() => r()));
      }
    });
  });
});

describe("inputs refused at preview, before any statement", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await new TestStack().init();
  });
  afterAll(() => stack?.cleanup());

  async function previewFails(resources: unknown[]): Promise<string> {
    await stack.setConfig("resources", resources);
    await resetStatements();
    const out = expectFailed(await stack.preview());
    expect((await statements()).count).toBe(0);
    return out;
  }

  it("explains that a Pulumi-style resource name is the default Databend name, and suggests one", async () => {
    const out = await previewFails([fsConnection("toronto-conn")]);
    expect(out).toContain("The Databend name defaults to the resource name when `name` is not given");
    expect(out).toContain('name: "toronto_conn"');
  });

  it.each(["select", "stage", "connection", "from"])(
    "refuses the reserved word %s as a name",
    async (word) => {
      const out = await previewFails([fsConnection(`kw_${run}`, { name: word })]);
      expect(out).toContain("not a word Databend reserves");
      // The suggestion is a valid name, never the same word.
      expect(out).toContain(`name: "${word}_connection"`);
      expect(out).not.toContain(`name: "${word}"`);
    },
  );

  it("never prints the value of a mistyped secret key", async () => {
    const value = `s3cr3t-${run}-value`;
    const out = await previewFails([
      {
        kind: "Connection",
        name: `typo_${run}`,
        args: { storageType: "s3", accessKeyId: "AKIA1", secretAccesKey: value },
      },
    ]);
    expect(out).toContain("secretAccesKey is not a parameter of storage type 's3'");
    expect(out).not.toContain(value);
  });

  it("never prints {<nil>} or the value for a bad secret inside inline credentials", async () => {
    const value = ` padded-${run} `;
    const out = await previewFails([
      {
        kind: "Stage",
        name: `cred_${run}`,
        args: { url: "s3://b/p/", credentials: { accessKeyId: "AKIA1", secretAccessKey: value } },
      },
    ]);
    expect(out).toContain("credentials.secretAccessKey must not start or end with whitespace");
    expect(out).not.toContain("<nil>");
    expect(out).not.toContain(value.trim());
  });

  it("says which URL a connection's storage type needs, in plain words", async () => {
    const out = await previewFails([
      fsConnection(`scheme_${run}`),
      {
        kind: "Stage",
        name: `scheme_stage_${run}`,
        args: { url: "s3://b/p/", connection: { $ref: `scheme_${run}` } },
      },
    ]);
    expect(out).toContain("use a URL that starts with fs://");
  });

  it("refuses a URL that Databend would normalise (a line break, an empty path segment)", async () => {
    for (const url of ["s3://b/p/\n", "s3://b//p/"]) {
      const out = await previewFails([
        { kind: "Stage", name: `url_${run}`, args: { url, credentials: { region: "x" } } },
      ]);
      expect(out).toMatch(/every refresh would report drift/);
    }
  });

  it("joins Databend's message and the provider's hint as two sentences", async () => {
    await stack.setConfig("resources", [fsConnection(`dup_${run}`)]);
    expectOk(await stack.up());
    const other = await new TestStack().init();
    try {
      await other.setConfig("resources", [fsConnection(`dup_${run}`)]);
      const out = expectFailed(await other.up());
      expect(out).toMatch(
        /already exists: Exist when add\. Connection '.*' already exists with exactly these settings/,
      );
      expect(out).toMatch(/If another stack or person manages it, choose another name/);
      expect(out).not.toMatch(/\.\. |add\. a /);
    } finally {
      await other.cleanup().catch(() => undefined);
    }
  });
});
