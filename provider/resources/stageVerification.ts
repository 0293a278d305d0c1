import { DatabendError, isDatabendError } from "../errors/DatabendError";

/** How long `verify` waits, by default, for access that IAM has not propagated yet (seconds). */
export const DEFAULT_VERIFY_TIMEOUT_SECONDS = 60;

/** The longest bound a user may set (seconds). */
export const MAX_VERIFY_TIMEOUT_SECONDS = 900;

/**
 * What the stage's last access check found. Written to the stage's outputs (no secret in it): a
 * healthy refresh leaves it as it was, so that only a change of health is a change of state.
 */
export interface AccessCheck {
  /** Whether Databend could list the stage's location. */
  readable: boolean;
  /** When this result was established (ISO 8601): the last verifying `up`, or the refresh that saw it change. */
  verifiedAt: string;
  /** Why Databend could not read (cause, property to fix, Databend's code and text, masked); absent when readable. */
  accessProblem?: string;
}

/** What one failed probe means: the cause in words, the property to fix, and whether waiting helps. */
export interface AccessDiagnosis {
  /** The cause, e.g. `the secret access key does not match the access key ID`. */
  cause: string;
  /** The inputs to fix, e.g. `["secretAccessKey"]`; undefined when the error names none. */
  property?: readonly string[];
  /** True for errors IAM propagation explains (a new key, policy or trust relationship not visible yet). */
  retryable: boolean;
}

/** Where the stage's storage parameters come from, for naming the property to fix. */
export interface VerifySubject {
  /** The stage's name. */
  name: string;
  /** The stage's URL. */
  url: string;
  /** The connection the stage copied, if any. */
  connectionName?: string;
  /** Secret values of the stage's inline credentials, masked out of every message. */
  secrets?: readonly string[];
}

/** Options of {@link verifyStageAccess}. */
export interface VerifyOptions {
  /** Retry bound in seconds (0: one attempt). */
  timeoutSeconds: number;
  /** Waits `ms` (tests replace it). */
  sleep?: (ms: number) => Promise<void>;
  /** The clock (tests replace it). */
  now?: () => number;
}

interface Rule {
  test: RegExp;
  diagnosis: AccessDiagnosis;
}

// Most specific first: Databend wraps the storage service's error, so one message can mention several.
const RULES: readonly Rule[] = [
  {
    test: /SignatureDoesNotMatch/,
    diagnosis: {
      cause: "the secret access key does not match the access key ID",
      property: ["secretAccessKey"],
      retryable: false,
    },
  },
  {
    test: /InvalidAccessKeyId/,
    diagnosis: {
      cause:
        "the storage service does not know the access key ID (wrong, deleted, or created moments ago and not propagated yet)",
      property: ["accessKeyId", "secretAccessKey"],
      retryable: true,
    },
  },
  {
    test: /ExpiredToken|InvalidToken|TokenRefreshRequired/,
    diagnosis: {
      cause: "the session token has expired or is invalid",
      property: ["sessionToken"],
      retryable: false,
    },
  },
  {
    test: /Action=AssumeRole[\s\S]*(error sending request|Connection refused|tcp connect|tunnel error)|(error sending request|Connection refused|tcp connect)[\s\S]*Action=AssumeRole/i,
    diagnosis: {
      cause:
        "Databend could not reach AWS STS to assume the role (the Databend server needs outbound HTTPS to sts.<region>.amazonaws.com)",
      property: ["roleArn"],
      retryable: false,
    },
  },
  {
    test: /EC2 Metadata|LoadCredential|loading credential/i,
    diagnosis: {
      cause:
        "Databend found no credentials to sign with: a role stage needs base credentials on the Databend server to assume the role with (it fell back to the EC2 metadata service)",
      property: ["roleArn"],
      retryable: false,
    },
  },
  {
    test: /AssumeRole|sts:|not authorized to perform: sts/i,
    diagnosis: {
      cause:
        "Databend could not assume the role (its trust policy does not admit Databend's principal, or the external ID differs; a new trust policy may still be propagating)",
      property: ["roleArn", "externalId"],
      retryable: true,
    },
  },
  {
    test: /NoSuchBucket/,
    diagnosis: { cause: "the bucket does not exist", property: ["url"], retryable: false },
  },
  {
    test: /denied destination|resolve_deny|egress/i,
    diagnosis: {
      cause: "the Databend server's network (egress) policy refused the storage endpoint",
      property: ["endpointUrl"],
      retryable: false,
    },
  },
  {
    test: /error sending request|Connection refused|tcp connect|dns error|failed to lookup|timed out/i,
    diagnosis: {
      cause: "Databend could not reach the storage endpoint",
      property: ["endpointUrl"],
      retryable: false,
    },
  },
  {
    test: /credential.*(base64|decode|parse|json|invalid)|(base64|decode|parse|json|invalid).*credential/i,
    diagnosis: {
      cause:
        "Databend could not read the GCS credential (it must be the service-account JSON key, base64-encoded)",
      property: ["credential"],
      retryable: false,
    },
  },
  {
    test: /AccessDenied|PermissionDenied|\b403\b|Forbidden/,
    diagnosis: {
      cause:
        "the storage service denied the listing: the IAM policy of the key or role, or the bucket policy, does not allow s3:ListBucket on this location (a new policy may still be propagating); fix the policy, or `url`",
      retryable: true,
    },
  },
];

