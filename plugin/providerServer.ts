/**
 * The `pulumi-resource-databend` gRPC service: Pulumi's ResourceProvider protocol over the same
 * `provider/` handlers the dynamic shims call.
 *
 * Why a server of our own rather than `@pulumi/pulumi/provider`'s `main()`: `main()` ignores the
 * engine's `Configure` request (so `databend:dsn` would never arrive), answers CheckConfig/DiffConfig
 * with UNIMPLEMENTED (so a DSN change would go unnoticed), cannot accept resource references, and
 * loads the whole Pulumi runtime on start. The protocol is small and stable; this module implements
 * it with the generated messages of `@pulumi/pulumi/proto` and `@grpc/grpc-js`, both already
 * dependencies of `@pulumi/pulumi`, and patches nothing.
 */
import type * as grpcTypes from "@grpc/grpc-js";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import type * as PluginPb from "@pulumi/pulumi/proto/plugin_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type * as StructPb from "google-protobuf/google/protobuf/struct_pb";
import type * as ProviderModule from "../provider";
import { TOKENS, packageSchema } from "../provider/schema/packageSchema";
import { UNKNOWN, containsUnknown } from "../provider/validation/unknowns";
import { recordedSecretMasks } from "../provider/secrets/secretDrift";
import { ConnectionRegistry } from "./connectionRegistry";
import { EngineLog } from "./engineLog";
import { importNotice } from "./importNotice";
import { AsyncLocalStorage } from "async_hooks";
import type { Props } from "../provider";
import type { CapturedConnection } from "../provider/resources/stage";
import { Unwrapped, secretValue, unwrapProps, wrapProps } from "./propertyValues";
import { ResourceType, hostInputs, resourceTypes } from "./resourceTypes";
import { pulumiModule } from "./pulumiModules";

type Pb = typeof ProviderPb;
type Struct = StructPb.Struct;

/** Handler protocol spoken by this host (see `SUPPORTED_PROTOCOLS` in the provider). */
const PLUGIN_PROTOCOL = 1;

/** What the server needs to start. */
export interface ProviderServerOptions {
  /** The package version reported to the engine and written into the schema. */
  version: string;
  /** The engine's gRPC address (the plugin's first argument), for warnings. */
  engineAddress?: string;
}

/** An error carrying a gRPC status code. */
interface GrpcError extends Error {
  code: number;
  metadata?: grpcTypes.Metadata;
}

/** The databend resource provider service. */
export class ProviderServer {
  private readonly pb: Pb;
  private readonly structPb: typeof StructPb;
  private readonly grpc: typeof grpcTypes;
  private readonly schema: ReturnType<typeof packageSchema>;
  private readonly schemaJson: string;
  private readonly types: Map<string, ResourceType>;
  private readonly registry = new ConnectionRegistry();
  /**
   * Each stage's connection fingerprint as its `check` saw it: the stage's checked inputs keep the one
   * it recorded (see `keepingCapturedFingerprint`), so the stale-copy warning compares with this.
   */
  private readonly currentFingerprints = new Map<string, unknown>();
  private readonly log: EngineLog;
  private provider?: typeof ProviderModule;
  private server?: grpcTypes.Server;
  /** The stale-copy warnings this process has sent (URN and text), so each goes out once per phase. */
  private readonly warned = new Set<string>();

  /** The URN of the resource whose request is being served, so handler notices attach to it. */
  private readonly currentUrn = new AsyncLocalStorage<string>();

  constructor(private readonly opts: ProviderServerOptions) {
    this.grpc = pulumiModule<typeof grpcTypes>("@grpc/grpc-js");
    this.pb = pulumiModule<Pb>("@pulumi/pulumi/proto/provider_pb");
    this.structPb = pulumiModule<typeof StructPb>("google-protobuf/google/protobuf/struct_pb");
    this.schema = packageSchema(opts.version);
    this.schemaJson = JSON.stringify(this.schema);
    this.types = resourceTypes(this.schema);
    this.log = new EngineLog(opts.engineAddress);
  }

  /**
   * The provider module, loaded on first use (it pulls in the Databend driver and AWS SDK lazily).
   * Its notices (a kept object, a requested re-capture) go to the engine's log, attached to the
   * resource being served.
   */
  private p(): typeof ProviderModule {
    if (!this.provider) {
      const provider = require("../provider") as typeof ProviderModule;
      provider.setNoticeSink((severity, message) => {
        void this.log.send(severity, message, this.currentUrn.getStore());
      });
      this.provider = provider;
    }
    return this.provider;
  }

