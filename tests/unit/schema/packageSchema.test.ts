import * as fs from "fs";
import * as path from "path";
import { FILE_FORMATS, FILE_FORMAT_TYPES } from "../../../provider/storage/fileFormats";
import {
  ALL_PARAMS,
  SECRET_PARAMS,
  STORAGE_SPECS,
  STORAGE_TYPES,
} from "../../../provider/storage/storageSpecs";
import {
  STAGE_ACCESS_ROLE_INPUTS,
  STAGE_ACCESS_ROLE_INPUT_SCHEMA,
} from "../../../provider/validation/stageAccessRoleSchema";
import { PUBLIC_STAGE_INPUTS, STAGE_INPUT_SCHEMA } from "../../../provider/validation/stageSchema";
import { TOKENS, connectionArgsDecl, packageSchema } from "../../../provider/schema/packageSchema";
import { readSdkDocs } from "../../support/sdkDocs";
import { ROOT } from "../../support/stackEnv";

// The plugin's schema is generated from the tables the provider validates with; these tests fail
// when the two disagree, or when the SDK's TSDoc changed and sdkDocs.json was not regenerated.
const schema = packageSchema("1.2.3");
const connection = schema.resources[TOKENS.connection]!;
const stage = schema.resources[TOKENS.stage]!;
const role = schema.resources[TOKENS.stageAccessRole]!;
const DOCS_FILE = path.join(ROOT, "provider", "schema", "sdkDocs.json");

describe("sdkDocs.json (descriptions taken from the SDK's TSDoc)", () => {
  it("matches the TSDoc in sdk/ (regenerate: UPDATE_SCHEMA_DOCS=1 npx jest tests/unit/schema)", () => {
    const fresh = Object.fromEntries(
      Object.entries(readSdkDocs()).filter(([, d]) => d.description || Object.keys(d.properties).length),
    );
    if (process.env.UPDATE_SCHEMA_DOCS === "1")
      fs.writeFileSync(DOCS_FILE, `${JSON.stringify(fresh, null, 2)}\n`);
    expect(JSON.parse(fs.readFileSync(DOCS_FILE, "utf8"))).toEqual(fresh);
  });

  it("documents every input of every resource", () => {
    for (const r of [connection, stage, role]) {
      for (const [key, p] of Object.entries(r.inputProperties)) {
        expect([key, (p.description ?? "").length > 0]).toEqual([key, true]);
      }
    }
  });
});

describe("Connection in the schema", () => {
  it("has every storage parameter of every type, and nothing else besides name, storageType and adopt", () => {
    expect(Object.keys(connection.inputProperties).sort()).toEqual(
      [...ALL_PARAMS, "name", "storageType", "adopt"].sort(),
    );
  });

  it("marks exactly the secret parameters secret", () => {
    const secret = Object.entries(connection.inputProperties)
      .filter(([, p]) => p.secret)
      .map(([k]) => k);
    expect(secret.sort()).toEqual([...SECRET_PARAMS].sort());
    const secretOutputs = Object.entries(connection.properties)
      .filter(([, p]) => p.secret)
      .map(([k]) => k);
    expect(secretOutputs.sort()).toEqual([...SECRET_PARAMS].sort());
  });

  it("types each parameter as its storage specs do, the same in every storage type", () => {
    for (const t of STORAGE_TYPES) {
      for (const [key, p] of Object.entries(STORAGE_SPECS[t].params)) {
        expect([t, key, connection.inputProperties[key]?.type]).toEqual([t, key, p.type]);
        expect([t, key, SECRET_PARAMS.has(key)]).toEqual([t, key, p.secret]);
      }
    }
  });

  it("describes each parameter with the TSDoc of the storage type's SDK arguments", () => {
    const docs = readSdkDocs();
    for (const t of STORAGE_TYPES) {
      expect(docs[connectionArgsDecl(t)]).toBeDefined();
      for (const key of Object.keys(STORAGE_SPECS[t].params)) {
        expect(connection.inputProperties[key]?.description).toContain(
          docs[connectionArgsDecl(t)]?.properties[key],
        );
      }
    }
  });

  it("declares in the SDK exactly the parameters the storage specs have", () => {
    const docs = readSdkDocs();
    for (const t of STORAGE_TYPES) {
      const declared = Object.keys(docs[connectionArgsDecl(t)]?.properties ?? {}).filter(
        (k) => k !== "storageType",
      );
      expect([t, declared.sort()]).toEqual([t, Object.keys(STORAGE_SPECS[t].params).sort()]);
    }
  });
});

