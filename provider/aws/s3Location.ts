/**
 * S3 bucket names and key prefixes as they appear in IAM policies. Pure functions, no AWS SDK.
 *
 * A prefix is a folder: it is normalised to end in `/` (so `data` never matches `data-private/`),
 * a leading `/` is dropped (stage URLs are `s3://bucket/path/`), and the characters IAM would read as
 * wildcards (`*`, `?`) or as a policy variable (`$`, as in `${aws:username}`) are refused rather than
 * escaped, so no policy built from a prefix can ever reach beyond it.
 */

/** The result of {@link normalizePrefix}: the normalised prefix, or why it is refused. */
export type NormalizedPrefix =
  | {
      /** The prefix: empty, or a folder ending in `/`. */
      readonly prefix: string;
    }
  | {
      /** Why the prefix was rejected. */
      readonly reason: string;
    };

const BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/** Longest key prefix accepted (S3 keys are at most 1,024 bytes, and a key needs one more). */
export const MAX_PREFIX_BYTES = 1023;

/**
 * Why `bucket` is not a valid general-purpose S3 bucket name, or undefined when it is: 3 to 63
 * lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no `..`,
 * not an IP address, and none of the prefixes and suffixes AWS reserves.
 */
export function bucketNameProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return "must be 3 to 63 characters long";
  if (!/^[a-z0-9.-]+$/.test(bucket)) {
    return "must contain only lowercase letters, digits, dots and hyphens (a bucket name, not a URL or ARN)";
  }
  if (!/^[a-z0-9].*[a-z0-9]$/.test(bucket)) return "must start and end with a lowercase letter or digit";
  if (bucket.includes("..")) return "must not contain two adjacent dots";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return "must not be formatted as an IP address";
  const badStart = BUCKET_PREFIXES.find((p) => bucket.startsWith(p));
  if (badStart) return `must not start with '${badStart}' (reserved by AWS)`;
  const badEnd = BUCKET_SUFFIXES.find((s) => bucket.endsWith(s));
  if (badEnd) return `must not end with '${badEnd}' (reserved by AWS; directory buckets are not supported)`;
  return undefined;
}

/**
 * Normalises a key prefix: undefined, `""` and `/` mean the whole bucket (`""`); otherwise leading
 * `/`s are dropped and a trailing `/` is added. Refuses wildcards (`*`, `?`), `$`, control characters,
 * empty (`//`), `.` and `..` segments, URLs and prefixes over {@link MAX_PREFIX_BYTES} bytes.
 */
export function normalizePrefix(prefix: string | undefined): NormalizedPrefix {
  if (prefix === undefined) return { prefix: "" };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(prefix)) {
    return { reason: "must be a key prefix inside the bucket (like data/2024/), not a URL" };
  }
  if (/[*?]/.test(prefix)) {
    return {
      reason:
        "must not contain * or ?: IAM reads them as wildcards, which would grant access beyond the prefix",
    };
  }
  if (prefix.includes("$")) return { reason: "must not contain $: IAM reads ${...} as a policy variable" };
  if (hasControlCharacter(prefix)) return { reason: "must not contain control characters" };
  const trimmed = prefix.replace(/^\/+/, "");
  if (trimmed === "") return { prefix: "" };
  const folder = trimmed.endsWith("/") ? trimmed : `${trimmed}/`;
  const segments = folder.slice(0, -1).split("/");
  if (segments.some((s) => s === "")) return { reason: "must not contain empty segments (//)" };
  if (segments.some((s) => s === "." || s === "..")) return { reason: "must not contain . or .. segments" };
  if (Buffer.byteLength(folder, "utf8") > MAX_PREFIX_BYTES) {
    return { reason: `must be at most ${MAX_PREFIX_BYTES} bytes long` };
  }
  return { prefix: folder };
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** The Databend stage URL of a bucket and a normalised prefix: `s3://<bucket>/<prefix>`. */
export function stageUrlFor(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}
