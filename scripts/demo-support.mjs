// Helpers for scripts/demo, using the local stack's environment (.stack/env):
//   seed-bucket NAME      create an S3 bucket on the local AWS endpoint with one small CSV file
//   show CONN STAGE [--no-list]  print SHOW CONNECTIONS, DESC STAGE and (unless --no-list) LIST @STAGE
//                         through databend-driver
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [cmd, ...args] = process.argv.slice(2);

// Columns in the order Databend documents them (the driver returns rows as unordered objects).
const ORDER = [
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
  "size",
  "md5",
  "last_modified",
];

function table(rows) {
  if (rows.length === 0) return "(no rows)";
  const rank = (c) => (ORDER.includes(c) ? ORDER.indexOf(c) : ORDER.length);
  const cols = Object.keys(rows[0]).sort((a, b) => rank(a) - rank(b));
  const cell = (v) =>
    v === null || v === undefined ? "NULL" : typeof v === "object" ? JSON.stringify(v) : String(v);
  return rows.map((r) => cols.map((c) => `${c}: ${cell(r[c])}`).join("\n  ")).join("\n---\n  ");
}

if (cmd === "seed-bucket") {
  const { S3Client, CreateBucketCommand, PutObjectCommand } = require("@aws-sdk/client-s3");
  const s3 = new S3Client({ forcePathStyle: true });
  try {
    await s3.send(new CreateBucketCommand({ Bucket: args[0] }));
  } catch (e) {
    if (e.name !== "BucketAlreadyOwnedByYou") throw e; // a second run on the same local stack
  }
  await s3.send(
    new PutObjectCommand({ Bucket: args[0], Key: "cities.csv", Body: "toronto,2794356\nmontreal,1762949\n" }),
  );
  console.log(`local S3: bucket ${args[0]} with cities.csv`);
} else if (cmd === "show") {
  const { Client } = require("databend-driver");
  const conn = await new Client(process.env.DATABEND_DSN).getConn();
  const show = async (sql) => {
    const rows = (await conn.queryAll(sql)).map((r) => r.data());
    console.log(`> ${sql}\n  ${table(rows)}\n`);
  };
  await show("SHOW CONNECTIONS");
  await show(`DESC STAGE ${args[1]}`);
  if (!args.includes("--no-list")) await show(`LIST @${args[1]}`);
  await conn.close();
} else {
  console.error("usage: demo-support.mjs seed-bucket NAME | show CONN STAGE");
  process.exit(2);
}