/** What a failed probe's (already masked) Databend error means. */
export function diagnoseAccessError(message: string): AccessDiagnosis {
  for (const r of RULES) if (r.test.test(message)) return r.diagnosis;
  return { cause: "Databend could not list the stage's location", retryable: false };
}

/**
 * Databend's code and text, without the noise of its storage errors (HTTP headers, request IDs,
 * backtraces), so the message stays readable. The input is already masked.
 */
export function condensedServerText(message: string): string {
  let text = message.replace(/^[^:]*?: (?=Databend error \d+:)/, "");
  text = text.replace(/\n\s*Backtrace:[\s\S]*$/, "");
  // `context: { ... }` and `response: Parts { ... }` carry headers and IDs; drop balanced-brace groups after them.
  text = dropBraced(text, /,? ?context: \{/);
  text = text.replace(/\n\s*Context:\n[\s\S]*?(?=\n\s*Source:|$)/, "");
  text = text.replace(/,? ?request_id: "[^"]*"/g, "").replace(/,? ?resource: ""/g, "");
  text = text.replace(/\s+/g, " ").trim();
  return text.length > 500 ? `${text.slice(0, 497)}...` : text;
}

function dropBraced(text: string, start: RegExp): string {
  for (;;) {
    const m = start.exec(text);
    if (!m) return text;
    let depth = 0;
    let end = m.index + m[0].length - 1;
    for (; end < text.length; end++) {
      if (text[end] === "{") depth++;
      else if (text[end] === "}" && --depth === 0) break;
    }
    text = text.slice(0, m.index) + text.slice(end + 1);
  }
}

/** Where the properties live: the stage itself (`url`), its own credentials, or the connection it copied. */
function propertyPlace(subject: VerifySubject, property: readonly string[]): string {
  const names = property.map((p) => `\`${p}\``).join(" and ");
  if (property.length === 1 && property[0] === "url") return `${names} of the stage`;
  return subject.connectionName
    ? `${names} of connection '${subject.connectionName}' (then re-capture it into the stage)`
    : `${names} in the stage's credentials`;
}

/** The one-line account of a failed probe: cause, what to fix, Databend's code and text. */
export function accessProblem(
  subject: VerifySubject,
  e: DatabendError,
): { text: string; retryable: boolean } {
  const d = diagnoseAccessError(e.message);
  const fix = d.property ? `; fix ${propertyPlace(subject, d.property)}` : "";
  return { text: `${d.cause}${fix}. ${condensedServerText(e.message)}`, retryable: d.retryable };
}

/** Whether an error from the probe is the storage's answer (Databend ran the listing) and not a failure to reach Databend. */
function isStorageAnswer(e: unknown): e is DatabendError {
  return isDatabendError(e) && e.serverCode !== undefined;
}

/** The probe: one listing of the stage from Databend, which throws Databend's error when it cannot read. */
export type StageProbe = () => Promise<unknown>;

/** Runs the probe once. Returns the problem, or undefined when Databend could list the location. */
export async function probeStage(
  probe: StageProbe,
  subject: VerifySubject,
): Promise<{ text: string; retryable: boolean } | undefined> {
  try {
    await probe();
    return undefined;
  } catch (e) {
    if (!isStorageAnswer(e)) throw e;
    return accessProblem(subject, e);
  }
}

/**
 * Proves from Databend that the stage can list its location: the probe is repeated with backoff while
 * the error is one IAM propagation explains, until `timeoutSeconds` have passed; any other error ends
 * it at once. Returns the check either way; the caller decides what a failure does.
 */
export async function verifyStageAccess(
  probe: StageProbe,
  subject: VerifySubject,
  opts: VerifyOptions,
): Promise<AccessCheck & { attempts: number; seconds: number }> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const start = now();
  const bound = Math.max(0, opts.timeoutSeconds) * 1000;
  let delay = 1000;
  for (let attempts = 1; ; attempts++) {
    const problem = await probeStage(probe, subject);
    const seconds = Math.round((now() - start) / 100) / 10;
    if (!problem) return { readable: true, verifiedAt: new Date(now()).toISOString(), attempts, seconds };
    const left = bound - (now() - start);
    if (!problem.retryable || left <= 0) {
      return {
        readable: false,
        verifiedAt: new Date(now()).toISOString(),
        accessProblem: problem.text,
        attempts,
        seconds,
      };
    }
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, 10_000);
  }
}

/** The error `up` fails with when verification failed: names the stage, the cause, and what happens next. */
export function verificationFailure(
  subject: VerifySubject,
  check: AccessCheck & { attempts: number; seconds: number },
): DatabendError {
  const tries =
    check.attempts > 1
      ? ` (${check.attempts} attempts in ${check.seconds} s, within verifyTimeoutSeconds)`
      : "";
  return new DatabendError(
    `verify stage ${subject.name}: Databend cannot read ${subject.url}${tries}: ${check.accessProblem ?? "unknown cause"} ` +
      "The stage exists and stays in the stack; the next `pulumi up` verifies it again (set `verify: false` to skip the check).",
    { code: "PermissionDenied", retryable: false },
  );
}
