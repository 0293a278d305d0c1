/**
 * The dynamic-provider host's debug-log sink: sends the provider's debug messages to the Pulumi
 * engine (its `Log` RPC, severity DEBUG), which shows them with `pulumi up --debug`. The engine passes
 * its address as the dynamic provider process's first argument.
 */

interface LogRequest {
  setSeverity(s: number): void;
  setMessage(m: string): void;
}
interface EngineProto {
  LogRequest: new () => LogRequest;
  LogSeverity: { DEBUG: number };
}
interface EngineGrpc {
  EngineClient: new (addr: string, creds: unknown) => { log(req: LogRequest, cb: () => void): void };
}
interface GrpcJs {
  credentials: { createInsecure(): unknown };
}

/** A sink for the provider's `setDebugLog`, or undefined outside a provider process run by the engine. */
export function engineDebugLog(
  addr: string | undefined = process.argv[2],
): ((message: string) => void) | undefined {
  if (!addr || !/^[\w.[\]:-]+:\d+$/.test(addr)) return undefined;
  try {
    const grpc = require("@grpc/grpc-js") as GrpcJs;
    const rpc = require("@pulumi/pulumi/proto/engine_grpc_pb") as EngineGrpc;
    const proto = require("@pulumi/pulumi/proto/engine_pb") as EngineProto;
    const client = new rpc.EngineClient(addr, grpc.credentials.createInsecure());
    return (message) => {
      const req = new proto.LogRequest();
      req.setSeverity(proto.LogSeverity.DEBUG);
      req.setMessage(message);
      client.log(req, () => undefined);
    };
  } catch {
    return undefined;
  }
}
