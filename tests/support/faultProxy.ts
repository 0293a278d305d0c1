import * as http from "http";
import type { AddressInfo, Socket } from "net";

/**
 * A loopback HTTP proxy that sits in front of the Databend bridge (or moto) and injects faults, for
 * the reliability tests (issue 9, section 1). It forwards every request to its target unchanged and
 * records what it forwarded: the SQL of each `/v1/query` request, and the `Action` of each AWS query
 * API call. It listens on 127.0.0.1 only, holds a stalled request for at most `maxStallMs`, and stops
 * itself after `lifetimeMs`.
 */

/** What the proxy does to a request once a fault is armed and triggered. */
export type FaultKind =
  /** Closes the listening port: connections are refused until {@link FaultProxy.clear}. */
  | "refuse"
  /** Forwards the request, then answers `delayMs` later. */
  | "delay"
  /** Accepts the request and never answers, until {@link FaultProxy.release} (or `maxStallMs`). */
  | "stall"
  /** Forwards the request, then sends the headers and half the body and closes the connection. */
  | "cut"
  /** Answers 503 Service Unavailable without forwarding. */
  | "503"
  /**
   * Answers 403 with an S3 error document (`awsCode`, default `InvalidAccessKeyId`) without forwarding,
   * to any request (S3's REST calls carry no `Action`): a key or policy IAM has not propagated yet.
   */
  | "awsError";

/** A fault to inject. */
export interface Fault {
  /** What to do. */
  kind: FaultKind;
  /** Let this many `/v1/query` requests (or AWS calls, for moto) through untouched first. Default 0. */
  after?: number;
  /** Only requests whose SQL (or AWS action) matches are faulted (and counted by `after`); others pass. */
  match?: RegExp;
  /** Fault at most this many requests, then pass everything again. Default: no limit. */
  times?: number;
  /** For `delay`: milliseconds. Default 3000. */
  delayMs?: number;
  /** For `awsError`: the AWS error code. Default `InvalidAccessKeyId`. */
  awsCode?: string;
}

/** One request the proxy forwarded to its target. */
export interface Forwarded {
  /** HTTP method. */
  method: string;
  /** Request path. */
  path: string;
  /** The statement of a `/v1/query` request, or the `Action` of an AWS query API call. */
  statement?: string;
  /** Milliseconds since the proxy started. */
  at: number;
  /** True when the client got no (complete) answer: the request was cut, or delivered after a stall. */
  unanswered?: boolean;
}

/** Options of {@link FaultProxy.start}. */
export interface FaultProxyOptions {
  /** The proxy stops itself after this long. Default 10 minutes. */
  lifetimeMs?: number;
  /** A stalled request is dropped (connection closed) after this long. Default 2 minutes. */
  maxStallMs?: number;
}

interface Stalled {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  body: Buffer;
  statement?: string;
  timer: NodeJS.Timeout;
}

/** The statement a request carries: `/v1/query`'s `sql`, or an AWS query API `Action`. */
function statementOf(path: string, body: Buffer): string | undefined {
  const text = body.toString("utf8");
  if (path.startsWith("/v1/query") && text.trim().startsWith("{")) {
    try {
      const sql = (JSON.parse(text) as { sql?: unknown }).sql;
      return typeof sql === "string" ? sql : undefined;
    } catch {
      return undefined;
    }
  }
  const action = /(?:^|&)Action=([A-Za-z]+)/.exec(text)?.[1];
  return action;
}

