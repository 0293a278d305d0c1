import { DatabendError } from "./DatabendError";
import { lookupServerCode } from "./errorCodes";
import { maskSecrets } from "../secrets/mask";

/** Context for {@link toDatabendError}. */
export interface ErrorContext {
  /** What was being done, e.g. `create connection toronto`. */
  action: string;
  /** The statement sent, if any (it is masked before it is kept). */
  statement?: string;
  /** Secret values that must not appear in the message or statement. */
  secrets: readonly (string | undefined)[];
  /** Extra explanation per server code, appended to the message. */
  hints?: Readonly<Record<number, string>>;
  /** `host:port (from <setting>)`, named in transport failures. */
  endpoint?: string;
}

/**
 * The fix for Databend's "Storage endpoint is denied by egress policy" (error 2002, Databend 1.2.920 and
 * later): the server's own policy refuses the endpoint a CREATE CONNECTION or CREATE/ALTER STAGE names.
 */
export const EGRESS_POLICY_HINT =
  "The Databend server's egress policy refuses this storage endpoint (databend-query's `[storage] " +
  "endpoint_url_policy`: `strict` denies loopback, private, link-local and metadata addresses, `allowlist` " +
  "anything not allowed): use an endpoint the server may reach, such as the storage's public endpoint, or ask " +
  "the server's operator to allow this host (`endpoint_url_allowed_hosts`) or its network " +
  "(`endpoint_url_allowed_cidrs`) in that section; the reason Databend gives is above";

/** Hints chosen by Databend's message text, for codes whose meaning depends on it. */
const TEXT_HINTS: readonly { readonly pattern: RegExp; readonly hint: string }[] = [
  { pattern: /denied by egress policy/i, hint: EGRESS_POLICY_HINT },
];

/** The same error with one more hint sentence appended to its message. */
export function withMoreHint(e: DatabendError, hint: string): DatabendError {
  return new DatabendError(withHint(e.message, hint), {
    code: e.code,
    serverCode: e.serverCode,
    retryable: e.retryable,
    statement: e.statement,
    cause: e,
  });
}

/** Joins Databend's text and the provider's hint as two sentences. */
export function withHint(text: string, hint: string | undefined): string {
  if (!hint) return text;
  const sentence = hint.charAt(0).toUpperCase() + hint.slice(1);
  return `${text}${/[.!?]$/.test(text) ? "" : "."} ${sentence}${/[.!?]$/.test(sentence) ? "" : "."}`;
}

/**
 * Reads Databend's numeric code from a driver error message. The driver reports
 * `QueryFailed: [2512]...`; a code wrapped by another (e.g. `... Code: 2510, Text = ...` inside a 1006)
 * is returned as `innerCode`.
 */
export function parseServerCode(message: string): { code?: number; innerCode?: number } {
  const outer = /\[(\d{3,5})\]/.exec(message);
  const inner = /Code: (\d{3,5}), Text/.exec(message);
  const code = outer ? Number(outer[1]) : inner ? Number(inner[1]) : undefined;
  const innerCode = inner && Number(inner[1]) !== code ? Number(inner[1]) : undefined;
  return { code, innerCode };
}

/** Strips the driver's framing (`Error: APIError: QueryFailed: [code]` and the ` [vX.Y.Z]` suffix). */
function serverText(message: string): string {
  return message
    .replace(/^(Error: )?(APIError: )?(QueryFailed: )?\[\d+\]/, "")
    .replace(/\s*\[v\d+\.\d+\.\d+\]\s*$/, "")
    .trim();
}

/**
 * Turns anything thrown by the driver into a {@link DatabendError} whose message names the action,
 * keeps Databend's code and text, adds a hint for known codes, and contains no secret.
 */
export function toDatabendError(raw: unknown, ctx: ErrorContext): DatabendError {
  const rawMessage = raw instanceof Error ? raw.message : String(raw);
  const message = maskSecrets(rawMessage, ctx.secrets);
  const { code: serverCode, innerCode } = parseServerCode(message);
  const info = lookupServerCode(innerCode !== undefined && serverCode === 1006 ? innerCode : serverCode);
  const transport =
    serverCode === undefined &&
    /ECONNREFUSED|ECONNRESET|connection refused|connection reset|timed? ?out|error sending request|error decoding|unexpected EOF|broken pipe|ResponseError: \(5\d\d/i.test(
      message,
    );
  const unavailable = /ResponseError: \((50[23])/.exec(message)?.[1];
  const textHint = TEXT_HINTS.find((h) => h.pattern.test(message))?.hint;
  const hint =
    textHint !== undefined
      ? textHint
      : serverCode !== undefined
        ? (ctx.hints?.[innerCode ?? serverCode] ?? ctx.hints?.[serverCode])
        : transport
          ? unavailable
            ? `The Databend endpoint ${ctx.endpoint ?? ""} answered HTTP ${unavailable} (unavailable): the statement did ` +
              "not run; run `pulumi up` again"
            : `The Databend endpoint ${ctx.endpoint ?? ""} did not answer in time or dropped the connection. ` +
              "The statement may still have run: run `pulumi up` again (an object left behind is reported, with how to take it over)"
          : undefined;
  const clean = serverText(message);
  const text = serverCode !== undefined ? `Databend error ${serverCode}: ${clean}` : clean;
  const statement = ctx.statement === undefined ? undefined : maskSecrets(ctx.statement, ctx.secrets);
  const cause = new Error(message);
  return new DatabendError(`${ctx.action}: ${withHint(text, hint)}`, {
    code: transport ? "Transport" : info.code,
    serverCode,
    retryable: transport || info.retryable,
    statement,
    cause,
  });
}
