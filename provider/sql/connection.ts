import { STORAGE_SPECS, StorageParams, StorageType, toSqlPairs } from "../storage/storageSpecs";
import { ident, literal, options } from "./quote";

/** `CREATE [OR REPLACE] CONNECTION name STORAGE_TYPE = 'type' KEY = 'value' ...`. */
export function renderCreateConnection(
  name: string,
  storageType: StorageType,
  params: StorageParams,
  opts: { orReplace?: boolean } = {},
): string {
  const head = `CREATE ${opts.orReplace ? "OR REPLACE " : ""}CONNECTION ${ident(name)}`;
  const rest = options(toSqlPairs(storageType, params));
  return `${head} STORAGE_TYPE = ${literal(STORAGE_SPECS[storageType].scheme)}${rest ? " " + rest : ""}`;
}

/** `DESC CONNECTION name`. */
export function renderDescConnection(name: string): string {
  return `DESC CONNECTION ${ident(name)}`;
}

/** `DROP CONNECTION IF EXISTS name`: deleting what is already gone succeeds. */
export function renderDropConnection(name: string): string {
  return `DROP CONNECTION IF EXISTS ${ident(name)}`;
}

/** `SHOW CONNECTIONS`: every connection, with the same columns as DESC CONNECTION. */
export function renderShowConnections(): string {
  return "SHOW CONNECTIONS";
}