  /** Runs `fn` with `urn` as the resource that handler notices are about. */
  private about<T>(urn: string, fn: () => Promise<T>): Promise<T> {
    // The stack's identity, for the owner marker and DATABEND_ADOPT='*': the URN names it.
    this.p().setStackIdentity(this.p().stackIdentityFromUrn(urn));
    return this.currentUrn.run(urn, fn);
  }

  /** Closes the Databend sessions this server opened (none when the provider was never loaded). */
  async closeSessions(): Promise<void> {
    await this.provider?.closeSessions();
  }

  /** Starts serving on a free loopback port and returns the port. */
  async listen(): Promise<number> {
    const grpc = this.grpc;
    const { ResourceProviderService } = pulumiModule<typeof import("@pulumi/pulumi/proto/provider_grpc_pb")>(
      "@pulumi/pulumi/proto/provider_grpc_pb",
    );
    const server = new grpc.Server({ "grpc.max_receive_message_length": 256 * 1024 * 1024 });
    this.server = server;
    server.addService(
      ResourceProviderService,
      this.implementation() as unknown as grpcTypes.UntypedServiceImplementation,
    );
    return new Promise((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
  }

  /** Stops serving (the engine usually just ends the process). */
  close(): Promise<void> {
    const server = this.server;
    return new Promise((resolve) => (server ? server.tryShutdown(() => resolve()) : resolve()));
  }

  private unary<Req, Res>(fn: (req: Req) => Promise<Res>): grpcTypes.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      fn(call.request).then(
        (res) => callback(null, res),
        (e: unknown) => callback(this.toGrpcError(e)),
      );
    };
  }

  private unimplemented(name: string): grpcTypes.handleUnaryCall<unknown, unknown> {
    return (_call, callback) =>
      callback({
        code: this.grpc.status.UNIMPLEMENTED,
        message: `${name} is not implemented`,
        name,
        details: "",
      });
  }

  private implementation(): Record<string, grpcTypes.handleUnaryCall<never, unknown>> {
    const empty = pulumiModule<typeof EmptyPb>("google-protobuf/google/protobuf/empty_pb");
    const pluginPb = pulumiModule<typeof PluginPb>("@pulumi/pulumi/proto/plugin_pb");
    return {
      getPluginInfo: this.unary(async () => new pluginPb.PluginInfo().setVersion(this.opts.version)),
      getSchema: this.unary(async () => new this.pb.GetSchemaResponse().setSchema(this.schemaJson)),
      checkConfig: this.unary((req: ProviderPb.CheckRequest) => this.checkConfig(req)),
      diffConfig: this.unary((req: ProviderPb.DiffRequest) => this.diffConfig(req)),
      configure: this.unary((req: ProviderPb.ConfigureRequest) => this.configure(req)),
      invoke: this.unary((req: ProviderPb.InvokeRequest) => this.invoke(req)),
      check: this.unary((req: ProviderPb.CheckRequest) => this.check(req)),
      diff: this.unary((req: ProviderPb.DiffRequest) => this.diff(req)),
      create: this.unary((req: ProviderPb.CreateRequest) => this.create(req)),
      read: this.unary((req: ProviderPb.ReadRequest) => this.read(req)),
      update: this.unary((req: ProviderPb.UpdateRequest) => this.update(req)),
      delete: this.unary(async (req: ProviderPb.DeleteRequest) => {
        const t = this.typeOf(req.getType(), req.getUrn());
        const props = this.unwrap(req.getProperties()).props;
        await this.about(req.getUrn(), () => this.handlers(t).delete(req.getId(), props));
        return new empty.Empty();
      }),
      cancel: this.unary(async () => {
        await this.closeSessions();
        return new empty.Empty();
      }),
      getMapping: this.unary(async () => new this.pb.GetMappingResponse()),
      getMappings: this.unary(async () => new this.pb.GetMappingsResponse()),
      handshake: this.unimplemented("Handshake"),
      parameterize: this.unimplemented("Parameterize"),
      call: this.unimplemented("Call"),
      construct: this.unimplemented("Construct"),
      attach: this.unimplemented("Attach"),
    } as Record<string, grpcTypes.handleUnaryCall<never, unknown>>;
  }

  // --- configuration ---------------------------------------------------------------------------

  private configValues(args: Struct | undefined, variables?: Map<string, string>): Props {
    const props = this.unwrap(args).props;
    if (props.dsn === undefined && variables?.has("databend:config:dsn"))
      props.dsn = variables.get("databend:config:dsn");
    return props;
  }

