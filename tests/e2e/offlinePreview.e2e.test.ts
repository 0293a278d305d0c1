import { expectFailed, expectOk } from "../support/assertions";
import { closeDatabend, query } from "../support/databend";
import { stackEnv } from "../support/stackEnv";
import { closedPort } from "../support/ports";
import { TestStack } from "../support/testStack";

/**
 * What `pulumi preview` does when Databend cannot be reached (README, "Preview without access to
 * Databend"): pull-request previews often run on runners without a route to the database, so a
 * preview sends a statement only where the plan depends on the server. Each case runs the real CLI
 * with the DSN pointing at a loopback port where nothing listens.
 */

const dsn = stackEnv().DATABEND_DSN as string;
const run = Math.random().toString(36).slice(2, 7);
const conn = `offline_conn_${run}`;
const stage = `offline_stage_${run}`;

const resources = (comment: string, fileFormat?: Record<string, unknown>) => [
  { kind: "Connection", name: conn, args: { storageType: "fs" } },
  { kind: "Stage", name: stage, args: { comment, ...(fileFormat ? { fileFormat } : {}) } },
];

afterAll(() => closeDatabend());

describe("pulumi preview without access to Databend", () => {
  let stack: TestStack;
  let deadDsn = "";

  beforeAll(async () => {
    stack = await new TestStack().init();
    deadDsn = dsn.replace(/:(\d+)\//, `:${await closedPort()}/`);
  });
  afterAll(async () => {
    await stack.setConfig("databend:dsn", dsn, true);
    await stack.destroy();
    await stack.cleanup();
  });

  it("plans new resources with no statement, and `up` then fails naming the endpoint", async () => {
    await stack.setConfig("databend:dsn", deadDsn, true);
    await stack.setConfig("resources", resources("v1"));
    const preview = await stack.preview();
    expectOk(preview);
    expect(preview.ops[conn]).toEqual(["create"]);
    expect(preview.ops[stage]).toEqual(["create"]);
    const up = expectFailed(await stack.up());
    expect(up).toContain(`127.0.0.1:${/:(\d+)\//.exec(deadDsn)?.[1]}`);
    expect(await query(`SHOW STAGES LIKE '${stage}'`)).toEqual([]);
  });

  it("plans changes it can decide from the state; needs the server for a format change", async () => {
    await stack.setConfig("databend:dsn", dsn, true);
    expectOk(await stack.up());
    await stack.setConfig("databend:dsn", deadDsn, true);
    // No change, and a comment change: decided from the state alone.
    expectOk(await stack.preview({ expectNoChanges: true }));
    await stack.setConfig("resources", resources("v2"));
    const comment = await stack.preview();
    expectOk(comment);
    expect(comment.ops[stage]).toEqual(["update"]);
    // A new file format: update in place or replace depends on the server's version (ALTER STAGE).
    await stack.setConfig("resources", resources("v1", { type: "CSV" }));
    expect(expectFailed(await stack.preview())).toMatch(/127\.0\.0\.1:\d+/);
    await stack.setConfig("resources", resources("v1"));
  });
});
