// Records DESC STAGE rows from the running local stack's engine as a test fixture:
//   source .stack/env && node scripts/stack/record_stage_rows.mjs > tests/fixtures/stageRows/<version>.json
// (start the stack with `npm run stack:start -- --databend <version>` for other engine versions).
// It creates a fixed set of stages (internal and external, with a connection or inline credentials,
// several file formats), prints their rows exactly as databend-driver returns them (`Row.data()`),
// and drops them again. The credentials are fixture values; the engine masks them anyway.
import { createRequire } from "module";

const require = createRequire(import.meta.url);
const { Client } = require("databend-driver");

const CONNECTION =
  "CREATE CONNECTION fx_conn STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'AKIAFIXTURE0001' " +
  "SECRET_ACCESS_KEY = 'fixture-secret-key-0001' ENDPOINT_URL = 'http://127.0.0.1:9' REGION = 'us-east-1'";

/** name -> CREATE STAGE statement. */
const STAGES = {
  fx_int_default: "CREATE STAGE fx_int_default",
  fx_int_csv:
    "CREATE STAGE fx_int_csv FILE_FORMAT = (TYPE = CSV FIELD_DELIMITER = '|' RECORD_DELIMITER = '\\n')",
  fx_ext_conn:
    "CREATE STAGE fx_ext_conn URL = 's3://fx-bucket/data/' CONNECTION = (CONNECTION_NAME = 'fx_conn')",
  fx_ext_cred:
    "CREATE STAGE fx_ext_cred URL = 's3://fx-bucket/cred/' CONNECTION = (ACCESS_KEY_ID = 'AKIAFIXTURE0002' " +
    "SECRET_ACCESS_KEY = 'fixture-secret-key-0002' ENDPOINT_URL = 'http://127.0.0.1:9' REGION = 'us-east-1') " +
    "FILE_FORMAT = (TYPE = NDJSON)",
  fx_ext_role:
    "CREATE STAGE fx_ext_role URL = 's3://fx-bucket/role/' CONNECTION = (ROLE_ARN = " +
    "'arn:aws:iam::123456789012:role/fx-stage' EXTERNAL_ID = 'fx-external-id' REGION = 'us-east-1') " +
    "FILE_FORMAT = (TYPE = PARQUET)",
  fx_ext_tsv:
    "CREATE STAGE fx_ext_tsv URL = 's3://fx-bucket/tsv/' CONNECTION = (CONNECTION_NAME = 'fx_conn') " +
    "FILE_FORMAT = (TYPE = TSV)",
};

const conn = await new Client(process.env.DATABEND_DSN).getConn();
const version = (await conn.queryRow("SELECT version()")).values()[0];
const drop = async () => {
  for (const name of Object.keys(STAGES)) await conn.exec(`DROP STAGE IF EXISTS ${name}`);
  await conn.exec("DROP CONNECTION IF EXISTS fx_conn");
};
await drop();
await conn.exec(CONNECTION);
const rows = {};
const skipped = {};
for (const [name, sql] of Object.entries(STAGES)) {
  try {
    await conn.exec(sql);
  } catch (e) {
    skipped[name] = String(e.message ?? e).split("\n")[0];
    continue;
  }
  rows[name] = { sql, row: (await conn.queryAll(`DESC STAGE ${name}`))[0].data() };
}
await drop();
await conn.close();
// UInt64 cells (number_of_files) come as BigInt; JSON has no BigInt, so they are written as numbers.
const json = JSON.stringify(
  { version, rows, skipped },
  (_k, v) => (typeof v === "bigint" ? Number(v) : v),
  2,
);
process.stdout.write(json + "\n");
