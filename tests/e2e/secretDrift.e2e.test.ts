/**
 * Issue 17, item 1: a secret changed outside Pulumi is seen through Databend's masks. Both hosts (a
 * TypeScript program and Pulumi YAML) deploy a connection, a stage on it and a stage with inline
 * credentials, against the real engine (scripts/test also runs this suite on the older engines of the
 * version matrix) and moto, which enforces the keys. Then, by hand:
 * - `CREATE OR REPLACE CONNECTION` with another secret and everything else the same: refresh shows the
 *   connection drifted, naming `secretAccessKey` and never a value; `preview --refresh
 *   --expect-no-changes` fails; `up` writes the program's secret again;
 * - the inline stage dropped and created again with another secret: the same for the stage;
 * - the stage on the connection pointed at another connection with another secret (on servers with
 *   ALTER STAGE, 1.2.867+, `ALTER STAGE ... SET URL ... CONNECTION = (CONNECTION_NAME = ...)`; on
 *   older ones the stage dropped and created again by hand): the stage shows drift, and `up` re-copies
 *   the program's connection (LIST works again with moto enforcing the key).
 * With nothing changed, refresh and `preview --refresh` find no drift. The state holds no secret, no
 * mask of one and no unsalted digest of either.
 */
import { createHash } from "crypto";
import { writeFileSync } from "fs";
import { versionAtLeast } from "../../provider/client/serverVersion";
import { ALTER_STAGE_SINCE } from "../../provider/resources/stage";
import { renderCreateConnection } from "../../provider/sql/connection";
import { renderAlterStageUrl, renderCreateStage, renderDropStage } from "../../provider/sql/stage";
import { maskBefore1_2_919, maskLikeDatabend } from "../../provider/storage/masking";
import { expectOk } from "../support/assertions";
import { closeDatabend, exec, query } from "../support/databend";
import { seedBucket } from "../support/s3";
import { findSecrets, testSecret } from "../support/secrets";
import { stackEnv } from "../support/stackEnv";
import { TestStack } from "../support/testStack";
import { YamlProgram } from "../support/yamlProgram";

const env = stackEnv();
const endpoint = env.AWS_ENDPOINT_URL as string;
const keyId = env.AWS_ACCESS_KEY_ID as string;
const goodSecret = env.AWS_SECRET_ACCESS_KEY as string;
const engine = env.DATABEND_ENGINE_VERSION ?? "";
const alterStage = versionAtLeast(engine.replace(/-.*$/, ""), ALTER_STAGE_SINCE);
const run = Math.random().toString(36).slice(2, 7);
const n = (host: string, base: string) => `sd_${host}_${base}_${run}`;
const bucket = `secret-drift-${run}`;
/** Another secret, with other visible characters than the program's in both mask generations. */
const otherSecret = `Zq${testSecret("oob")}x9W`;
const HOSTS = ["ts", "yaml"] as const;
type Host = (typeof HOSTS)[number];

const s3 = (secretAccessKey: string) => ({
  accessKeyId: keyId,
  secretAccessKey,
  endpointUrl: endpoint,
  region: "us-east-1",
});

afterAll(closeDatabend);

/** The program of `host`: connection `conn`, stage `viaconn` on it, stage `inline` with credentials. */
function resources(host: string, secret: (key: string) => unknown) {
  return [
    {
      kind: "Connection",
      name: "conn",
      args: { name: n(host, "conn"), storageType: "s3", ...s3(""), secretAccessKey: secret("good") },
    },
    {
      kind: "Stage",
      name: "viaconn",
      args: { name: n(host, "viaconn"), url: `s3://${bucket}/data/`, connection: { $ref: "conn" } },
    },
    {
      kind: "Stage",
      name: "inline",
      args: {
        name: n(host, "inline"),
        url: `s3://${bucket}/data/`,
        credentials: { ...s3(""), secretAccessKey: secret("good") },
      },
    },
  ];
}

async function listFiles(stage: string): Promise<string[]> {
  return (await query(`LIST @${stage}`)).map((r) => String(r.name)).sort();
}

/** Hex digests (whole and the first 16 characters) that an unsalted digest of `text` would show. */
function unsaltedDigests(text: string): string[] {
  return ["sha256", "sha1", "md5", "sha512"].flatMap((alg) => {
    const hex = createHash(alg).update(text).digest("hex");
    return [hex, hex.slice(0, 16), createHash(alg).update(text).digest("base64")];
  });
}

/**
 * Deploys the program in both hosts, its resources' names tagged `<host><tag>`, with `secret`;
 * `setSecret` changes the program's secret in both.
 */