  private async checkConfig(req: ProviderPb.CheckRequest): Promise<ProviderPb.CheckResponse> {
    const res = new this.pb.CheckResponse();
    const news = req.getNews();
    const settings = this.schema.config.variables;
    for (const [key, value] of Object.entries(this.unwrap(news).props)) {
      if (key === "version" || key === "pluginDownloadURL") continue; // set by the engine
      const spec = settings[key];
      if (!spec) {
        res.addFailures(
          this.failure(
            key,
            `is not a databend provider setting; allowed: ${Object.keys(settings).join(", ")}`,
          ),
        );
      } else if (value !== undefined && value !== UNKNOWN && !settingTypeOk(spec.type, value)) {
        res.addFailures(
          this.failure(key, `must be a ${spec.type === "integer" ? "whole number of seconds" : spec.type}`),
        );
      }
    }
    if (news) res.setInputs(news);
    return res;
  }

  private async diffConfig(req: ProviderPb.DiffRequest): Promise<ProviderPb.DiffResponse> {
    const olds = this.unwrap(req.getOldInputs() ?? req.getOlds()).props;
    const news = this.unwrap(req.getNews()).props;
    const res = new this.pb.DiffResponse();
    const changed = containsUnknown(news.dsn) || (olds.dsn ?? "") !== (news.dsn ?? "");
    res.setChanges(
      changed ? this.pb.DiffResponse.DiffChanges.DIFF_SOME : this.pb.DiffResponse.DiffChanges.DIFF_NONE,
    );
    if (changed) res.setDiffsList(["dsn"]);
    return res;
  }

  private async configure(req: ProviderPb.ConfigureRequest): Promise<ProviderPb.ConfigureResponse> {
    const vars = new Map(req.getVariablesMap().toArray() as [string, string][]);
    const config = this.configValues(req.getArgs(), vars);
    const known = (k: string) => (config[k] === UNKNOWN ? undefined : config[k]);
    const dsn = typeof known("dsn") === "string" ? (known("dsn") as string) : undefined;
    this.p().configure({
      dsn,
      connectTimeoutSeconds: Number(known("connectTimeout") ?? "") || undefined,
      queryTimeoutSeconds: Number(known("queryTimeout") ?? "") || undefined,
    });
    return new this.pb.ConfigureResponse()
      .setAcceptsecrets(true)
      .setAcceptresources(true)
      .setSupportspreview(false)
      .setAcceptoutputs(false);
  }

  // --- resources -------------------------------------------------------------------------------

  private typeOf(type: string, urn: string): ResourceType {
    const token = type || urn.split("::")[2] || "";
    const t = this.types.get(token);
    if (!t) throw this.grpcError(this.grpc.status.INVALID_ARGUMENT, `unknown resource type ${token}`);
    return t;
  }

  private handlers(t: ResourceType): ProviderModule.ResourceHandlers {
    return this.p().handlersFor(t.kind, PLUGIN_PROTOCOL);
  }

  private unwrap(s: Struct | undefined): Unwrapped {
    return unwrapProps(s ? (s.toJavaScript() as Record<string, unknown>) : undefined);
  }

  private struct(props: Props, secretKeys: ReadonlySet<string>): Struct {
    return this.structPb.Struct.fromJavaScript(
      wrapProps(props, secretKeys) as Record<string, StructPb.JavaScriptValue>,
    );
  }

  private failure(property: string, reason: string): ProviderPb.CheckFailure {
    return new this.pb.CheckFailure().setProperty(property).setReason(reason);
  }

  /** Secret keys of a result: the schema's, plus any input that arrived secret. */
  private secretKeysFor(t: ResourceType, ...inputs: Unwrapped[]): Set<string> {
    const keys = new Set(t.secretKeys);
    for (const u of inputs) u.secretKeys.forEach((k) => keys.add(k));
    return keys;
  }

  private async check(req: ProviderPb.CheckRequest): Promise<ProviderPb.CheckResponse> {
    const urn = req.getUrn();
    const t = this.typeOf(req.getType(), urn);
    const olds = this.unwrap(req.getOlds());
    const news = this.unwrap(req.getNews());
    const inputs = hostInputs(t.kind, urn, olds.props, news.props, this.registry);
    if (t.kind === "stage") this.currentFingerprints.set(urn, inputs.connectionFingerprint);
    const r = await this.about(urn, () => this.handlers(t).check(olds.props, inputs));
    if (t.kind === "connection" && typeof r.inputs.name === "string") {
      this.registry.remember(urn, {
        name: r.inputs.name,
        storageType: typeof r.inputs.storageType === "string" ? r.inputs.storageType : undefined,
        fingerprint: typeof r.inputs.fingerprint === "string" ? r.inputs.fingerprint : UNKNOWN,
        secretMasks: recordedSecretMasks(r.inputs.secretMasks),
      });
    }
    const res = new this.pb.CheckResponse().setInputs(this.struct(r.inputs, this.secretKeysFor(t, news)));
    for (const f of r.failures) res.addFailures(this.failure(f.property, f.reason));
    return res;
  }

