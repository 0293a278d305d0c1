import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { getSettings } from "../../../provider/settings";
import { TOKENS } from "../../../provider/schema/packageSchema";
import { ProviderServer } from "../../../plugin/providerServer";
import { SECRET_SIG, SIG_KEY, secretValue } from "../../../plugin/propertyValues";

// The plugin's gRPC service in process, through a real gRPC client: configuration, schema, check
// and invoke (none of which touches Databend).
let server: ProviderServer;
let client: ResourceProviderClient;

type Unary = (req: unknown, cb: (err: grpc.ServiceError | null, res: unknown) => void) => unknown;
/** Calls the unary method `name` (the client's methods are overloaded, which defeats inference). */
function call<Res>(name: string, req: unknown): Promise<Res> {
  const fn = (client as unknown as Record<string, Unary>)[name] as Unary;
  return new Promise((resolve, reject) =>
    fn.call(client, req, (err, res) => (err ? reject(err) : resolve(res as Res))),
  );
}
const struct = (o: Record<string, unknown>) => Struct.fromJavaScript(o as Record<string, JavaScriptValue>);

beforeAll(async () => {
  server = new ProviderServer({ version: "9.9.9" });
  const port = await server.listen();
  client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
});
afterAll(async () => {
  client.close();
  await server.close();
});

describe("the plugin's gRPC service", () => {
  it("reports its version and serves the generated schema", async () => {
    expect((await call<PluginInfo>("getPluginInfo", new Empty())).getVersion()).toBe("9.9.9");
    const schema = JSON.parse(
      (await call<pb.GetSchemaResponse>("getSchema", new pb.GetSchemaRequest())).getSchema(),
    );
    expect(schema).toMatchObject({ name: "databend", version: "9.9.9" });
  });

  it("Configure reads databend:dsn (secret-aware args) and the timeouts, and accepts secrets and resources", async () => {
    const req = new pb.ConfigureRequest().setArgs(struct({ dsn: secretValue("databend://u:p@h:1/db") }));
    const res = await call<pb.ConfigureResponse>("configure", req);
    expect(getSettings().dsn).toBe("databend://u:p@h:1/db");
    const timeouts = new pb.ConfigureRequest().setArgs(
      struct({ dsn: secretValue("databend://u:p@h:1/db"), connectTimeout: "7", queryTimeout: 90 }),
    );
    await call<pb.ConfigureResponse>("configure", timeouts);
    expect(getSettings()).toMatchObject({ connectTimeoutSeconds: 7, queryTimeoutSeconds: 90 });
    expect([res.getAcceptsecrets(), res.getAcceptresources()]).toEqual([true, true]);
  });

  it("CheckConfig names unknown settings; DiffConfig reports a DSN change as an update", async () => {
    const bad = await call<pb.CheckResponse>(
      "checkConfig",
      new pb.CheckRequest().setNews(struct({ dsn: "x", bogus: "y", queryTimeout: "soon" })),
    );
    expect(bad.getFailuresList().map((f) => f.getProperty())).toEqual(["bogus", "queryTimeout"]);
    const diff = (a: string, b: string) =>
      call<pb.DiffResponse>(
        "diffConfig",
        new pb.DiffRequest()
          .setOldInputs(struct({ dsn: secretValue(a) }))
          .setNews(struct({ dsn: secretValue(b) })),
      );
    const changed = await diff("databend://a@h:1/db", "databend://b@h:1/db");
    expect(changed.getChanges()).toBe(pb.DiffResponse.DiffChanges.DIFF_SOME);
    expect(changed.getDiffsList()).toEqual(["dsn"]);
    expect(changed.getReplacesList()).toEqual([]);
    expect((await diff("databend://a@h:1/db", "databend://a@h:1/db")).getChanges()).toBe(
      pb.DiffResponse.DiffChanges.DIFF_NONE,
    );
  });

  it("Check returns the handlers' failures and keeps secret inputs secret", async () => {
    const urn = `urn:pulumi:dev::p::${TOKENS.connection}::toronto`;
    const res = await call<pb.CheckResponse>(
      "check",
      new pb.CheckRequest()
        .setUrn(urn)
        .setType(TOKENS.connection)
        .setOlds(struct({}))
        .setNews(struct({ storageType: "s3", accessKeyId: "AKIA1", secretAccessKey: "plain-in-yaml" })),
    );
    expect(res.getFailuresList()).toEqual([]);
    const inputs = res.getInputs()?.toJavaScript() as Record<string, unknown>;
    expect(inputs.name).toBe("toronto");
    expect(inputs.secretAccessKey).toEqual({ [SIG_KEY]: SECRET_SIG, value: "plain-in-yaml" });
    expect(typeof inputs.fingerprint).toBe("string");
    const bad = await call<pb.CheckResponse>(
      "check",
      new pb.CheckRequest()
        .setUrn(urn)
        .setType(TOKENS.connection)
        .setNews(struct({ storageType: "s3", accountKey: "k" })),
    );
    // Failures on unknown keys name the key in the reason, so the engine never prints the value.
    expect(bad.getFailuresList().map((f) => f.getReason())).toEqual([
      expect.stringMatching(/^accountKey is not a parameter/),
    ]);
  });

  it("Invoke serves the policy documents; the trust policy is secret; bad arguments are failures", async () => {
    const trust = await call<pb.InvokeResponse>(
      "invoke",
      new pb.InvokeRequest().setTok(TOKENS.getTrustPolicy).setArgs(
        struct({
          databendPrincipalArn: "arn:aws:iam::123456789012:role/x",
          externalId: secretValue("ext-id-1234"),
        }),
      ),
    );
    const ret = trust.getReturn()?.toJavaScript() as Record<string, { value: string }>;
    expect(ret.json?.value).toContain("ext-id-1234");
    const access = await call<pb.InvokeResponse>(
      "invoke",
      new pb.InvokeRequest()
        .setTok(TOKENS.getBucketAccessPolicy)
        .setArgs(struct({ bucket: "my-bucket", prefix: "raw", access: "read" })),
    );
    expect(JSON.parse((access.getReturn()?.toJavaScript() as { json: string }).json).Statement).toHaveLength(
      2,
    );
    const bad = await call<pb.InvokeResponse>(
      "invoke",
      new pb.InvokeRequest()
        .setTok(TOKENS.getBucketAccessPolicy)
        .setArgs(struct({ bucket: "Bad_Bucket", access: "read" })),
    );
    expect(bad.getFailuresList().map((f) => f.getProperty())).toEqual(["bucket"]);
  });

  it("refuses an unknown resource type", async () => {
    await expect(
      call<pb.CheckResponse>(
        "check",
        new pb.CheckRequest()
          .setUrn("urn:pulumi:d::p::databend:index:Table::t")
          .setType("databend:index:Table"),
      ),
    ).rejects.toThrow(/unknown resource type databend:index:Table/);
  });
});

