/**
 * Diagnostics to the Pulumi engine through its `Log` RPC, so warnings show up attached to a
 * resource in `preview`/`up` output and the event log, as `pulumi.log.warn` does for dynamic
 * resources.
 */
import type * as grpcTypes from "@grpc/grpc-js";
import { pulumiModule } from "./pulumiModules";

type EngineGrpc = typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
type EnginePb = typeof import("@pulumi/pulumi/proto/engine_pb");

/** Sends log messages to the engine; a no-op without an engine address. */
export class EngineLog {
  private client?: InstanceType<EngineGrpc["EngineClient"]>;

  constructor(engineAddress: string | undefined) {
    if (!engineAddress) return;
    const grpc = pulumiModule<typeof grpcTypes>("@grpc/grpc-js");
    const { EngineClient } = pulumiModule<EngineGrpc>("@pulumi/pulumi/proto/engine_grpc_pb");
    this.client = new EngineClient(engineAddress, grpc.credentials.createInsecure());
  }

  /** Logs a warning about the resource `urn`. Never throws; a failed send goes to stderr. */
  warn(message: string, urn?: string): Promise<void> {
    return this.send("warning", message, urn);
  }

  /** Logs a message of `severity` about the resource `urn`. Never throws; a failed send goes to stderr. */
  send(severity: "info" | "warning", message: string, urn?: string): Promise<void> {
    const client = this.client;
    if (!client) {
      process.stderr.write(`${severity}: ${message}\n`);
      return Promise.resolve();
    }
    const pb = pulumiModule<EnginePb>("@pulumi/pulumi/proto/engine_pb");
    const req = new pb.LogRequest();
    req.setSeverity(severity === "warning" ? pb.LogSeverity.WARNING : pb.LogSeverity.INFO);
    req.setMessage(message);
    if (urn) req.setUrn(urn);
    return new Promise((resolve) => {
      client.log(req, (err) => {
        if (err) process.stderr.write(`${severity}: ${message}\n`);
        resolve();
      });
    });
  }
}
