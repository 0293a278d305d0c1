import {
  renderCreateConnection,
  renderDescConnection,
  renderDropConnection,
} from "../../../provider/sql/connection";
import type { StorageParams, StorageType } from "../../../provider/storage/storageSpecs";
import { TRICKY_STRINGS, shapeOf } from "../../helpers/sqlText";

describe("renderCreateConnection", () => {
  const cases: [string, StorageType, StorageParams, string][] = [
    [
      "s3 with access keys",
      "s3",
      { accessKeyId: "AKIAEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 's3' ACCESS_KEY_ID = 'AKIAEXAMPLE' SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG'",
    ],
    [
      "s3 with a role ARN and external ID",
      "s3",
      { roleArn: "arn:aws:iam::123456789012:role/databend-access", externalId: "ext-123" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 's3' ROLE_ARN = 'arn:aws:iam::123456789012:role/databend-access' EXTERNAL_ID = 'ext-123'",
    ],
    [
      "s3 with every parameter",
      "s3",
      {
        masterKey: "mk",
        enableVirtualHostStyle: true,
        externalId: "ext",
        roleArn: "arn:aws:iam::123456789012:role/r",
        sessionToken: "tok",
        secretAccessKey: "sk",
        accessKeyId: "ak",
        region: "us-east-2",
        endpointUrl: "http://127.0.0.1:9000",
      },
      "CREATE CONNECTION toronto STORAGE_TYPE = 's3' ENDPOINT_URL = 'http://127.0.0.1:9000' REGION = 'us-east-2' " +
        "ACCESS_KEY_ID = 'ak' SECRET_ACCESS_KEY = 'sk' SESSION_TOKEN = 'tok' ROLE_ARN = 'arn:aws:iam::123456789012:role/r' " +
        "EXTERNAL_ID = 'ext' ENABLE_VIRTUAL_HOST_STYLE = 'true' MASTER_KEY = 'mk'",
    ],
    [
      "s3 with virtual-host style off",
      "s3",
      { enableVirtualHostStyle: false },
      "CREATE CONNECTION toronto STORAGE_TYPE = 's3' ENABLE_VIRTUAL_HOST_STYLE = 'false'",
    ],
    [
      "azblob",
      "azblob",
      { endpointUrl: "https://acct.blob.core.windows.net", accountName: "acct", accountKey: "key==" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 'azblob' ENDPOINT_URL = 'https://acct.blob.core.windows.net' ACCOUNT_NAME = 'acct' ACCOUNT_KEY = 'key=='",
    ],
    [
      "gcs",
      "gcs",
      { credential: "eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0=" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 'gcs' CREDENTIAL = 'eyJ0eXBlIjoic2VydmljZV9hY2NvdW50In0='",
    ],
    [
      "oss",
      "oss",
      { endpointUrl: "https://oss-cn-hangzhou.aliyuncs.com", accessKeyId: "id", accessKeySecret: "secret" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 'oss' ENDPOINT_URL = 'https://oss-cn-hangzhou.aliyuncs.com' ACCESS_KEY_ID = 'id' ACCESS_KEY_SECRET = 'secret'",
    ],
    [
      "cos",
      "cos",
      { endpointUrl: "https://cos.ap-beijing.myqcloud.com", secretId: "sid", secretKey: "skey" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 'cos' ENDPOINT_URL = 'https://cos.ap-beijing.myqcloud.com' SECRET_ID = 'sid' SECRET_KEY = 'skey'",
    ],
    [
      "obs",
      "obs",
      { endpointUrl: "https://obs.cn-north-4.myhuaweicloud.com", accessKeyId: "id", secretAccessKey: "sk" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 'obs' ENDPOINT_URL = 'https://obs.cn-north-4.myhuaweicloud.com' ACCESS_KEY_ID = 'id' SECRET_ACCESS_KEY = 'sk'",
    ],
    [
      "hf",
      "hf",
      { repoType: "model", revision: "v1", token: "hf_tok" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 'hf' REPO_TYPE = 'model' REVISION = 'v1' TOKEN = 'hf_tok'",
    ],
    [
      "webhdfs with booleans",
      "webhdfs",
      { https: false, delegation: "dt", disableListBatch: true, userName: "hdfs" },
      "CREATE CONNECTION toronto STORAGE_TYPE = 'webhdfs' HTTPS = 'false' DELEGATION = 'dt' DISABLE_LIST_BATCH = 'true' USER_NAME = 'hdfs'",
    ],
    ["fs, which has no parameters", "fs", {}, "CREATE CONNECTION toronto STORAGE_TYPE = 'fs'"],
    ["s3 with no parameters", "s3", {}, "CREATE CONNECTION toronto STORAGE_TYPE = 's3'"],
  ];

  it.each(cases)("renders %s", (_what, type, params, expected) => {
    expect(renderCreateConnection("toronto", type, params)).toBe(expected);
  });

  it("renders CREATE OR REPLACE when asked", () => {
    expect(renderCreateConnection("toronto", "gcs", { credential: "c2VjcmV0" }, { orReplace: true })).toBe(
      "CREATE OR REPLACE CONNECTION toronto STORAGE_TYPE = 'gcs' CREDENTIAL = 'c2VjcmV0'",
    );
  });

  it("leaves out parameters that belong to another storage type", () => {
    expect(
      renderCreateConnection("toronto", "azblob", {
        endpointUrl: "https://e",
        accessKeyId: "x",
        secretKey: "y",
      }),
    ).toBe("CREATE CONNECTION toronto STORAGE_TYPE = 'azblob' ENDPOINT_URL = 'https://e'");
  });

  it("orders parameters by the storage table, not by the input object", () => {
    const a = renderCreateConnection("c", "s3", { region: "r", accessKeyId: "a", secretAccessKey: "s" });
    const b = renderCreateConnection("c", "s3", { secretAccessKey: "s", accessKeyId: "a", region: "r" });
    expect(a).toBe(b);
  });

  it("refuses a name that is not a plain identifier", () => {
    expect(() => renderCreateConnection("toronto; DROP CONNECTION x", "s3", {})).toThrow(TypeError);
  });

  it.each(TRICKY_STRINGS.map((s) => [s]))("keeps the value %j inside its literal", (value) => {
    const sql = renderCreateConnection("toronto", "s3", { accessKeyId: "AKIA", secretAccessKey: value });
    expect(shapeOf(sql)).toEqual({
      skeleton: "CREATE CONNECTION toronto STORAGE_TYPE = ? ACCESS_KEY_ID = ? SECRET_ACCESS_KEY = ?",
      literals: ["s3", "AKIA", value],
    });
  });

  it("renders an injection attempt as an escaped literal", () => {
    expect(renderCreateConnection("c", "gcs", { credential: "x'; DROP CONNECTION c; --" })).toBe(
      "CREATE CONNECTION c STORAGE_TYPE = 'gcs' CREDENTIAL = 'x\\'; DROP CONNECTION c; --'",
    );
  });
});

describe("renderDescConnection", () => {
  it("renders DESC CONNECTION with the name", () => {
    expect(renderDescConnection("toronto")).toBe("DESC CONNECTION toronto");
  });

  it("refuses a name that is not a plain identifier", () => {
    expect(() => renderDescConnection("a b")).toThrow(TypeError);
  });
});

describe("renderDropConnection", () => {
  it("renders DROP CONNECTION IF EXISTS, so deleting what is gone succeeds", () => {
    expect(renderDropConnection("toronto")).toBe("DROP CONNECTION IF EXISTS toronto");
  });

  it("refuses a name that is not a plain identifier", () => {
    expect(() => renderDropConnection("x;DROP")).toThrow(TypeError);
  });
});