async function deployBoth(tag: string, secret: string) {
  const program = new YamlProgram(`yaml-secret-drift${tag}`);
  const writeYaml = (value: string) =>
    program.write(
      resources(`yaml${tag}`, () => ({ "fn::secret": value })).map((r) => ({
        name: r.name,
        type: `databend:${r.kind}`,
        properties: r.args,
      })),
    );
  writeYaml(secret);
  const [ts, yaml] = await Promise.all([
    new TestStack().init(),
    new TestStack({ program: program.dir }).init(),
  ]);
  await ts.setConfig("secrets", { good: secret }, true);
  await ts.setConfig(
    "resources",
    resources(`ts${tag}`, (key) => ({ $secret: key })),
  );
  const stacks: Record<Host, TestStack> = { ts, yaml };
  for (const r of await Promise.all([ts.up(), yaml.up()])) expectOk(r);
  const setSecret = async (value: string) => {
    writeYaml(value);
    await ts.setConfig("secrets", { good: value }, true);
  };
  return { program, stacks, setSecret };
}

interface StateResource {
  urn: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** The `secretAccessKey` digest each of the program's resources records, by resource name. */
async function recordedDigests(stack: TestStack): Promise<Record<string, unknown>> {
  const state = JSON.parse(await stack.exportState()) as { deployment: { resources: StateResource[] } };
  return Object.fromEntries(
    state.deployment.resources
      .filter((r) => /::(conn|viaconn|inline)$/.test(r.urn))
      .map((r) => [
        r.urn.split("::").pop(),
        (r.outputs?.secretMasks as Record<string, unknown> | undefined)?.secretAccessKey,
      ]),
  );
}

describe(`secret drift through masks, both hosts, engine ${engine}`, () => {
  let program: YamlProgram;
  let stacks = {} as Record<Host, TestStack>;
  const both = <T>(f: (host: Host, stack: TestStack) => Promise<T>) =>
    Promise.all(HOSTS.map((h) => f(h, stacks[h])));
  /** No drift in either host: refresh and `preview --refresh` with `--expect-no-changes`. */
  const noDrift = async () => {
    for (const r of await both((_h, s) => s.refresh({ expectNoChanges: true }))) expectOk(r);
    for (const r of await both((_h, s) => s.preview({ expectNoChanges: true, args: ["--refresh"] })))
      expectOk(r);
  };
  /**
   * Drift in both hosts on `kind` `base`'s secretAccessKey: `preview --refresh --expect-no-changes`
   * fails; refresh succeeds and names the parameter; then `up` repairs it.
   */
  const driftSeenThenRepaired = async (kind: "connection" | "stage", base: string) => {
    for (const r of await both((_h, s) => s.preview({ expectNoChanges: true, args: ["--refresh"] }))) {
      expect(r.ok).toBe(false);
      expect(r.output).toContain("secretAccessKey");
    }
    const notice = new RegExp(
      `${kind} 'sd_(ts|yaml)_${base}_\\w+': the secret secretAccessKey .*changed outside Pulumi`,
    );
    for (const r of await both((_h, s) => s.refresh())) {
      expectOk(r);
      expect(r.output).toMatch(notice);
      expect(r.output).toMatch(/secretAccessKey.*\(changed outside Pulumi\)/);
    }
    for (const r of await both((_h, s) => s.preview({ expectNoChanges: true }))) expect(r.ok).toBe(false);
    for (const r of await both((_h, s) => s.up())) expectOk(r);
  };

  beforeAll(async () => {
    expect(maskLikeDatabend(otherSecret)).not.toBe(maskLikeDatabend(goodSecret));
    expect(maskBefore1_2_919(otherSecret)).not.toBe(maskBefore1_2_919(goodSecret));
    await seedBucket(bucket, { "data/a.csv": "1,one\n" });
    ({ program, stacks } = await deployBoth("", goodSecret));
  });
  afterAll(async () => {
    await Promise.all(HOSTS.map((h) => stacks[h]?.cleanup()));
    await Promise.all(
      HOSTS.map((h) => exec(`DROP CONNECTION IF EXISTS ${n(h, "other")}`).catch(() => undefined)),
    );
    program?.remove();
  });

  it("records a salted digest per secret, and no secret, mask or unsalted digest in state", async () => {
    for (const digests of await both((_h, s) => recordedDigests(s))) {
      expect(Object.keys(digests).sort()).toEqual(["conn", "inline", "viaconn"]);
      for (const d of Object.values(digests))
        expect(d).toMatch(/^m1:[0-9a-f]{16}:[0-9a-f]{24}:[0-9a-f]{24}$/);
    }
    for (const state of await both((_h, s) => s.exportState())) {
      const forms = [
        goodSecret,
        maskLikeDatabend(goodSecret),
        maskBefore1_2_919(goodSecret) as string,
        ...[goodSecret, maskLikeDatabend(goodSecret), maskBefore1_2_919(goodSecret) as string].flatMap(
          unsaltedDigests,
        ),
      ];
      expect(findSecrets(state, forms)).toEqual([]);
    }
  });

  it("finds no drift when nothing changed: refresh and preview --refresh", noDrift);

  it("sees a connection's secret replaced by hand, names it, and up restores the program's", async () => {
    await both((h) => exec(renderCreateConnection(n(h, "conn"), "s3", s3(otherSecret), { orReplace: true })));
    await driftSeenThenRepaired("connection", "conn");
    for (const h of HOSTS) {
      const [row] = await query(`DESC CONNECTION ${n(h, "conn")}`);
      const shown = String(row?.storage_params);
      expect(shown).toMatch(
        new RegExp(
          `secret_access_key=(${escape(maskLikeDatabend(goodSecret))}|${escape(maskBefore1_2_919(goodSecret) as string)})`,
        ),
      );
    }
    await noDrift();
  });

  it("sees a stage's inline credentials recreated by hand with another secret; up restores them", async () => {
    for (const h of HOSTS) {
      await exec(renderDropStage(n(h, "inline")));
      await exec(
        renderCreateStage(n(h, "inline"), {
          url: `s3://${bucket}/data/`,
          source: { kind: "credentials", storageType: "s3", params: s3(otherSecret) },
        }),
      );
    }
    await driftSeenThenRepaired("stage", "inline");
    for (const h of HOSTS) expect(await listFiles(n(h, "inline"))).toEqual(["a.csv"]);
    await noDrift();
  });

  it(`sees a stage's copy changed to another connection (${alterStage ? "ALTER STAGE" : "stage recreated by hand"}); up re-copies the program's`, async () => {
    for (const h of HOSTS) {
      await exec(renderCreateConnection(n(h, "other"), "s3", s3(otherSecret)));
      const url = `s3://${bucket}/data/`;
      const source = { kind: "connection", connectionName: n(h, "other") } as const;
      if (alterStage) {
        await exec(renderAlterStageUrl(n(h, "viaconn"), url, source));
      } else {
        await exec(renderDropStage(n(h, "viaconn")));
        await exec(renderCreateStage(n(h, "viaconn"), { url, source }));
      }
      // moto enforces the key: the stage's copy now fails.
      await expect(listFiles(n(h, "viaconn"))).rejects.toThrow();
    }
    await driftSeenThenRepaired("stage", "viaconn");
    for (const h of HOSTS) expect(await listFiles(n(h, "viaconn"))).toEqual(["a.csv"]);
    await noDrift();
  });

  it("never printed a secret", async () => {
    const printed = HOSTS.map((h) => stacks[h].allOutput()).join("\n");
    expect(findSecrets(printed, [goodSecret, otherSecret])).toEqual([]);
  });
});

describe(`state written before secret digests (older versions), both hosts, engine ${engine}`, () => {
  let deployed: Awaited<ReturnType<typeof deployBoth>>;
  const newSecret = `Yr${testSecret("next")}k7P`;

  beforeAll(async () => {
    deployed = await deployBoth("old", goodSecret);
    // What an older version wrote: no secretMasks anywhere, no connectionSecretMasks input.
    for (const stack of Object.values(deployed.stacks)) {
      const state = JSON.parse(await stack.exportState()) as { deployment: { resources: StateResource[] } };
      for (const r of state.deployment.resources) {
        for (const bag of [r.inputs, r.outputs]) {
          delete bag?.secretMasks;
          delete bag?.connectionSecretMasks;
        }
      }
      const file = `${stack.dir}/state-without-digests.json`;
      writeFileSync(file, JSON.stringify(state));
      await stack.cli(["stack", "import", "--file", file]);
    }
  });
  afterAll(async () => {
    await Promise.all(Object.values(deployed?.stacks ?? {}).map((s) => s.cleanup()));
    deployed?.program.remove();
  });

  it("shows no change at refresh and preview, and gains digests on the next write", async () => {
    const { stacks } = deployed;
    for (const stack of Object.values(stacks)) {
      expect(Object.values(await recordedDigests(stack))).toEqual([undefined, undefined, undefined]);
      expectOk(await stack.refresh({ expectNoChanges: true }));
      expectOk(await stack.preview({ expectNoChanges: true }));
    }
    await deployed.setSecret(newSecret);
    for (const r of await Promise.all(Object.values(stacks).map((s) => s.up()))) expectOk(r);
    for (const stack of Object.values(stacks)) {
      const digests = await recordedDigests(stack);
      // The connection and the inline credentials were written; the stage kept its copy (no digest).
      expect(digests.conn).toMatch(/^m1:/);
      expect(digests.inline).toMatch(/^m1:/);
      expect(digests.viaconn).toBeUndefined();
      expectOk(await stack.refresh({ expectNoChanges: true }));
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