/** True for requests that count as statements: Databend queries and AWS API calls. */
function isStatement(method: string, path: string, statement: string | undefined): boolean {
  if (path.split("?")[0] === "/v1/query") return method === "POST";
  return statement !== undefined;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A fault-injecting loopback proxy. Create with {@link FaultProxy.start}. */
export class FaultProxy {
  /** Requests forwarded to the target, in order. */
  readonly forwarded: Forwarded[] = [];
  /** When (epoch ms) the armed fault first hit a request; undefined until then. */
  firstFaultAt?: number;
  private fault?: Fault;
  private passed = 0;
  private faulted = 0;
  private readonly stalled = new Set<Stalled>();
  private readonly sockets = new Set<Socket>();
  private readonly started = Date.now();
  private server: http.Server;
  private refusing = false;
  private stopped = false;
  private readonly lifetime: NodeJS.Timeout;

  private readonly target: URL;
  private readonly port: number;
  private readonly opts: Required<FaultProxyOptions>;

  // No parameter properties: scripts/load.mjs loads this file with Node's type stripping.
  private constructor(target: URL, port: number, server: http.Server, opts: Required<FaultProxyOptions>) {
    this.target = target;
    this.port = port;
    this.opts = opts;
    this.server = server;
    this.lifetime = setTimeout(() => void this.stop(), opts.lifetimeMs);
    this.lifetime.unref();
  }

  /** Starts a proxy on a free loopback port in front of `target` (e.g. `http://127.0.0.1:8000`). */
  static async start(target: string, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
    const url = new URL(target);
    if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
      throw new Error(`fault proxy: loopback targets only, not ${url.hostname}`);
    }
    const full = { lifetimeMs: opts.lifetimeMs ?? 600_000, maxStallMs: opts.maxStallMs ?? 120_000 };
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    const self = new FaultProxy(url, port, server, full);
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => void self.handle(req, res));
    self.track(server);
    return self;
  }

  /** The proxy's base URL, `http://127.0.0.1:PORT`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `host:port` of the proxy, for a DSN. */
  get hostPort(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The statements forwarded so far (SQL, or AWS actions). */
  statements(): string[] {
    return this.forwarded.flatMap((f) => (f.statement === undefined ? [] : [f.statement]));
  }

  /** Arms `fault` (replacing any other); `refuse` with `after: 0` closes the port at once. */
  async inject(fault: Fault): Promise<void> {
    await this.clear();
    this.fault = fault;
    this.passed = 0;
    this.faulted = 0;
    this.firstFaultAt = undefined;
    if (fault.kind === "refuse" && !fault.after && !fault.match) {
      this.firstFaultAt = Date.now();
      await this.closePort();
    }
  }

  /** Disarms the fault and reopens the port if it was closed; stalled requests stay held. */
  async clear(): Promise<void> {
    this.fault = undefined;
    if (this.refusing && !this.stopped) await this.reopenPort();
  }

  /**
   * Lets the stalled requests go. With `deliver`, they are forwarded to the target now (the server
   * runs them late, as a paused server does) while their clients, long gone, get nothing; without, their
   * connections are closed.
   */
  async release(opts: { deliver?: boolean } = {}): Promise<number> {
    const held = [...this.stalled];
    this.stalled.clear();
    for (const s of held) clearTimeout(s.timer);
    if (opts.deliver) {
      for (const s of held) {
        await this.forward(s.req, s.body, s.statement).catch(() => undefined);
        const last = this.forwarded[this.forwarded.length - 1];
        if (last) last.unanswered = true;
      }
    }
    for (const s of held) s.res.socket?.destroy();
    return held.length;
  }

  /** Resolves once a forwarded statement matches `pattern`; rejects after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs = 60_000): Promise<Forwarded> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.forwarded.find((f) => f.statement !== undefined && pattern.test(f.statement));
      if (hit) return hit;
      if (Date.now() > end)
        throw new Error(`fault proxy: no statement matching ${pattern} in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Number of requests held by a stall right now. */
  get stalledCount(): number {
    return this.stalled.size;
  }

  /** Stops the proxy: drops held requests, closes every connection and the port. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.lifetime);
    await this.release();
    await this.closePort();
  }

  private track(server: http.Server): void {
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.on("close", () => this.sockets.delete(s));
    });
  }

  private async closePort(): Promise<void> {
    this.refusing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private async reopenPort(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.track(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    this.refusing = false;
  }

  /**
   * Decides whether this request is faulted (and counts it). Once a stall without `match` has begun,
   * the whole endpoint is stalled: logins, pages and every later request hang too.
   */
  private triggered(method: string, path: string, statement: string | undefined): FaultKind | undefined {
    const f = this.fault;
    if (!f) return undefined;
    if (f.kind === "stall" && !f.match && this.faulted > 0) return "stall";
    if (!isStatement(method, path, statement) && f.kind !== "awsError") return undefined;
    if (f.match && !(statement !== undefined && f.match.test(statement))) return undefined;
    if (this.passed < (f.after ?? 0)) {
      this.passed++;
      return undefined;
    }
    if (f.times !== undefined && this.faulted >= f.times) return undefined;
    this.faulted++;
    this.firstFaultAt ??= Date.now();
    return f.kind;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req).catch(() => Buffer.alloc(0));
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const statement = statementOf(path, body);
    const kind = this.triggered(method, path, statement);
    try {
      if (kind === "503") {
        res.writeHead(503, { "content-type": "text/plain", connection: "close" });
        res.end("Service Unavailable (fault proxy)");
        return;
      }
      if (kind === "awsError") {
        const code = this.fault?.awsCode ?? "InvalidAccessKeyId";
        res.writeHead(403, { "content-type": "application/xml", connection: "close" });
        res.end(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
            `<Message>${code} (fault proxy: not propagated yet)</Message><RequestId>fault</RequestId></Error>`,
        );
        return;
      }
      if (kind === "refuse") {
        req.socket.destroy();
        await this.closePort();
        return;
      }
      if (kind === "stall") {
        const held: Stalled = {
          req,
          res,
          body,
          statement,
          timer: setTimeout(() => {
            this.stalled.delete(held);
            req.socket.destroy();
          }, this.opts.maxStallMs),
        };
        held.timer.unref();
        this.stalled.add(held);
        return;
      }
      const answer = await this.forward(req, body, statement);
      if (kind === "delay") await new Promise((r) => setTimeout(r, this.fault?.delayMs ?? 3000));
      const headers = { ...answer.headers };
      delete headers["transfer-encoding"];
      headers["content-length"] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      if (kind === "cut") {
        const last = this.forwarded[this.forwarded.length - 1];
        if (last) last.unanswered = true;
        res.write(answer.body.subarray(0, Math.floor(answer.body.length / 2)));
        setTimeout(() => req.socket.destroy(), 20);
        return;
      }
      res.end(answer.body);
    } catch {
      req.socket.destroy();
    }
  }

  private forward(
    req: http.IncomingMessage,
    body: Buffer,
    statement: string | undefined,
  ): Promise<{ status: number; headers: http.OutgoingHttpHeaders; body: Buffer }> {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    this.forwarded.push({ method, path, statement, at: Date.now() - this.started });
    // The Host header stays as the client sent it: AWS signatures cover it.
    const headers = { ...req.headers, "content-length": String(body.length) };
    delete headers["transfer-encoding"];
    delete headers.connection;
    return new Promise((resolve, reject) => {
      const up = http.request(
        { host: this.target.hostname, port: this.target.port, method, path, headers, timeout: 300_000 },
        (r) => {
          readBody(r)
            .then((b) => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: b }))
            .catch(reject);
        },
      );
      up.on("error", reject);
      up.on("timeout", () => up.destroy(new Error("upstream timeout")));
      up.end(body);
    });
  }
}