describe("Stage in the schema", () => {
  it("takes the SDK's inputs plus connectionName, each in the validation schema", () => {
    expect(Object.keys(stage.inputProperties).sort()).toEqual(
      [...PUBLIC_STAGE_INPUTS, "connectionName"].sort(),
    );
    const validated = Object.keys(STAGE_INPUT_SCHEMA.properties);
    for (const key of Object.keys(stage.inputProperties)) {
      if (key !== "connection") expect(validated).toContain(key);
    }
    expect(stage.inputProperties.connection?.$ref).toBe(`#/resources/${TOKENS.connection}`);
  });

  it("matches the SDK's StageArgs", () => {
    expect(Object.keys(readSdkDocs().StageArgs?.properties ?? {}).sort()).toEqual(
      [...PUBLIC_STAGE_INPUTS].sort(),
    );
  });

  it("has no connectionDrift output (the TypeScript class computes it in the program)", () => {
    expect(stage.properties.connectionDrift).toBeUndefined();
    expect(Object.keys(readSdkDocs().Stage?.properties ?? {})).toContain("connectionDrift");
  });

  it("keeps credentials secret and lists every file-format option", () => {
    expect(stage.inputProperties.credentials?.secret).toBe(true);
    expect(stage.properties.credentials).toBeUndefined();
    expect(stage.properties.credentialsFingerprint?.type).toBe("string");
    const text = stage.inputProperties.fileFormat?.description ?? "";
    for (const t of FILE_FORMAT_TYPES) {
      expect(text).toContain(`type: ${t}`);
      for (const o of Object.keys(FILE_FORMATS[t])) expect(text).toContain(`\`${o}\``);
    }
  });
});

describe("aws:StageAccessRole in the schema", () => {
  it("takes the SDK's inputs, each typed from the validation schema", () => {
    const keys = Object.keys(role.inputProperties).sort();
    expect(keys).toEqual([...STAGE_ACCESS_ROLE_INPUTS].sort());
    for (const key of keys) expect(Object.keys(STAGE_ACCESS_ROLE_INPUT_SCHEMA.properties)).toContain(key);
    expect(Object.keys(readSdkDocs().StageAccessRoleArgs?.properties ?? {}).sort()).toEqual(keys);
  });

  it("keeps the external ID secret and returns the trust policy only as a fingerprint", () => {
    expect(role.inputProperties.externalId?.secret).toBe(true);
    expect(role.properties.externalId?.secret).toBe(true);
    expect(role.properties.trustPolicy).toBeUndefined();
    expect(role.properties.trustPolicyFingerprint?.type).toBe("string");
    expect(role.properties.tags).toEqual(
      expect.objectContaining({ additionalProperties: { type: "string" } }),
    );
    expect(role.properties.maxSessionDuration?.type).toBe("integer");
  });
});

describe("the package", () => {
  it("is named databend, at the given version, with a secret dsn setting and the two policy functions", () => {
    expect(schema).toMatchObject({ name: "databend", version: "1.2.3" });
    expect(schema.config.variables.dsn).toMatchObject({ type: "string", secret: true });
    expect(schema.config.variables.connectTimeout).toMatchObject({ type: "integer" });
    expect(schema.config.variables.queryTimeout).toMatchObject({ type: "integer" });
    expect(Object.keys(schema.functions).sort()).toEqual(
      [TOKENS.getBucketAccessPolicy, TOKENS.getTrustPolicy, TOKENS.getCopyAudit].sort(),
    );
    expect(schema.functions[TOKENS.getTrustPolicy]?.inputs.properties.externalId?.secret).toBe(true);
  });

  it("refers only to types and resources it defines", () => {
    const refs = JSON.stringify(schema).match(/"#\/(types|resources)\/[^"]+"/g) ?? [];
    for (const ref of refs) {
      const [, kind, token] = /"#\/(types|resources)\/([^"]+)"/.exec(ref) as RegExpExecArray;
      expect(Object.keys(kind === "types" ? schema.types : schema.resources)).toContain(token);
    }
  });
});
