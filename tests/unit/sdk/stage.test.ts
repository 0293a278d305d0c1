import * as pulumi from "@pulumi/pulumi";
import { staleCopyWarning } from "../../../provider/resources/stage";
import { connectionFingerprint } from "../../../provider/storage/fingerprint";
import { fingerprintOf } from "../../helpers/fingerprints";
import { Connection } from "../../../sdk/connection";
import { Stage } from "../../../sdk/stage";
import {
  RegisteredResource,
  installMocks,
  isSecretValue,
  plainValue,
  valueOf,
} from "../../helpers/pulumiMocks";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";
const SECRET = "wJalrXUtnFEMI-stage-secret";

let registered: Map<string, RegisteredResource>;

/**
 * Stages named `stale_*` report a copy of an older connection, as a stage created before a change would;
 * stages named `legacy_*` report a copy recorded by package 0.1 (a 16-hex fingerprint).
 */
beforeAll(async () => {
  registered = await installMocks((r) => {
    if (!r.type.endsWith(":Stage") || typeof r.inputs.connectionName !== "string") return {};
    const fingerprint = r.name.startsWith("stale_")
      ? "v2:000000000000000000000000"
      : r.name.startsWith("legacy_")
        ? "0000000000000000"
        : plainValue(r.inputs.connectionFingerprint);
    return {
      capturedConnection: {
        name: r.inputs.connectionName,
        storageType: r.inputs.connectionStorageType,
        fingerprint,
        capturedAt: "2026-01-20T10:00:00.000Z",
      },
    };
  });
});

/** The fingerprint of the seed keys under Databend name `name`. */
function fpOf(name: string): string {
  return connectionFingerprint("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET }, name);
}

/** Builds a stage with `make` and waits for it: its connection drift and the warnings logged meanwhile. */
async function construct(make: () => Stage): Promise<{ drift: boolean; warnings: string[] }> {
  const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(() => Promise.resolve());
  try {
    const stage = make();
    const drift = await valueOf(stage.connectionDrift);
    await valueOf(stage.urn);
    await new Promise((r) => setImmediate(r));
    return { drift, warnings: warn.mock.calls.map((c) => String(c[0])) };
  } finally {
    warn.mockRestore();
  }
}

function toronto(name = "toronto"): Connection {
  return new Connection(name, { storageType: "s3", accessKeyId: KEY_ID, secretAccessKey: SECRET });
}

async function inputsOf(name: string, urn: pulumi.Output<string>): Promise<Record<string, unknown>> {
  await valueOf(urn);
  const r = registered.get(name);
  if (!r) throw new Error(`resource ${name} was not registered`);
  return r.inputs;
}

describe("Stage", () => {
  it("registers the dynamic type pulumi-nodejs:dynamic/databend:Stage", async () => {
    const s = new Stage("raw", {});
    await inputsOf("raw", s.urn);
    expect(registered.get("raw")?.type).toBe("pulumi-nodejs:dynamic/databend:Stage");
  });

  it("maps connection to its name, storage type and fingerprint", async () => {
    const s = new Stage("my_s3_stage", { url: "s3://databend-toronto/", connection: toronto() });
    const inputs = await inputsOf("my_s3_stage", s.urn);
    expect(inputs).toMatchObject({
      name: "my_s3_stage",
      url: "s3://databend-toronto/",
      connectionName: "toronto",
      connectionStorageType: "s3",
    });
    expect(plainValue(inputs.connectionFingerprint)).toEqual(
      fingerprintOf("s3", { accessKeyId: KEY_ID, secretAccessKey: SECRET }, "toronto"),
    );
    expect(inputs).not.toHaveProperty("connection");
  });

  it("marks inline credentials as a secret", async () => {
    const s = new Stage("inline_stage", {
      url: "s3://bucket/in/",
      credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET },
    });
    const inputs = await inputsOf("inline_stage", s.urn);
    expect(isSecretValue(inputs.credentials)).toBe(true);
    expect(plainValue(inputs.credentials)).toEqual({ accessKeyId: KEY_ID, secretAccessKey: SECRET });
    expect(inputs.__provider).not.toContain(SECRET);
  });

  it("sends the file format, comment and options as given", async () => {
    const s = new Stage("formatted", {
      name: "landing",
      fileFormat: { type: "CSV", skipHeader: 1, fieldDelimiter: "|" },
      comment: "landing zone",
      forceDestroy: true,
      onConnectionChange: "recreate",
    });
    expect(await inputsOf("formatted", s.urn)).toMatchObject({
      name: "landing",
      fileFormat: { type: "CSV", skipHeader: 1, fieldDelimiter: "|" },
      comment: "landing zone",
      forceDestroy: true,
      onConnectionChange: "recreate",
    });
  });

  it("reports no connection drift for a stage without a connection", async () => {
    expect(await valueOf(new Stage("internal_nodrift", {}).connectionDrift)).toBe(false);
  });

  it("reports no connection drift while the captured copy matches the connection", async () => {
    const s = new Stage("fresh_stage", {
      url: "s3://databend-toronto/",
      connection: toronto("toronto_fresh"),
    });
    expect(await valueOf(s.connectionDrift)).toBe(false);
  });

  it("reports drift and warns, naming the way to re-capture, when the copy is older than the connection", async () => {
    const { drift, warnings } = await construct(
      () => new Stage("stale_stage", { url: "s3://databend-toronto/", connection: toronto("toronto_stale") }),
    );
    expect(drift).toBe(true);
    expect(warnings).toEqual([
      staleCopyWarning({
        stageName: "stale_stage",
        captured: {
          name: "toronto_stale",
          storageType: "s3",
          fingerprint: "v2:000000000000000000000000",
          capturedAt: "2026-01-20T10:00:00.000Z",
        },
        connectionName: "toronto_stale",
        connectionFingerprint: fpOf("toronto_stale"),
        onConnectionChange: undefined,
      }),
    ]);
    expect(warnings[0]).toContain("holds a copy of connection 'toronto_stale'");
    expect(warnings[0]).toContain("`DATABEND_RECAPTURE=stale_stage pulumi up`");
    expect(warnings[0]).toContain('onConnectionChange: "recreate"');
    expect(warnings[0]).not.toContain("--replace");
  });

  it("reports drift but does not warn when the policy is recreate (the next up re-captures)", async () => {
    const { drift, warnings } = await construct(
      () =>
        new Stage("stale_recreate", {
          url: "s3://databend-toronto/",
          connection: toronto("toronto_recreate"),
          onConnectionChange: "recreate",
        }),
    );
    expect(drift).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("neither reports drift nor warns for a copy recorded by package 0.1, whose fingerprint cannot be compared", async () => {
    const { drift, warnings } = await construct(
      () =>
        new Stage("legacy_stage", { url: "s3://databend-toronto/", connection: toronto("toronto_legacy") }),
    );
    expect(drift).toBe(false);
    expect(warnings).toEqual([]);
  });
});
