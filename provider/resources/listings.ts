import type { SqlRow, SqlSession } from "../client/sqlSession";

/**
 * Refresh reads every resource (twice, with `pulumi refresh --yes`). Instead of one DESC per resource,
 * once a provider process has read a few objects of a kind, it lists them all with one SHOW and serves
 * the remaining reads from that listing: a refresh costs O(1) statements per kind, not O(N). A small
 * stack still pays one DESC per resource (a listing of a whole tenant is not worth it for two objects).
 * Any write through the provider drops the listings, so a read never sees an older state than a write
 * of the same process.
 */

/** Reads of one kind a process makes one by one before it lists them all. */
export const READS_BEFORE_LISTING = 2;

/** What a listing needs to know about a kind. */
export interface ListingSpec {
  /** `connection` or `stage`. */
  readonly kind: string;
  /** `SHOW CONNECTIONS` or `SHOW STAGES`. */
  readonly sql: string;
  /** Whether a listed row carries what a read needs (older servers' SHOW STAGES does not). */
  readonly usable: (row: SqlRow) => boolean;
}

const reads = new Map<string, number>();
const listings = new Map<string, Promise<Map<string, SqlRow> | undefined>>();

/**
 * The row of `name` from a listing of its kind: `undefined` when the kind is not listed (yet), `null`
 * when the listing says the object does not exist.
 */
export async function listedRow(
  s: SqlSession,
  spec: ListingSpec,
  name: string,
): Promise<SqlRow | null | undefined> {
  const n = (reads.get(spec.kind) ?? 0) + 1;
  reads.set(spec.kind, n);
  if (n <= READS_BEFORE_LISTING) return undefined;
  let listing = listings.get(spec.kind);
  if (!listing) {
    listing = s
      .query(spec.sql, { action: `list ${spec.kind}s` })
      .then((rows) =>
        rows.every((r) => spec.usable(r))
          ? new Map(rows.map((r) => [String(r.name), r] as const))
          : undefined,
      )
      .catch(() => undefined);
    listings.set(spec.kind, listing);
  }
  const map = await listing;
  if (!map) return undefined;
  return map.get(name) ?? null;
}

/** Drops every listing (after a write), and forgets the read counts. */
export function invalidateListings(): void {
  listings.clear();
  reads.clear();
}
