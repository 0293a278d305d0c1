import { UNKNOWN } from "../../../provider/validation/unknowns";
import { TOKENS, packageSchema } from "../../../provider/schema/packageSchema";
import { ConnectionRegistry } from "../../../plugin/connectionRegistry";
import { SIG_KEY, RESOURCE_REF_SIG, unwrapProps } from "../../../plugin/propertyValues";
import { hostInputs, resourceTypes, urnName } from "../../../plugin/resourceTypes";

const urn = (type: string, name: string) => `urn:pulumi:dev::lake::${type}::${name}`;
const connUrn = urn(TOKENS.connection, "toronto");
const stageUrn = urn(TOKENS.stage, "my_s3_stage");
const ref = (u: string, id?: string) =>
  unwrapProps({ connection: { [SIG_KEY]: RESOURCE_REF_SIG, urn: u, ...(id ? { id } : {}) } }).props
    .connection;

describe("resource types", () => {
  it("serve the three tokens with the schema's secret properties", () => {
    const types = resourceTypes(packageSchema("0.0.0"));
    expect(types.get(TOKENS.connection)?.secretKeys.has("secretAccessKey")).toBe(true);
    expect(types.get(TOKENS.stage)?.secretKeys).toEqual(new Set(["credentials"]));
    expect(types.get(TOKENS.stageAccessRole)?.secretKeys).toEqual(new Set(["externalId"]));
    expect(urnName(stageUrn)).toBe("my_s3_stage");
  });
});

describe("inputs the TypeScript classes would fill in", () => {
  it("a Connection's name defaults to the resource name", () => {
    const r = new ConnectionRegistry();
    expect(hostInputs("connection", connUrn, {}, { storageType: "fs" }, r)).toEqual({
      storageType: "fs",
      name: "toronto",
    });
    expect(hostInputs("connection", connUrn, {}, { storageType: "fs", name: "x" }, r).name).toBe("x");
  });

  it("a Stage's connection reference becomes the connection facts checked earlier in this process", () => {
    const r = new ConnectionRegistry();
    r.remember(connUrn, { name: "toronto", storageType: "s3", fingerprint: "fp1" });
    const inputs = hostInputs(
      "stage",
      stageUrn,
      {},
      { url: "s3://b/", connection: ref(connUrn, "toronto") },
      r,
    );
    expect(inputs).toEqual({
      name: "my_s3_stage",
      url: "s3://b/",
      connectionName: "toronto",
      connectionStorageType: "s3",
      connectionFingerprint: "fp1",
    });
  });

  it("a Stage's connectionName finds the connection by name", () => {
    const r = new ConnectionRegistry();
    r.remember(connUrn, { name: "toronto", storageType: "s3", fingerprint: "fp2" });
    expect(hostInputs("stage", stageUrn, {}, { url: "s3://b/", connectionName: "toronto" }, r)).toMatchObject(
      {
        connectionName: "toronto",
        connectionFingerprint: "fp2",
      },
    );
  });

  it("a connection this process has not seen keeps the facts stored with the stage (no change shown)", () => {
    const olds = { connectionName: "ext", connectionStorageType: "s3", connectionFingerprint: "old" };
    expect(
      hostInputs(
        "stage",
        stageUrn,
        olds,
        { url: "s3://b/", connectionName: "ext" },
        new ConnectionRegistry(),
      ),
    ).toMatchObject(olds);
    const viaRef = hostInputs(
      "stage",
      stageUrn,
      olds,
      { url: "s3://b/", connection: ref("urn:other", "ext") },
      new ConnectionRegistry(),
    );
    expect(viaRef).toMatchObject(olds);
  });

  it("an unknown connection ID (preview of a new connection) is not taken as its name", () => {
    const inputs = hostInputs(
      "stage",
      stageUrn,
      {},
      { connection: ref("urn:new", UNKNOWN) },
      new ConnectionRegistry(),
    );
    expect(inputs.connectionName).toBeUndefined();
  });

  it("an internal stage has no connection facts", () => {
    expect(hostInputs("stage", stageUrn, {}, {}, new ConnectionRegistry())).toEqual({ name: "my_s3_stage" });
  });

  it("a StageAccessRole gets the SDK's default role name and an empty external ID to generate", () => {
    const inputs = hostInputs(
      "stageAccessRole",
      urn(TOKENS.stageAccessRole, "raw access"),
      {},
      { bucket: "b" },
      new ConnectionRegistry(),
    );
    expect(inputs).toMatchObject({ roleName: "raw-access", externalId: "" });
  });
});
