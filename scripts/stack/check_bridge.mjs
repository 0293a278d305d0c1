#!/usr/bin/env node
// Smoke test for scripts/stack/databend_bridge.py through the official Node client.
//
// Usage: DATABEND_DSN='databend://root:@127.0.0.1:PORT/default?sslmode=disable' node scripts/stack/check_bridge.mjs
//
// Uses databend-driver (new Client(dsn), getConn(), exec, queryRow, queryAll) against the bridge:
// SELECT 1, CREATE/DESC/SHOW CONNECTION (fs, azblob with endpoint, s3 with fake keys), engine errors
// with their codes, a 25000-row query (paging), CREATE/SHOW/DESC STAGE, and the bridge's
// /_bridge/statements endpoint (secrets masked). Object names carry a random suffix so the script can
// run repeatedly against one bridge. Prints one line per check; exits 1 on any mismatch.

import { Client } from "databend-driver";

const dsn = process.env.DATABEND_DSN;
if (!dsn) {
  console.error(
    "check_bridge: set DATABEND_DSN, e.g. databend://root:@127.0.0.1:8000/default?sslmode=disable",
  );
  process.exit(2);
}

let failures = 0;
function check(name, ok, detail = "") {
  if (ok) {
    console.log(`ok   ${name}${detail ? ` (${detail})` : ""}`);
  } else {
    failures += 1;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ""}`);
  }
}

/** Run `fn`, expecting the driver to reject with `[code]` in the message. */
async function expectCode(name, codes, fn, messagePart) {
  try {
    await fn();
    check(name, false, `expected error ${codes.join("|")}, statement succeeded`);
  } catch (err) {
    const message = String(err && err.message ? err.message : err);
    const m = message.match(/\[(\d+)\]/);
    const code = m ? Number(m[1]) : NaN;
    const okCode = codes.includes(code);
    const okText = messagePart === undefined || message.includes(messagePart);
    check(name, okCode && okText, `${okCode && okText ? "" : "got "}${message.split("\n")[0]}`);
  }
}

function bridgeBaseUrl() {
  const u = new URL(dsn.replace(/^databend(\+https?)?:/, "http:"));
  return `http://${u.hostname}:${u.port || 80}`;
}

const suffix = Math.random().toString(36).slice(2, 8);
const names = {
  fs: `cb_fs_${suffix}`,
  az: `cb_az_${suffix}`,
  s3: `cb_s3_${suffix}`,
  stage: `cb_stage_${suffix}`,
};
const fakeKeyId = "AKIACHECKBRIDGEKEYID";
const fakeSecret = "checkBridgeSecretValue0123456789abcdefXYZ";

let conn;
try {
  conn = await new Client(dsn).getConn();
} catch (err) {
  console.log(`FAIL connect/login: ${err && err.message ? err.message : err}`);
  process.exit(1);
}

