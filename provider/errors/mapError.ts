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
    /ECONNREFUSED|ECONNRESET|connection refused|timed? ?out|error sending request/i.test(message);
  const hint =
    serverCode !== undefined ? (ctx.hints?.[innerCode ?? serverCode] ?? ctx.hints?.[serverCode]) : undefined;
  const text = serverCode !== undefined ? `Databend error ${serverCode}: ${serverText(message)}` : message;
  const statement = ctx.statement === undefined ? undefined : maskSecrets(ctx.statement, ctx.secrets);
  const cause = new Error(message);
  return new DatabendError(`${ctx.action}: ${text}${hint ? `. ${hint}` : ""}`, {
    code: transport ? "Transport" : info.code,
    serverCode,
    retryable: transport || info.retryable,
    statement,
    cause,
  });
}
