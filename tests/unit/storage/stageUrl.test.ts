import { StageUrl, isUrlProblem, parseStageUrl } from "../../../provider/storage/stageUrl";

const SCHEMES = "s3, azblob, gcs, oss, cos, obs, hf, webhdfs, fs";

describe("parseStageUrl", () => {
  it.each<[string, StageUrl]>([
    ["s3://databend-toronto/", { scheme: "s3", storageType: "s3", bucket: "databend-toronto", path: "/" }],
    ["s3://databend-toronto", { scheme: "s3", storageType: "s3", bucket: "databend-toronto", path: "/" }],
    ["s3://bucket/a/b/", { scheme: "s3", storageType: "s3", bucket: "bucket", path: "/a/b/" }],
    ["S3://Bucket/Data/", { scheme: "s3", storageType: "s3", bucket: "Bucket", path: "/Data/" }],
    ["azblob://container/p/", { scheme: "azblob", storageType: "azblob", bucket: "container", path: "/p/" }],
    ["gcs://b/", { scheme: "gcs", storageType: "gcs", bucket: "b", path: "/" }],
    ["oss://b/x/", { scheme: "oss", storageType: "oss", bucket: "b", path: "/x/" }],
    ["cos://b/x/", { scheme: "cos", storageType: "cos", bucket: "b", path: "/x/" }],
    ["obs://b/x/", { scheme: "obs", storageType: "obs", bucket: "b", path: "/x/" }],
    [
      "hf://opendal/huggingface-testdata/",
      { scheme: "hf", storageType: "hf", bucket: "opendal", path: "/huggingface-testdata/" },
    ],
    [
      "webhdfs://namenode:9870/data/",
      { scheme: "webhdfs", storageType: "webhdfs", bucket: "namenode:9870", path: "/data/" },
    ],
    [
      "fs:///var/lib/databend/stage/",
      { scheme: "fs", storageType: "fs", bucket: "", path: "/var/lib/databend/stage/" },
    ],
  ])("parses %s", (url, expected) => {
    expect(parseStageUrl(url)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["s3://wubx/tb101", "path must end with '/' (Databend requires it for stages): s3://wubx/tb101/"],
    ["s4://bucket/", `has unknown scheme 's4'; allowed: ${SCHEMES}`],
    ["https://example.com/data/", `has unknown scheme 'https'; allowed: ${SCHEMES}`],
    ["s3:///path/", "must name a bucket (or container) after the scheme"],
    ["s3://", "must name a bucket (or container) after the scheme"],
    ["bucket/path/", `must look like <scheme>://<bucket>/<path>/ with scheme one of ${SCHEMES}`],
    ["/var/data/", `must look like <scheme>://<bucket>/<path>/ with scheme one of ${SCHEMES}`],
    [
      "s3://bucket/path/?versionId=1",
      `must look like <scheme>://<bucket>/<path>/ with scheme one of ${SCHEMES}`,
    ],
    ["s3://bucket/path/#frag", `must look like <scheme>://<bucket>/<path>/ with scheme one of ${SCHEMES}`],
    ["", `must look like <scheme>://<bucket>/<path>/ with scheme one of ${SCHEMES}`],
  ])("rejects %j saying what is allowed", (url, reason) => {
    expect(parseStageUrl(url)).toEqual({ reason });
  });

  const WHITESPACE =
    "must not contain spaces, line breaks or control characters (Databend strips them, and every refresh would report drift)";
  it.each([
    ["a space in the path", "s3://bucket/my data/"],
    ["a trailing newline", "s3://bucket/data/\n"],
    ["a leading space", " s3://bucket/data/"],
    ["a tab in the bucket", "s3://buck\tet/"],
    ["a NUL", "s3://bucket/\u0000/"],
    ["a DEL", "s3://bucket/\u007f/"],
  ])("rejects a URL with %s", (_what, url) => {
    expect(parseStageUrl(url)).toEqual({ reason: WHITESPACE });
  });

  const EMPTY_SEGMENT =
    "must not contain an empty path segment ('//'): Databend collapses it, and every refresh would report drift";
  it.each(["s3://bucket//", "s3://bucket/a//b/", "s3://bucket/a/b//"])(
    "rejects %j, whose path has '//'",
    (url) => {
      expect(parseStageUrl(url)).toEqual({ reason: EMPTY_SEGMENT });
    },
  );

  it("still parses fs:/// URLs, whose '//' precedes the path", () => {
    expect(isUrlProblem(parseStageUrl("fs:///var/data/"))).toBe(false);
  });
});

describe("isUrlProblem", () => {
  it("tells a problem from a parsed URL", () => {
    expect(isUrlProblem(parseStageUrl("s4://b/"))).toBe(true);
    expect(isUrlProblem(parseStageUrl("s3://b/"))).toBe(false);
  });
});
