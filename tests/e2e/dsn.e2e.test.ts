import * as http from "http";
import type { AddressInfo } from "net";
import { expectFailed } from "../support/assertions";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

/**
 * A DSN can never send the credentials to a host the user did not name (issue 21, F3). An unencoded
 * `#`, `?` or `/` in the password makes databend-driver end the host part inside the password:
 * `databend://root:pw@127.0.0.1:A#tail@127.0.0.1:B/default` connects to A. Such a DSN is refused at
 * preview (and at `up`) with the percent-encoding that fixes it, and two loopback listeners prove that
 * no connection reaches either port; the encoded form reaches the named host only. Both hosts.
 */

const env = stackEnv();
const run = Math.random().toString(36).slice(2, 7);
const password = `pw-${run}`;

/** A loopback HTTP listener that counts connections and records the Basic credentials it was sent. */
interface Listener {
  server: http.Server;
  port: number;
  connections: number;
  users: string[];
}

async function listener(): Promise<Listener> {
  const l: Listener = { server: http.createServer(), port: 0, connections: 0, users: [] };
  l.server.on("connection", () => (l.connections += 1));
  l.server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (auth) l.users.push(Buffer.from(auth, "base64").toString("utf8"));
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not here");
  });
  await new Promise<void>((r) => l.server.listen(0, "127.0.0.1", r));
  l.port = (l.server.address() as AddressInfo).port;
  return l;
}

describe("a DSN whose password holds a raw '#'", () => {
  let a: Listener;
  let b: Listener;
  let ts: TestStack;
  let yaml: TestStack;
  const program = new YamlProgram("yaml-dsn");

  beforeAll(async () => {
    [a, b] = await Promise.all([listener(), listener()]);
    program.write([
      { name: "c", type: "databend:Connection", properties: { name: `dsn_y_${run}`, storageType: "fs" } },
    ]);
    [ts, yaml] = await Promise.all([new TestStack().init(), new TestStack({ program: program.dir }).init()]);
    await ts.setConfig("resources", [
      { kind: "Connection", name: "c", args: { name: `dsn_t_${run}`, storageType: "fs" } },
    ]);
  });
  afterAll(async () => {
    await Promise.all([ts, yaml].map((s) => s?.setConfig("databend:dsn", env.DATABEND_DSN as string, true)));
    await Promise.all([ts?.cleanup(), yaml?.cleanup()]);
    program.remove();
    await Promise.all([a, b].map((l) => new Promise<void>((r) => (l ? l.server.close(() => r()) : r()))));
  });

  const both = async (dsn: string, op: "preview" | "up"): Promise<string[]> => {
    await Promise.all([ts, yaml].map((s) => s.setConfig("databend:dsn", dsn, true)));
    const results = await Promise.all([ts, yaml].map((s) => (op === "up" ? s.up() : s.preview())));
    return results.map((r) => expectFailed(r));
  };

  it.each<[string, (a: number, b: number) => string, RegExp]>([
    [
      "a host:port after the '#'",
      (pa, pb) => `databend://root:${password}@127.0.0.1:${pa}#tail@127.0.0.1:${pb}/default`,
      /Encode '#' as %23/,
    ],
    [
      "a DNS name before the '#'",
      (_pa, pb) => `databend://root:x@${password}#z@127.0.0.1:${pb}/default`,
      /Encode '#' as %23, '@' as %40/,
    ],
  ])(
    "%s: preview and up fail with the encoding fix, and no listener sees a connection",
    async (_t, make, fix) => {
      const dsn = make(a.port, b.port);
      for (const op of ["preview", "up"] as const) {
        for (const out of await both(dsn, op)) {
          expect(out).toMatch(fix);
          expect(out).toContain(`instead of 127.0.0.1:${b.port}`);
          expect(out).not.toContain(password);
          expect(out).not.toContain("tail@");
        }
      }
      expect(a.connections).toBe(0);
      expect(b.connections).toBe(0);
    },
  );

  it("the percent-encoded form reaches the named host only, with the password as written", async () => {
    const written = `pw@127.0.0.1:${a.port}#tail-${run}`;
    const encoded = encodeURIComponent(written);
    expect(encoded).toContain("%23");
    const outs = await both(`databend://root:${encoded}@127.0.0.1:${b.port}/default?sslmode=disable`, "up");
    for (const out of outs) {
      // The endpoint is named, though parts of it may be masked: this password holds host text.
      expect(out).toContain("not a Databend endpoint at ");
      expect(out).not.toContain(`tail-${run}`);
    }
    expect(a.connections).toBe(0);
    expect(b.connections).toBeGreaterThan(0);
    expect(new Set(b.users)).toEqual(new Set([`root:${written}`]));
  });
});
