import {
  RESOURCE_REF_SIG,
  SECRET_SIG,
  SIG_KEY,
  isResourceRef,
  secretValue,
  unwrapProps,
  wrapProps,
} from "../../../plugin/propertyValues";

describe("property values on the wire", () => {
  it("unwraps secrets at any depth and remembers the top-level keys that held them", () => {
    const u = unwrapProps({
      storageType: "s3",
      secretAccessKey: { [SIG_KEY]: SECRET_SIG, value: "k" },
      credentials: { accessKeyId: "a", secretAccessKey: { [SIG_KEY]: SECRET_SIG, value: "s" } },
      list: [{ [SIG_KEY]: SECRET_SIG, value: 1 }],
    });
    expect(u.props).toEqual({
      storageType: "s3",
      secretAccessKey: "k",
      credentials: { accessKeyId: "a", secretAccessKey: "s" },
      list: [1],
    });
    expect([...u.secretKeys].sort()).toEqual(["credentials", "list", "secretAccessKey"]);
  });

  it("decodes resource references and writes them back", () => {
    const u = unwrapProps({
      connection: { [SIG_KEY]: RESOURCE_REF_SIG, urn: "urn:x", id: "toronto", packageVersion: "" },
    });
    const ref = u.props.connection;
    expect(isResourceRef(ref)).toBe(true);
    expect(ref).toMatchObject({ urn: "urn:x", id: "toronto" });
    expect(wrapProps({ connection: ref }, new Set())).toEqual({
      connection: { [SIG_KEY]: RESOURCE_REF_SIG, urn: "urn:x", id: "toronto" },
    });
    expect(isResourceRef({ urn: "urn:x" })).toBe(false);
  });

  it("wraps the given keys as secrets and drops undefined values", () => {
    expect(wrapProps({ a: "x", b: { c: undefined, d: 1 }, e: undefined }, new Set(["a"]))).toEqual({
      a: secretValue("x"),
      b: { d: 1 },
    });
  });
});