try {
  // --- basics ---------------------------------------------------------------------------------
  const one = await conn.queryRow("SELECT 1");
  check("SELECT 1", one !== null && Number(one.values()[0]) === 1, JSON.stringify(one && one.values()));

  const version = await conn.version();
  check("version()", /Databend Query v\d+\.\d+\.\d+/.test(version), version);

  // --- connections ----------------------------------------------------------------------------
  await conn.exec(`CREATE CONNECTION ${names.fs} STORAGE_TYPE='fs'`);
  check("CREATE CONNECTION fs", true);
  await conn.exec(
    `CREATE CONNECTION ${names.az} STORAGE_TYPE='azblob' ENDPOINT_URL='http://s3.amazonaws.com' ACCOUNT_NAME='acct' ACCOUNT_KEY='azureAccountKey0123'`,
  );
  check("CREATE CONNECTION azblob", true);
  await conn.exec(
    `CREATE CONNECTION ${names.s3} STORAGE_TYPE='s3' ACCESS_KEY_ID='${fakeKeyId}' SECRET_ACCESS_KEY='${fakeSecret}' ENDPOINT_URL='http://127.0.0.1:9' REGION='us-east-1'`,
  );
  check("CREATE CONNECTION s3", true);

  const desc = await conn.queryAll(`DESC CONNECTION ${names.s3}`);
  const d = desc.length === 1 ? desc[0].data() : {};
  check(
    "DESC CONNECTION columns",
    desc.length === 1 && JSON.stringify(Object.keys(d).sort()) === '["name","storage_params","storage_type"]',
    JSON.stringify(d),
  );
  check("DESC CONNECTION storage_type", d.storage_type === "s3", d.storage_type);
  check(
    "DESC CONNECTION masks secrets",
    typeof d.storage_params === "string" &&
      d.storage_params.includes("secret_access_key=") &&
      !d.storage_params.includes(fakeSecret) &&
      !d.storage_params.includes(fakeKeyId),
    d.storage_params,
  );
  const shown = await conn.queryAll("SHOW CONNECTIONS");
  const shownNames = shown.map((r) => r.data().name);
  check(
    "SHOW CONNECTIONS",
    [names.fs, names.az, names.s3].every((n) => shownNames.includes(n)),
    `${shown.length} rows`,
  );

  // --- engine errors keep Databend's codes ----------------------------------------------------
  await expectCode(
    "duplicate CREATE CONNECTION -> 2512",
    [2512],
    () => conn.exec(`CREATE CONNECTION ${names.fs} STORAGE_TYPE='fs'`),
    "already exists",
  );
  await expectCode(
    "DESC missing CONNECTION -> 2510",
    [2510],
    () => conn.queryAll(`DESC CONNECTION cb_missing_${suffix}`),
    "does not exist",
  );
  await expectCode(
    "unknown key in CREATE CONNECTION -> 4000",
    [4000],
    () => conn.exec(`CREATE CONNECTION cb_bad_${suffix} STORAGE_TYPE='s3' FOO='bar'`),
    "connection params invalid",
  );
  await expectCode("syntax error -> 1005", [1005], () => conn.exec("SELEC 1"));

  // --- stages ---------------------------------------------------------------------------------
  await conn.exec(
    `CREATE STAGE ${names.stage} URL='s3://cb-bucket/data/' CONNECTION=(CONNECTION_NAME='${names.s3}') COMMENT='from check_bridge'`,
  );
  check("CREATE STAGE with CONNECTION_NAME", true);
  await expectCode(
    "duplicate CREATE STAGE -> 2502",
    [2502],
    () =>
      conn.exec(
        `CREATE STAGE ${names.stage} URL='s3://cb-bucket/data/' CONNECTION=(CONNECTION_NAME='${names.s3}')`,
      ),
    "already exists",
  );
  // Databend HEAD wraps this as 1006 BadArguments; v1.2.895 (the PyPI engine) reports 4000 StorageOther.
  await expectCode(
    "CREATE STAGE with missing CONNECTION_NAME -> 1006|4000",
    [1006, 4000],
    () =>
      conn.exec(
        `CREATE STAGE cb_stage2_${suffix} URL='s3://cb-bucket/data/' CONNECTION=(CONNECTION_NAME='cb_missing_${suffix}')`,
      ),
    "fail to get connection_name",
  );

  const stages = await conn.queryAll("SHOW STAGES");
  check(
    "SHOW STAGES lists the stage",
    stages.some((r) => r.data().name === names.stage),
    `${stages.length} rows`,
  );

  const dstage = await conn.queryAll(`DESC STAGE ${names.stage}`);
  const s = dstage.length === 1 ? dstage[0].data() : {};
  const expectedCols = [
    "name",
    "stage_type",
    "storage_type",
    "url",
    "endpoint",
    "has_credentials",
    "has_encryption_key",
    "storage_params",
    "file_format_options",
    "creator",
    "created_on",
    "comment",
    "owner",
  ];
  check(
    "DESC STAGE has the 13 columns",
    dstage.length === 1 && expectedCols.every((c) => c in s) && Object.keys(s).length === 13,
    Object.keys(s).join(","),
  );
  check("DESC STAGE stage_type/storage_type", s.stage_type === "External" && s.storage_type === "s3");
  check("DESC STAGE url", s.url === "s3://cb-bucket/data/", s.url);
  check("DESC STAGE endpoint", s.endpoint === "http://127.0.0.1:9", s.endpoint);
  check(
    "DESC STAGE has_credentials is a boolean true",
    s.has_credentials === true,
    String(s.has_credentials),
  );
  check("DESC STAGE created_on is a Date", s.created_on instanceof Date, String(s.created_on));
  const params = typeof s.storage_params === "string" ? JSON.parse(s.storage_params) : s.storage_params;
  check(
    "DESC STAGE storage_params (Variant) masks secrets, keeps region",
    params && params.region === "us-east-1" && params.secret_access_key !== fakeSecret,
    JSON.stringify(params),
  );
  check("CREATE STAGE ... COMMENT is discarded by the engine", s.comment === "", JSON.stringify(s.comment));

  const missing = await conn.queryAll(`DESC STAGE cb_missing_${suffix}`);
  check("DESC STAGE of a missing stage returns no rows", missing.length === 0, `${missing.length} rows`);

  // --- paging ---------------------------------------------------------------------------------
  const t0 = Date.now();
  const many = await conn.queryAll("SELECT number FROM numbers(25000)");
  const last = many.length ? many[many.length - 1].values()[0] : undefined;
  check(
    "25000-row result over pages",
    many.length === 25000 && Number(last) === 24999,
    `${many.length} rows, last=${last}, ${Date.now() - t0} ms`,
  );

  // --- DDL latency ----------------------------------------------------------------------------
  const n = 20;
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < n; i += 1) {
    await conn.exec(`CREATE OR REPLACE CONNECTION ${names.fs} STORAGE_TYPE='fs'`);
  }
  const perDdl = Number(process.hrtime.bigint() - t1) / 1e6 / n;
  check("DDL latency", perDdl < 1000, `${perDdl.toFixed(1)} ms per CREATE OR REPLACE CONNECTION`);

  // --- bridge test-support endpoint -----------------------------------------------------------
  const res = await fetch(`${bridgeBaseUrl()}/_bridge/statements`);
  const body = await res.json();
  const text = JSON.stringify(body.statements);
  check(
    "/_bridge/statements counts and masks",
    res.ok && body.count === body.statements.length && body.count > 10 && text.includes("'***'"),
    `count=${body.count}`,
  );
  check(
    "/_bridge/statements never shows a secret",
    !text.includes(fakeSecret) && !text.includes(fakeKeyId) && !text.includes("azureAccountKey0123"),
  );

  // --- cleanup --------------------------------------------------------------------------------
  await conn.exec(`DROP STAGE IF EXISTS ${names.stage}`);
  for (const c of [names.fs, names.az, names.s3]) await conn.exec(`DROP CONNECTION IF EXISTS ${c}`);
  check("cleanup", true);
} catch (err) {
  failures += 1;
  console.log(`FAIL unexpected error: ${err && err.stack ? err.stack : err}`);
} finally {
  await conn.close();
}

console.log(failures === 0 ? "check_bridge: all checks passed" : `check_bridge: ${failures} check(s) failed`);
process.exit(failures === 0 ? 0 : 1);
