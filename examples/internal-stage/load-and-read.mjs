// Loads a CSV file into the internal stage `is_landing` and reads it back, with databend-driver.
// Usage (after `pulumi up`, with DATABEND_DSN set): node load-and-read.mjs [STAGE]
//   1. COPY INTO @is_landing/cities/ writes a CSV file (with a header line) into the stage
//   2. LIST @is_landing shows it
//   3. SELECT ... FROM @is_landing/cities/ reads it back with the stage's own file format
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Client } = require("databend-driver");
const stage = process.argv[2] ?? "is_landing";
const conn = await new Client(process.env.DATABEND_DSN).getConn();
try {
  await conn.exec(
    `COPY INTO @${stage}/cities/ FROM (SELECT * FROM (VALUES ('toronto', 2794356), ('montreal', 1762949)) AS t(city, population)) ` +
      `FILE_FORMAT = (TYPE = CSV OUTPUT_HEADER = TRUE)`,
  );
  const files = (await conn.queryAll(`LIST @${stage}`)).map((r) => r.data());
  console.log(`LIST @${stage}: ${files.map((f) => `${f.name} (${f.size} bytes)`).join(", ")}`);
  const rows = (
    await conn.queryAll(`SELECT $1 AS city, $2 AS population FROM @${stage}/cities/ ORDER BY city`)
  ).map((r) => r.data());
  for (const r of rows) console.log(`read back: ${r.city} ${r.population}`);
  if (rows.length !== 2) throw new Error(`expected 2 rows back, got ${rows.length}`);
} finally {
  await conn.close();
}
