/**
 * An in-memory {@link SqlSession} for unit tests of the resource handlers. It records every statement
 * and answers from scripted rules, so a test can say "DESC STAGE returns this row" or "CREATE
 * CONNECTION fails with 2512" and then assert on the exact SQL that was sent.
 *
 * Failures go through the provider's own `toDatabendError`, exactly as the driver-backed session does,
 * so errors carry `serverCode`, the hints of the calling resource and masked secrets.
 */
import type { SqlRow, SqlSession, StatementContext } from "../../provider/client/sqlSession";
import { toDatabendError } from "../../provider/errors/mapError";

/** One statement the fake received. */
export interface RecordedStatement {
  kind: "exec" | "query";
  sql: string;
  ctx: StatementContext;
}

/** What a rule answers: rows, or an error to throw (raw, as the driver would throw it). */
type Answer = { rows: SqlRow[] } | { raw: unknown };

interface Rule {
  pattern: RegExp;
  answer: (sql: string) => Answer;
  /** How many more times the rule applies; `undefined` means always. */
  remaining?: number;
}

/** Options for a scripted rule. */
export interface RuleOptions {
  /** Apply the rule this many times only, then fall through to older rules. */
  times?: number;
}

/** The driver's framing of a server error, as databend-driver 0.33.7 reports it. */
export function driverErrorMessage(serverCode: number, text: string): string {
  return `APIError: QueryFailed: [${serverCode}]${text} [v0.33.7]`;
}

/** A scriptable fake of the provider's SQL session. */
export class FakeSession implements SqlSession {
  /** Every statement received, in order. */
  readonly log: RecordedStatement[] = [];
  /** How many times `serverVersion()` was called. */
  versionCalls = 0;
  private readonly rules: Rule[] = [];

  constructor(
    /** What `serverVersion()` answers, e.g. `1.2.895`. */
    public version = "1.2.900",
  ) {}

  /** The SQL of every statement received, in order. */
  get statements(): string[] {
    return this.log.map((s) => s.sql);
  }

  /** Queries matching `pattern` return `rows` (newer rules win over older ones). */
  respond(pattern: RegExp, rows: SqlRow[] | ((sql: string) => SqlRow[]), opts: RuleOptions = {}): this {
    const make = typeof rows === "function" ? rows : () => rows;
    return this.addRule(pattern, (sql) => ({ rows: make(sql) }), opts);
  }

  /** Statements matching `pattern` fail with Databend error `serverCode` and `text`. */
  fail(pattern: RegExp, serverCode: number, text: string, opts: RuleOptions = {}): this {
    return this.addRule(pattern, () => ({ raw: new Error(driverErrorMessage(serverCode, text)) }), opts);
  }

  /** Statements matching `pattern` fail with `raw` as the driver's error (e.g. a transport error). */
  failRaw(pattern: RegExp, raw: unknown, opts: RuleOptions = {}): this {
    return this.addRule(pattern, () => ({ raw }), opts);
  }

  async exec(sql: string, ctx: StatementContext): Promise<void> {
    this.answer("exec", sql, ctx);
  }

  async query(sql: string, ctx: StatementContext): Promise<SqlRow[]> {
    return this.answer("query", sql, ctx);
  }

  async serverVersion(): Promise<string> {
    this.versionCalls++;
    return this.version;
  }

  /** A session factory, as the handlers take it. */
  factory(): () => Promise<SqlSession> {
    return () => Promise.resolve(this);
  }

  private addRule(pattern: RegExp, answer: (sql: string) => Answer, opts: RuleOptions): this {
    this.rules.unshift({ pattern, answer, remaining: opts.times });
    return this;
  }

  private answer(kind: RecordedStatement["kind"], sql: string, ctx: StatementContext): SqlRow[] {
    this.log.push({ kind, sql, ctx });
    const rule = this.rules.find(
      (r) => r.pattern.test(sql) && (r.remaining === undefined || r.remaining > 0),
    );
    if (!rule) return [];
    if (rule.remaining !== undefined) rule.remaining--;
    const a = rule.answer(sql);
    if ("raw" in a) {
      throw toDatabendError(a.raw, { ...ctx, statement: sql, secrets: [...(ctx.secrets ?? [])] });
    }
    return a.rows;
  }
}

/** A session factory that fails the test if any handler asks for a session (check/diff stay offline). */
export function noSession(): () => Promise<SqlSession> {
  return () => Promise.reject(new Error("this handler must not open a Databend session"));
}
