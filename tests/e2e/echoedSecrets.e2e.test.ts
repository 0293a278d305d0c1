import { inspect } from "util";
import { closeSessions, getSession } from "../../provider/client/databendClient";
import { isDatabendError } from "../../provider/errors/DatabendError";
import { configure } from "../../provider/settings";
import { renderCreateStage } from "../../provider/sql/stage";
import { expectFailed } from "../support/assertions";
import { statements } from "../support/bridge";
import { closeDatabend, exec, query } from "../support/databend";
import { diagnostics } from "../support/engineEvents";
import { findSecrets, tabbedSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram, checkFailures } from "../support/yamlProgram";

/**
 * A secret in an error (issue 21, F2). Databend echoes a statement it cannot parse, with a tab
 * rendered as spaces, so masking the secret as written missed it. Now (1) the stage URLs Databend's
 * URL parser refuses are refused at preview in both hosts, naming the rule, before any SQL, and the
 * secret is in no output of preview, `up` or `up --debug -v=9`; and (2) when Databend does reject a
 * statement holding a secret, its echo is masked wherever the provider reports it.
 */

const env = stackEnv();
const run = Math.random().toString(36).slice(2, 7);
const n = (base: string) => `${base}_${run}`;

afterAll(closeDatabend);

const BAD_URLS = [
  "s3://b|x/p/",
  "s3://b:abc/p/",
  "s3://b^x/p/",
  "s3://[zz/p/",
  "s3://b<x>/p/",
  "s3://b:99999999/p/",
  "s3://b@/p/",
  "s3://:1/p/",
  "s3://b\\x/p/",
];

/** Program resources as the TS spec program and a Pulumi YAML program take them. */
interface Spec {
  name: string;
  args: Record<string, unknown>;
}
const tsResources = (specs: Spec[], secretKey: string) =>
  specs.map((s) => ({
    kind: "Stage",
    name: s.name,
    args: {
      ...s.args,
      credentials: { ...(s.args.credentials as object), secretAccessKey: { $plain: secretKey } },
    },
  }));
const yamlResources = (specs: Spec[], secret: string) =>
  specs.map((s) => ({
    name: s.name,
    type: "databend:Stage",
    properties: { ...s.args, credentials: { ...(s.args.credentials as object), secretAccessKey: secret } },
  }));

describe("a stage whose secret holds a tab", () => {
  const secret = tabbedSecret("echo");
  const scanned = [secret, ...secret.split("\t")];
  const program = new YamlProgram("yaml-echoed-secrets");
  let ts: TestStack;
  let yaml: TestStack;

  /** Points both stacks at `specs`, the TS one through its secret config. */
  async function use(specs: Spec[]): Promise<void> {
    await ts.setConfig("resources", tsResources(specs, "tabbed"));
    program.write(yamlResources(specs, secret));
  }

  beforeAll(async () => {
    program.write([]);
    [ts, yaml] = await Promise.all([new TestStack().init(), new TestStack({ program: program.dir }).init()]);
    await ts.setConfig("secrets", { tabbed: secret }, true);
  });
  afterAll(async () => {
    await Promise.all([ts?.cleanup(), yaml?.cleanup()]);
    program.remove();
  });

  it.each(BAD_URLS.map((url, i) => [url, i] as const))(
    "%s is refused at preview in both hosts, naming the rule, with no SQL sent",
    async (url, i) => {
      await use([
        {
          name: "bad",
          args: {
            name: n(`echo_bad${i}`),
            url,
            credentials: { accessKeyId: "AKIAECHOEXAMPLE", endpointUrl: env.AWS_ENDPOINT_URL },
          },
        },
      ]);
      // `up`, plain and with `--debug -v=9`, too for the first URL: that is where the secret printed.
      const debug = { args: ["--debug", "-v=9", "--logtostderr"] };
      const results = await Promise.all([ts.preview(), yaml.preview()]);
      if (i === 0) {
        results.push(...(await Promise.all([ts.up(), yaml.up()])));
        results.push(...(await Promise.all([ts.up(debug), yaml.up(debug)])));
      }
      for (const r of results) {
        expectFailed(r);
        const failures = checkFailures(diagnostics(r.events, "error"));
        expect(failures).toHaveLength(1);
        expect(failures[0]).toMatch(
          /^url: .*(Databend's URL parser refuses|must name a bucket \(or host\) before ':'|must not contain '@')/,
        );
        expect(findSecrets(r.output, scanned)).toEqual([]);
      }
      // None of this stage's SQL reached the engine (other suites may share the bridge: filter by name).
      expect((await statements()).statements.filter((q) => q.includes(n(`echo_bad${i}`)))).toEqual([]);
    },
  );

  /**
   * The provider itself (the code both hosts run) on the real driver and engine: every URL above,
   * sent as the provider renders CREATE STAGE, is rejected by Databend's parser with 1005 and an echo of
   * the statement whose tab became spaces. The DatabendError the hosts print (message, statement,
   * cause, stack, inspected form) holds no form of the secret.
   */
  describe("when Databend rejects the statement and echoes it", () => {
    beforeAll(() => configure({ dsn: env.DATABEND_DSN }));
    afterAll(async () => {
      await closeSessions();
      configure({});
    });

    it.each(BAD_URLS)("%s: Databend's 1005 echo is masked in every form the hosts print", async (url) => {
      const sql = renderCreateStage(n("echo_direct"), {
        url,
        source: {
          kind: "credentials",
          storageType: "s3",
          params: {
            accessKeyId: "AKIAECHOEXAMPLE",
            secretAccessKey: secret,
            endpointUrl: env.AWS_ENDPOINT_URL,
          },
        },
      });
      // What the engine says, unmasked: the statement echoed with the tab rendered as spaces, which
      // masking the secret as written missed (e0eb219).
      let raw = "";
      await exec(sql).catch((e: unknown) => (raw = e instanceof Error ? e.message : String(e)));
      expect(raw).toMatch(/\[1005\][\s\S]*invalid uri/);
      expect(raw).not.toContain(secret);
      expect(findSecrets(raw, [secret])).toEqual([secret]);

      const session = await getSession();
      const err = await session.exec(sql, { action: "create stage echo", secrets: [secret] }).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (!isDatabendError(err)) throw new Error(`expected a DatabendError, got ${String(err)}`);
      expect(err.serverCode).toBe(1005);
      expect(err.message).toContain("Databend error 1005");
      expect(err.message).toContain("***");
      const printed = [
        err.message,
        err.statement ?? "",
        String(err.cause instanceof Error ? err.cause.message : err.cause),
        err.stack ?? "",
        inspect(err, { depth: 5 }),
        JSON.stringify({ message: err.message }),
      ].join("\n");
      expect(findSecrets(printed, scanned)).toEqual([]);
      expect(await query(`DESC STAGE ${n("echo_direct")}`)).toHaveLength(0);
    });
  });
});