  private async diff(req: ProviderPb.DiffRequest): Promise<ProviderPb.DiffResponse> {
    const urn = req.getUrn();
    const t = this.typeOf(req.getType(), urn);
    const olds = this.unwrap(req.getOlds()).props;
    const news = this.unwrap(req.getNews()).props;
    const r = await this.about(urn, () => this.handlers(t).diff(req.getId(), olds, news));
    const res = new this.pb.DiffResponse();
    const C = this.pb.DiffResponse.DiffChanges;
    res.setChanges(r.changes === undefined ? C.DIFF_UNKNOWN : r.changes ? C.DIFF_SOME : C.DIFF_NONE);
    if (r.changes) res.setDiffsList(changedKeys(olds, news));
    res.setReplacesList(r.replaces ?? []);
    res.setDeletebeforereplace(r.deleteBeforeReplace === true);
    if (t.kind === "stage" && !r.replaces?.length) await this.warnStaleCopy(urn, olds, news);
    return res;
  }

  private async warnStaleCopy(urn: string, olds: Props, news: Props): Promise<void> {
    const fp = this.currentFingerprints.has(urn)
      ? this.currentFingerprints.get(urn)
      : news.connectionFingerprint;
    const warning = this.p().staleCopyWarning({
      stageName: String(news.name ?? olds.name),
      captured: olds.capturedConnection as CapturedConnection | undefined,
      connectionName: typeof news.connectionName === "string" ? news.connectionName : undefined,
      connectionFingerprint: typeof fp === "string" && fp !== UNKNOWN ? fp : undefined,
      onConnectionChange: typeof news.onConnectionChange === "string" ? news.onConnectionChange : undefined,
    });
    // Once per phase (the engine may diff a resource more than once); a `pulumi up` shows it in its
    // preview and again in its update, as every provider's warnings are (no state outside memory).
    const key = `${urn}\u0000${warning}`;
    if (warning && !this.warned.has(key)) {
      this.warned.add(key);
      await this.log.warn(warning, urn);
    }
  }

  private async create(req: ProviderPb.CreateRequest): Promise<ProviderPb.CreateResponse> {
    const t = this.typeOf(req.getType(), req.getUrn());
    const inputs = this.unwrap(req.getProperties());
    const keys = this.secretKeysFor(t, inputs);
    try {
      const r = await this.about(req.getUrn(), () => this.handlers(t).create(inputs.props));
      return new this.pb.CreateResponse().setId(r.id).setProperties(this.struct(r.outs, keys));
    } catch (e) {
      throw this.initFailure(e, keys);
    }
  }

  private async read(req: ProviderPb.ReadRequest): Promise<ProviderPb.ReadResponse> {
    const urn = req.getUrn();
    const t = this.typeOf(req.getType(), urn);
    const state = this.unwrap(req.getProperties());
    const isImport = Object.keys(state.props).length === 0;
    const r = await this.about(urn, () => this.handlers(t).read(req.getId(), state.props));
    const res = new this.pb.ReadResponse().setId(r.id ?? "");
    if (!r.id) return res;
    const keys = this.secretKeysFor(t, state);
    if (r.props) res.setProperties(this.struct(r.props, keys));
    if (r.inputs) res.setInputs(this.struct(r.inputs, keys));
    if (isImport) {
      const notice = importNotice(t.kind, r.props ?? {});
      if (notice) await this.log.warn(notice, urn);
    }
    return res;
  }

  private async update(req: ProviderPb.UpdateRequest): Promise<ProviderPb.UpdateResponse> {
    const t = this.typeOf(req.getType(), req.getUrn());
    const olds = this.unwrap(req.getOlds());
    const news = this.unwrap(req.getNews());
    const keys = this.secretKeysFor(t, olds, news);
    try {
      const r = await this.about(req.getUrn(), () =>
        this.handlers(t).update(req.getId(), olds.props, news.props),
      );
      return new this.pb.UpdateResponse().setProperties(this.struct(r.outs, keys));
    } catch (e) {
      throw this.initFailure(e, keys);
    }
  }

  // --- functions -------------------------------------------------------------------------------