describe("the plugin's ErrorResourceInitFailed (an object created whose follow-up failed)", () => {
  it("sends a google.rpc.Status with code UNKNOWN, the message and the detail carrying id and outputs", () => {
    const { Status } =
      require("@pulumi/pulumi/proto/status_pb") as typeof import("@pulumi/pulumi/proto/status_pb");
    const e = Object.assign(new Error("verify stage s: Databend cannot read"), {
      id: "s",
      properties: { name: "s", readable: false },
    });
    const g = (
      server as unknown as { initFailure(e: unknown, k: Set<string>): { metadata: grpc.Metadata } }
    ).initFailure(e, new Set());
    const [bin] = g.metadata.get("grpc-status-details-bin") as Buffer[];
    const status = Status.deserializeBinary(new Uint8Array(bin as Buffer));
    expect([status.getCode(), status.getMessage()]).toEqual([grpc.status.UNKNOWN, e.message]);
    const [any] = status.getDetailsList();
    expect(any?.getTypeName()).toBe("pulumirpc.ErrorResourceInitFailed");
    const detail = pb.ErrorResourceInitFailed.deserializeBinary(any?.getValue_asU8() as Uint8Array);
    expect([detail.getId(), detail.getProperties()?.toJavaScript()]).toEqual([
      "s",
      { name: "s", readable: false },
    ]);
  });
});
