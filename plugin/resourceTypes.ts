/**
 * The plugin's resource types: which handlers serve a type token, which properties are secret, and
 * the inputs the TypeScript classes fill in before `check` (the resource name as the default
 * Databend name, a Stage's connection facts, a StageAccessRole's default role name and external ID).
 * That glue is what the SDK's constructors do; the behaviour itself stays in the handlers.
 */
import type { Props, ResourceKind } from "../provider";
import { defaultRoleName } from "../provider/aws/roleName";
import { isUnknown } from "../provider/validation/unknowns";
import { PackageSchema, TOKENS } from "../provider/schema/packageSchema";
import { ConnectionRegistry } from "./connectionRegistry";
import { isResourceRef } from "./propertyValues";

/** A resource type served by the plugin. */
export interface ResourceType {
  /** Handler kind in `provider/`. */
  kind: ResourceKind;
  /** Properties the schema marks secret (inputs and outputs). */
  secretKeys: ReadonlySet<string>;
}

/** The resource types by token, with their secret properties from the schema. */
export function resourceTypes(schema: PackageSchema): Map<string, ResourceType> {
  const kinds: [string, ResourceKind][] = [
    [TOKENS.connection, "connection"],
    [TOKENS.stage, "stage"],
    [TOKENS.stageAccessRole, "stageAccessRole"],
    [TOKENS.fileFormat, "fileFormat"],
    [TOKENS.stageGrant, "stageGrant"],
    [TOKENS.connectionGrant, "connectionGrant"],
  ];
  const out = new Map<string, ResourceType>();
  for (const [token, kind] of kinds) {
    const r = schema.resources[token];
    if (!r) throw new Error(`schema has no resource ${token}`);
    const secretKeys = new Set<string>();
    for (const props of [r.inputProperties, r.properties]) {
      for (const [k, p] of Object.entries(props)) if (p.secret) secretKeys.add(k);
    }
    out.set(token, { kind, secretKeys });
  }
  return out;
}

/** The resource name in a URN (`urn:pulumi:stack::project::type::name`). */
export function urnName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Connection: the Databend name defaults to the resource name. */
function connectionInputs(urn: string, news: Props): Props {
  return { ...news, name: news.name ?? urnName(urn) };
}

/**
 * Stage: `connection` (a resource reference) or `connectionName` becomes the connection facts the
 * SDK passes (`connectionName`, `connectionStorageType`, `connectionFingerprint`), read from the
 * Connection checked earlier in this process. When the connection is not known here (it was not
 * part of this deployment's program), the facts stored with the stage are kept, so nothing looks
 * changed.
 */
function stageInputs(urn: string, olds: Props, news: Props, registry: ConnectionRegistry): Props {
  const out: Props = { ...news, name: news.name ?? urnName(urn) };
  const ref = news.connection;
  delete out.connection;
  if (ref === undefined || ref === null) {
    if (typeof news.connectionName !== "string") return out;
  }
  const facts = isResourceRef(ref)
    ? registry.forUrn(ref.urn)
    : typeof news.connectionName === "string"
      ? registry.forName(news.connectionName)
      : undefined;
  let name = facts?.name ?? news.connectionName;
  if (name === undefined && isResourceRef(ref)) name = ref.id && !isUnknown(ref.id) ? ref.id : undefined;
  if (ref !== undefined && !isResourceRef(ref)) {
    out.connection = ref; // not a reference: let check() name it
    return out;
  }
  out.connectionName = name;
  if (facts) {
    out.connectionStorageType = facts.storageType;
    out.connectionFingerprint = facts.fingerprint;
    if (facts.secretMasks) out.connectionSecretMasks = facts.secretMasks;
  } else if (olds.connectionName === name) {
    out.connectionStorageType = olds.connectionStorageType;
    out.connectionFingerprint = olds.connectionFingerprint;
    if (olds.connectionSecretMasks !== undefined) out.connectionSecretMasks = olds.connectionSecretMasks;
  }
  return out;
}

/** StageAccessRole: the SDK's defaults for `roleName` and `externalId`. */
function stageAccessRoleInputs(urn: string, news: Props): Props {
  return {
    ...news,
    roleName: news.roleName ?? defaultRoleName(urnName(urn)),
    externalId: news.externalId ?? "",
  };
}

/** The inputs `check` receives for `kind`, as the TypeScript class would have built them. */
export function hostInputs(
  kind: ResourceKind,
  urn: string,
  olds: Props,
  news: Props,
  registry: ConnectionRegistry,
): Props {
  switch (kind) {
    case "connection":
      return connectionInputs(urn, news);
    case "stage":
      return stageInputs(urn, olds, news, registry);
    case "stageAccessRole":
      return stageAccessRoleInputs(urn, news);
    case "fileFormat":
      return { ...news, name: news.name ?? urnName(urn) };
    case "stageGrant":
      return news;
    case "connectionGrant":
      return { privileges: ["ACCESS CONNECTION"], ...news };
  }
}