  private async invoke(req: ProviderPb.InvokeRequest): Promise<ProviderPb.InvokeResponse> {
    const args = this.unwrap(req.getArgs());
    const res = new this.pb.InvokeResponse();
    const p = this.p();
    if (req.getTok() === TOKENS.getCopyAudit) {
      // Names, URLs and parameter names only: nothing secret, so nothing marked secret.
      const audit = JSON.parse(JSON.stringify(await p.auditAccount())) as Record<
        string,
        StructPb.JavaScriptValue
      >;
      return res.setReturn(this.structPb.Struct.fromJavaScript(audit));
    }
    let result: { json: string; document: unknown };
    let secret: boolean;
    switch (req.getTok()) {
      case TOKENS.getTrustPolicy: {
        const a = args.props as unknown as ProviderModule.TrustPolicyArgs;
        const failures = p.trustPolicyFailures(a);
        if (failures.length) return this.invokeFailures(res, failures);
        result = p.trustPolicy(a);
        secret = true; // it contains the external ID
        break;
      }
      case TOKENS.getBucketAccessPolicy: {
        const a = args.props as unknown as ProviderModule.BucketAccessPolicyArgs;
        const failures = p.bucketAccessPolicyFailures(a);
        if (failures.length) return this.invokeFailures(res, failures);
        result = p.bucketAccessPolicy(a);
        secret = args.secretKeys.size > 0;
        break;
      }
      default:
        throw this.grpcError(this.grpc.status.INVALID_ARGUMENT, `unknown function ${req.getTok()}`);
    }
    const out = { json: result.json, document: JSON.parse(JSON.stringify(result.document)) as unknown };
    const wire = secret ? { json: secretValue(out.json), document: secretValue(out.document) } : out;
    return res.setReturn(
      this.structPb.Struct.fromJavaScript(wire as Record<string, StructPb.JavaScriptValue>),
    );
  }

  private invokeFailures(
    res: ProviderPb.InvokeResponse,
    failures: readonly ProviderModule.CheckFailure[],
  ): ProviderPb.InvokeResponse {
    for (const f of failures) res.addFailures(this.failure(f.property, f.reason));
    return res;
  }

  // --- errors ----------------------------------------------------------------------------------

  private grpcError(code: number, message: string): GrpcError {
    return Object.assign(new Error(message), { code });
  }

  /** A handler error that says the object exists (ResourceInitError) becomes ErrorResourceInitFailed. */
  private initFailure(e: unknown, secretKeys: ReadonlySet<string>): unknown {
    if (!(e instanceof Error && "id" in e && typeof e.id === "string" && "properties" in e)) return e;
    const anyPb = pulumiModule<typeof import("google-protobuf/google/protobuf/any_pb")>(
      "google-protobuf/google/protobuf/any_pb",
    );
    const statusPb = pulumiModule<typeof import("@pulumi/pulumi/proto/status_pb")>(
      "@pulumi/pulumi/proto/status_pb",
    );
    const detail = new this.pb.ErrorResourceInitFailed()
      .setId(e.id)
      .setProperties(this.struct((e.properties ?? {}) as Props, secretKeys))
      .setReasonsList([e.message]);
    const any = new anyPb.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    // Not chained: jspb's `addDetails` returns the added element, not the Status.
    const status = new statusPb.Status().setCode(this.grpc.status.UNKNOWN).setMessage(e.message);
    status.addDetails(any);
    const metadata = new this.grpc.Metadata();
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
    return Object.assign(new Error(e.message), { code: this.grpc.status.UNKNOWN, metadata });
  }

  private toGrpcError(e: unknown): Partial<grpcTypes.StatusObject> & Error {
    if (e instanceof Error && typeof (e as Partial<GrpcError>).code === "number") {
      const g = e as GrpcError;
      return Object.assign(g, { details: g.message, metadata: g.metadata ?? new this.grpc.Metadata() });
    }
    const message = e instanceof Error ? e.message : String(e);
    return Object.assign(new Error(message), {
      code: this.grpc.status.UNKNOWN,
      details: message,
      metadata: new this.grpc.Metadata(),
    });
  }
}

/** Whether a provider setting's value fits its schema type (config values may arrive as strings). */
function settingTypeOk(type: string | undefined, value: unknown): boolean {
  if (type === "integer") return Number.isInteger(Number(value)) && Number(value) > 0;
  return typeof value === "string";
}

/** Top-level keys whose values differ (for the engine's display of what changes). */
function changedKeys(olds: Props, news: Props): string[] {
  const keys = new Set([...Object.keys(news)]);
  return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}
