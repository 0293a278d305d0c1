// Local-stack helpers for scripts/example.mjs (and so `npm run demo`), using the environment of
// .stack/env: seeding and removing buckets on the local S3, and reading Databend through
// databend-driver.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

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

function s3Client() {
  const { S3Client } = require("@aws-sdk/client-s3");
  return new S3Client({ forcePathStyle: true });
}

/**
 * Creates the buckets that do not exist yet and puts the given objects in every bucket.
 * `buckets` maps a bucket name to `{ key: body }`. Returns the names of the buckets it created.
 */
export async function seedBuckets(buckets) {
  const names = Object.keys(buckets);
  if (names.length === 0) return [];
  const { HeadBucketCommand, CreateBucketCommand, PutObjectCommand } = require("@aws-sdk/client-s3");
  const s3 = s3Client();
  const created = [];
  try {
    for (const bucket of names) {
      const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
        () => true,
        () => false,
      );
      if (!exists) {
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        created.push(bucket);
      }
      for (const [key, body] of Object.entries(buckets[bucket])) {
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      }
      console.log(`local S3: bucket ${bucket} with ${Object.keys(buckets[bucket]).join(", ")}`);
    }
  } finally {
    s3.destroy();
  }
  return created;
}

/** Empties and deletes buckets (those {@link seedBuckets} created). */
export async function removeBuckets(names) {
  if (names.length === 0) return;
  const { ListObjectsV2Command, DeleteObjectCommand, DeleteBucketCommand } = require("@aws-sdk/client-s3");
  const s3 = s3Client();
  try {
    for (const bucket of names) {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      for (const o of listed.Contents ?? [])
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: o.Key }));
      await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    }
  } finally {
    s3.destroy();
  }
}

async function withDatabend(dsn, fn) {
  const { Client } = require("databend-driver");
  const conn = await new Client(dsn).getConn();
  try {
    return await fn(conn);
  } finally {
    await conn.close();
  }
}

/** The names of every connection and stage on Databend, sorted. */
export function describeObjects(dsn) {
  return withDatabend(dsn, async (conn) => {
    const names = async (sql) => (await conn.queryAll(sql)).map((r) => String(r.data().name)).sort();
    return { connections: await names("SHOW CONNECTIONS"), stages: await names("SHOW STAGES") };
  });
}

/** Prints SHOW CONNECTIONS (when asked), DESC STAGE and LIST @stage for the given stages; returns the text. */
export function showObjects(dsn, { connections = true, stages = [] }) {
  return withDatabend(dsn, async (conn) => {
    let text = "";
    const show = async (sql) => {
      const rows = (await conn.queryAll(sql)).map((r) => r.data());
      const block = `> ${sql}\n  ${table(rows)}\n`;
      console.log(block);
      text += block;
    };
    if (connections) await show("SHOW CONNECTIONS");
    for (const s of stages) {
      await show(`DESC STAGE ${s}`);
      await show(`LIST @${s}`);
    }
    return text;
  });
}
