import type { SqlSession } from "../client/sqlSession";
import { versionAtLeast } from "../client/databendClient";
import { DatabendError, isDatabendError } from "../errors/DatabendError";
import { withMoreHint } from "../errors/mapError";
import { ResourceInitError } from "../errors/ResourceInitError";
import {
  FileFormatInput,
  StageSource,
  renderAlterStageComment,
  renderAlterStageFileFormat,
  renderAlterStageUrl,
  renderCreateStage,
  renderDescStage,
  renderDropStage,
  renderListStage,
  renderShowStages,
  renderVerifyStage,
} from "../sql/stage";
import {
  FILE_FORMATS,
  fileFormatTypeFromServer,
  isFileFormatType,
  sameFormatType,
  serverKeyOf,
} from "../storage/fileFormats";
import { StageRow, parseStageRow } from "../storage/stageRow";
import { isUrlProblem, parseStageUrl } from "../storage/stageUrl";
import { fingerprintMatches, isLegacyFingerprint, keepOrDeriveFingerprint } from "../storage/fingerprint";
import { pickParams, secretValues } from "../storage/storageSpecs";
import {
  SecretMasks,
  compareSecretMasks,
  hasSecretDrift,
  recordedSecretMasks,
  secretDriftNotice,
  secretMasksFor,
  shownStageSecrets,
} from "../secrets/secretDrift";
import {
  ADOPT_VARIABLE,
  RECAPTURE_VARIABLE,
  adoptRequest,
  forceDestroyRequested,
  keepRequested,
  recaptureRequested,
} from "../settings";
import { printableStageFailures, stageVersionGates, validateStageInputs } from "../validation/stageSchema";
import { versionFailures } from "./serverAwarePreview";
import { containsUnknown, isUnknown } from "../validation/unknowns";
import { Ownership, noticePlannedTakeOver, noticeTakenOver, wildcardRefusal } from "./adoption";
import { blockedDropError, forcedNotice, keptNotice } from "./blockedDrop";
import { claimName, keptForSuccessor } from "./claims";
import { invalidateListings, listedRow, ListingSpec } from "./listings";
import { notify } from "./notices";
import { ownerMarker, readOwnerMarker, withOwnerMarker } from "./ownerMarker";
import { stackIdentity } from "./stackIdentity";
import {
  AccessCheck,
  DEFAULT_VERIFY_TIMEOUT_SECONDS,
  probeStage,
  StageProbe,
  verificationFailure,
  VerifySubject,
  verifyStageAccess,
} from "./stageVerification";
import {
  Props,
  ResourceHandlers,
  STATE_VERSION,
  compact,
  inputsFromOutputs,
  withoutHostKeys,
} from "./handlers";

/** The first Databend version with ALTER STAGE (and so in-place URL, credential and format changes). */
export const ALTER_STAGE_SINCE = "1.2.867";

/** What a stage copied from its connection when it was created (or last re-captured). */
export interface CapturedConnection {
  /** The connection's Databend name. */
  name: string;
  /** Its storage type (`s3`, `gcs`, ...). */
  storageType: string;
  /** Its fingerprint when the stage copied it. */
  fingerprint: string;
  /** When the stage copied it (ISO 8601). */
  capturedAt: string;
}

/** A connection as a stage input refers to it. */
interface ConnectionRef {
  name: string;
  storageType?: string;
  fingerprint?: string;
  /** The connection's secrets' mask digests, which the stage's copy holds once it copies them. */
  secretMasks?: SecretMasks;
}

/** Stage inputs after `check`. */
export interface StageSpec {
  name: string;
  url?: string;
  connection?: ConnectionRef;
  credentials?: Record<string, unknown>;
  fileFormat?: FileFormatInput;
  comment?: string;
  onConnectionChange: "keep" | "recreate";
  forceDestroy: boolean;
  adopt: boolean;
  /** Prove from Databend that the stage can read its location (after create, update and re-capture, and on refresh). */
  verify: boolean;
  /** How long `verify` retries errors IAM propagation explains (seconds). */
  verifyTimeoutSeconds?: number;
}

const HINTS: Record<number, string> = {
  1063: "CREATE STAGE needs the SUPER privilege; ALTER and DROP need ownership or READ and WRITE on the stage",
  2510: "The stage's connection does not exist (yet): create the Connection first, or pass it as `connection`",
  4000: "Databend rejected the stage's URL or storage parameters",
};

/** What a stage needs besides a SQL session. */
export interface StageDeps {
  /** Why no statement could be sent (no DSN configured), or undefined. Checked at preview. */
  readonly dsnProblem?: () => string | undefined;
}

/**
 * How refresh lists stages in bulk: only where SHOW STAGES has DESC STAGE's columns (1.2.870 and
 * later); older servers' SHOW STAGES lacks the location, so each stage is described on its own.
 */
const LISTING: ListingSpec = {
  kind: "stage",
  sql: renderShowStages(),
  usable: (row) => "stage_type" in row && "url" in row && "file_format_options" in row,
};

/** Stage settings with their defaults written in, so that state and inputs compare equal. */
export function withDefaults(props: Props): Props {
  return { onConnectionChange: "keep", forceDestroy: false, adopt: false, ...withoutHostKeys(props) };
}

/** Parses checked inputs (or prior outputs) into a {@link StageSpec}. */
export function parseStage(props: Props): StageSpec {
  const p = withoutHostKeys(props);
  const connection =
    typeof p.connectionName === "string"
      ? {
          name: p.connectionName,
          storageType: typeof p.connectionStorageType === "string" ? p.connectionStorageType : undefined,
          fingerprint: typeof p.connectionFingerprint === "string" ? p.connectionFingerprint : undefined,
          secretMasks: recordedSecretMasks(p.connectionSecretMasks),
        }
      : undefined;
  return {
    name: typeof p.name === "string" ? p.name : "",
    url: typeof p.url === "string" ? p.url : undefined,
    connection,
    credentials:
      p.credentials && typeof p.credentials === "object"
        ? (p.credentials as Record<string, unknown>)
        : undefined,
    fileFormat:
      p.fileFormat && typeof p.fileFormat === "object" ? (p.fileFormat as FileFormatInput) : undefined,
    comment: typeof p.comment === "string" && p.comment !== "" ? p.comment : undefined,
    onConnectionChange: p.onConnectionChange === "recreate" ? "recreate" : "keep",
    forceDestroy: p.forceDestroy === true,
    adopt: p.adopt === true,
    verify: p.verify === true,
    verifyTimeoutSeconds: typeof p.verifyTimeoutSeconds === "number" ? p.verifyTimeoutSeconds : undefined,
  };
}

function sourceOf(s: StageSpec): StageSource {
  if (s.connection) return { kind: "connection", connectionName: s.connection.name };
  if (s.credentials && s.url) {
    const u = parseStageUrl(s.url);
    if (!isUrlProblem(u))
      return {
        kind: "credentials",
        storageType: u.storageType,
        params: pickParams(u.storageType, s.credentials),
      };
  }
  return { kind: "none" };
}

/**
 * The fingerprint of a stage's inline credentials, stored instead of the credentials: Pulumi's SDK
 * prints every returned output at `--debug`, secrets included. `previous` (the recorded one) is kept
 * when it still says these credentials, and its random salt is reused when they changed.
 */
export function credentialsFingerprint(s: StageSpec, previous?: unknown): string | undefined {
  const src = sourceOf(s);
  return src.kind === "credentials"
    ? keepOrDeriveFingerprint(previous, src.storageType, src.params, `stage/${s.name}`)
    : undefined;
}

/** Whether `recorded` (a credentials fingerprint from state, or undefined) says the credentials of `s`. */
export function credentialsMatch(recorded: string | undefined, s: StageSpec): boolean {
  const src = sourceOf(s);
  if (src.kind !== "credentials") return recorded === undefined;
  return fingerprintMatches(recorded, src.storageType, src.params, `stage/${s.name}`);
}

/** The credentials fingerprint recorded in state (or computed from credentials kept by package 0.1). */
function recordedCredentials(olds: Props): string | undefined {
  if (typeof olds.credentialsFingerprint === "string") return olds.credentialsFingerprint;
  return olds.credentials && typeof olds.credentials === "object"
    ? credentialsFingerprint(parseStage(olds))
    : undefined;
}

/**
 * The mask digests of the secrets a stage holds once its location is set: its inline credentials'
 * (each digest kept from `previous` when it still says its value), or the ones of the connection it
 * copies (the connection derived them; the copy holds the same values).
 */
function stageSecretMasks(s: StageSpec, previous: unknown): SecretMasks | undefined {
  const src = sourceOf(s);
  if (src.kind === "credentials")
    return secretMasksFor(src.storageType, src.params, recordedSecretMasks(previous));
  return src.kind === "connection" ? s.connection?.secretMasks : undefined;
}

function secretsOf(s: StageSpec): string[] {
  const src = sourceOf(s);
  return src.kind === "credentials" ? secretValues(src.storageType, src.params) : [];
}

function capture(s: StageSpec): CapturedConnection | undefined {
  if (!s.connection) return undefined;
  return {
    name: s.connection.name,
    storageType: s.connection.storageType ?? "",
    fingerprint: s.connection.fingerprint ?? "",
    capturedAt: new Date().toISOString(),
  };
}

/**
 * The outputs (state) of a stage: inline credentials only as their fingerprint (`previousCredentials`,
 * the recorded fingerprint, is kept when the credentials are the same).
 */
export function stageOutputs(
  s: StageSpec,
  captured: CapturedConnection | undefined,
  previousCredentials?: string,
  secretMasks?: SecretMasks,
  access?: AccessCheck,
): Props {
  return compact({
    name: s.name,
    url: s.url,
    stageType: s.url === undefined ? "Internal" : "External",
    connectionName: s.connection?.name,
    connectionStorageType: s.connection?.storageType,
    connectionFingerprint: s.connection?.fingerprint,
    credentialsFingerprint: credentialsFingerprint(s, previousCredentials),
    fileFormat: s.fileFormat,
    comment: s.comment,
    onConnectionChange: s.onConnectionChange,
    forceDestroy: s.forceDestroy,
    adopt: s.adopt,
    verify: s.verify ? true : undefined,
    verifyTimeoutSeconds: s.verifyTimeoutSeconds,
    capturedConnection: captured,
    secretMasks,
    ...(s.verify && access
      ? { readable: access.readable, verifiedAt: access.verifiedAt, accessProblem: access.accessProblem }
      : {}),
    stateVersion: STATE_VERSION,
  });
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (v === null || v === undefined || v === "") return undefined;
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as object)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])])
        .filter(([, x]) => x !== undefined),
    );
  }
  return v;
}

/** Whether the connection a stage refers to differs from the copy it holds. */
function connectionChanged(olds: Props, news: Props): boolean {
  if (typeof news.connectionName !== "string" && !isUnknown(news.connectionName)) return false; // removed: nothing to re-capture
  const cap = olds.capturedConnection as CapturedConnection | undefined;
  const oldName = cap?.name ?? olds.connectionName;
  const oldFp = cap?.fingerprint ?? olds.connectionFingerprint;
  // A copy recorded by package 0.1 has the old fingerprint format, which cannot be compared with the
  // new one: only a change of connection name is known then (re-capture once to compare again).
  const comparable = !isLegacyFingerprint(oldFp);
  return (
    containsUnknown(news.connectionName) ||
    containsUnknown(news.connectionFingerprint) ||
    news.connectionName !== oldName ||
    (comparable && news.connectionFingerprint !== undefined && news.connectionFingerprint !== oldFp)
  );
}

/**
 * A stage that keeps its copy also keeps, as its input, the connection fingerprint it recorded: a
 * change of the connection then leaves the stage's inputs exactly as they were, so the stage is
 * `same` with nothing for Pulumi to write (at N stages, N checkpoint writes fewer per connection
 * change). The hosts warn by comparing the stage's `capturedConnection` with the connection's current
 * outputs, not with this input. The current fingerprint goes through when the copy is re-taken:
 * `onConnectionChange: "recreate"`, a re-capture requested for this stage, or another connection.
 */
export function keepingCapturedFingerprint(olds: Props, inputs: Props): Props {
  const recorded = olds.connectionFingerprint;
  if (typeof recorded !== "string" || inputs.connectionFingerprint === undefined) return inputs;
  if (inputs.onConnectionChange === "recreate" || olds.onConnectionChange === "recreate") return inputs;
  if (typeof inputs.connectionName !== "string" || inputs.connectionName !== olds.connectionName)
    return inputs;
  if (typeof inputs.name !== "string" || recaptureRequested(inputs.name)) return inputs;
  return { ...inputs, connectionFingerprint: recorded };
}

/**
 * The warning a host shows when a stage's copy is older than its connection (and the stage keeps it),
 * or undefined. It names the two ways to re-capture. Shared by every host, so the text is one.
 */
export function staleCopyWarning(args: {
  stageName: string;
  captured: CapturedConnection | undefined;
  connectionName: string | undefined;
  connectionFingerprint: string | undefined;
  onConnectionChange: string | undefined;
}): string | undefined {
  const { captured: cap, connectionName: name, connectionFingerprint: fp } = args;
  if (!cap || name === undefined || args.onConnectionChange === "recreate") return undefined;
  const renamed = cap.name !== name;
  const changed = fp !== undefined && !isLegacyFingerprint(cap.fingerprint) && cap.fingerprint !== fp;
  if (!renamed && !changed) return undefined;
  const what = renamed ? `the stage now refers to connection '${name}'` : `connection '${name}' has changed`;
  return (
    `stage '${args.stageName}' holds a copy of connection '${cap.name}' taken at ${cap.capturedAt}, and ${what} since. ` +
    "Databend does not pass connection changes on to existing stages, so the stage still uses the old parameters. " +
    `To re-capture once, run \`${RECAPTURE_VARIABLE}=${args.stageName} pulumi up\`; to re-capture on every ` +
    'change, set onConnectionChange: "recreate" on the stage.'
  );
}

/**
 * What makes an external stage's location need `ALTER STAGE ... SET URL = ... CONNECTION = (...)`: a
 * new URL or credentials, a connection added, or (with `onConnectionChange: "recreate"`) a changed
 * connection. Shared by `diff` (which decides) and `update` (which acts), so they cannot disagree.
 */
function locationChanges(olds: Props, news: Props): string[] {
  const changes = containsUnknown(news.url) || !same(olds.url, news.url) ? ["url"] : [];
  if (containsUnknown(news.credentials) || !credentialsMatch(recordedCredentials(olds), parseStage(news)))
    changes.push("credentials");
  const external = news.url !== undefined && news.url !== null;
  const requested = typeof news.connectionName === "string" && recaptureRequested(String(news.name));
  const recapture = requested || (news.onConnectionChange === "recreate" && connectionChanged(olds, news));
  const connectionAdded = typeof news.connectionName === "string" && typeof olds.connectionName !== "string";
  if (external && (recapture || connectionAdded)) changes.push("connection");
  // A secret of the stage changed outside Pulumi (seen by refresh): setting the location again repairs it.
  if (external && hasSecretDrift(olds.secretMasks) && changes.length === 0)
    changes.push(typeof news.connectionName === "string" ? "connection" : "credentials");
  return changes;
}

/** Normalises enum spellings so `GZIP`, `Gzip` and `gzip` compare equal, as do `FIELD_DEFAULT` and `FieldDefault`. */
function normEnum(v: unknown): string {
  return String(v).replace(/_/g, "").toLowerCase();
}

/**
 * Compares the file format the user set with the server's `file_format_options` (which lists every
 * option with its default) and returns the format as the server has it, in the user's terms.
 */
export function reconcileFileFormat(
  mine: FileFormatInput | undefined,
  server: Record<string, unknown>,
): FileFormatInput | undefined {
  if (!mine || "formatName" in mine) return mine; // a named format is resolved by the server: nothing to compare
  const serverType = fileFormatTypeFromServer(server.type);
  if (!serverType || !isFileFormatType(mine.type)) return mine;
  // TSV and TEXT are one format, which Databend reports as `Text`: the user's name is kept.
  if (!sameFormatType(serverType, mine.type)) return { type: serverType };
  const out: Record<string, unknown> = { type: mine.type };
  for (const [key, spec] of Object.entries(FILE_FORMATS[mine.type])) {
    if (mine[key] === undefined) continue; // options left to the server's default are never drift
    const actual = server[serverKeyOf(spec)];
    if (actual === undefined) {
      out[key] = mine[key];
    } else if (spec.type === "enum") {
      const matches = [String(mine[key]), ...(spec.storedAs?.[String(mine[key])] ?? [])].some(
        (v) => normEnum(v) === normEnum(actual),
      );
      out[key] = matches ? mine[key] : String(actual).toUpperCase();
    } else if (spec.type === "integer") {
      out[key] = Number(actual);
    } else if (spec.type === "boolean") {
      out[key] = actual === true || actual === "true" || actual === 1;
    } else if (spec.type === "stringList") {
      out[key] = Array.isArray(actual) ? actual.map(String) : mine[key];
    } else {
      out[key] = String(actual);
    }
  }
  return out as FileFormatInput;
}

/**
 * Stage CRUD with Databend's copy semantics: a stage keeps the connection parameters it copied at
 * creation; a connection change never updates, replaces or deletes it unless `onConnectionChange` is
 * `recreate`. Internal stages are never CREATE OR REPLACEd and never dropped with files in them
 * unless `forceDestroy` is set.
 */
export function stageHandlers(session: () => Promise<SqlSession>, deps: StageDeps = {}): ResourceHandlers {
  /**
   * `verify` after create and update: an external stage is listed from Databend, with retries while
   * IAM may still be propagating; an internal stage is readable by definition (no statement). A failure
   * comes back as the error to throw, wrapped by {@link initFailure} around the outputs.
   */
  async function verifyAfterWrite(
    s: SqlSession,
    spec: StageSpec,
  ): Promise<{ access?: AccessCheck; failure?: Error }> {
    if (!spec.verify) return {};
    if (spec.url === undefined) return { access: { readable: true, verifiedAt: new Date().toISOString() } };
    const subject = {
      name: spec.name,
      url: spec.url,
      connectionName: spec.connection?.name,
      secrets: secretsOf(spec),
    };
    const result = await verifyStageAccess(probe(s, subject), subject, {
      timeoutSeconds: spec.verifyTimeoutSeconds ?? DEFAULT_VERIFY_TIMEOUT_SECONDS,
    });
    const access = {
      readable: result.readable,
      verifiedAt: result.verifiedAt,
      accessProblem: result.accessProblem,
    };
    if (!result.readable) return { access, failure: verificationFailure(subject, result) };
    if (result.attempts > 1)
      notify(
        "info",
        `stage '${spec.name}' verified from Databend after ${result.attempts} attempts in ${result.seconds} s`,
      );
    return { access };
  }

  /** The `verify` probe of a stage: `LIST` of an empty sub-folder, from Databend. */
  function probe(s: SqlSession, subject: VerifySubject): StageProbe {
    return () =>
      s.query(renderVerifyStage(subject.name), {
        action: `verify stage ${subject.name}`,
        secrets: subject.secrets,
      });
  }

  /**
   * A failed verification as a ResourceInitError carrying the outputs: the stage exists, so the host
   * records it (with `readable: false`) and the next `up` verifies it again.
   */
  function initFailure(failure: Error, spec: StageSpec, outs: Props): ResourceInitError {
    return new ResourceInitError(failure.message, spec.name, outs);
  }

  /**
   * The refresh probe: one statement, no retry. A result equal to the recorded one keeps the recorded
   * time, so a healthy refresh is no change of state; a change of health is, and is announced.
   */
  async function recheck(s: SqlSession, spec: StageSpec, props: Props): Promise<Partial<AccessCheck>> {
    const before: Partial<AccessCheck> = {
      readable: typeof props.readable === "boolean" ? props.readable : undefined,
      verifiedAt: typeof props.verifiedAt === "string" ? props.verifiedAt : undefined,
      accessProblem: typeof props.accessProblem === "string" ? props.accessProblem : undefined,
    };
    const subject: VerifySubject | undefined =
      spec.url === undefined
        ? undefined
        : { name: spec.name, url: spec.url, connectionName: spec.connection?.name, secrets: secretsOf(spec) };
    const problem = subject ? await probeStage(probe(s, subject), subject) : undefined;
    const readable = problem === undefined;
    if (before.readable === readable && before.accessProblem === problem?.text && before.verifiedAt)
      return compact(before);
    const now: AccessCheck = compact({
      readable,
      verifiedAt: new Date().toISOString(),
      accessProblem: problem?.text,
    }) as unknown as AccessCheck;
    if (!readable) notify("warning", unreadableNotice(spec.name, now));
    return now;
  }

  async function supportsAlter(s: SqlSession): Promise<boolean> {
    return versionAtLeast(await s.serverVersion(), ALTER_STAGE_SINCE);
  }

  /** DESC STAGE, read into one shape from the 13-column layout and the older Debug-string one. */
  async function describe(s: SqlSession, name: string): Promise<StageRow | undefined> {
    const rows = await s.query(renderDescStage(name), { action: `read stage ${name}`, hints: HINTS });
    return rows[0] ? parseStageRow(rows[0]) : undefined;
  }

  /** How many files `LIST @name` finds, or undefined when the stage does not exist (2501). */
  async function listFiles(s: SqlSession, name: string): Promise<number | undefined> {
    try {
      const files = await s.query(renderListStage(name), {
        action: `list files of stage ${name}`,
        hints: HINTS,
      });
      return files.length;
    } catch (e) {
      if (isDatabendError(e) && e.serverCode === 2501) return undefined;
      throw e;
    }
  }

  /**
   * Servers without ALTER STAGE also drop COMMENT from CREATE STAGE, so they cannot store a comment:
   * refuse one before anything is created.
   */
  async function assertCommentStorable(s: SqlSession, spec: StageSpec, action: string): Promise<void> {
    if (spec.comment === undefined || (await supportsAlter(s))) return;
    throw new DatabendError(
      `${action}: Databend ${await s.serverVersion()} cannot store a stage comment (it ignores COMMENT in ` +
        `CREATE STAGE and has no ALTER STAGE, which arrived in ${ALTER_STAGE_SINCE}); remove \`comment\` or ` +
        "upgrade the server",
      { code: "InvalidInput", retryable: false },
    );
  }

  async function setComment(s: SqlSession, spec: StageSpec, action: string): Promise<void> {
    // Without ALTER STAGE there is no comment to set (see assertCommentStorable) and none to clear.
    if (!(await supportsAlter(s))) return;
    // The stored comment ends with this stack's owner marker: the proof DATABEND_ADOPT='*' asks for.
    await s.exec(renderAlterStageComment(spec.name, withOwnerMarker(spec.comment, stackIdentity())), {
      action,
      hints: HINTS,
      idempotent: true,
    });
  }

  async function adoptExisting(s: SqlSession, spec: StageSpec, described?: StageRow): Promise<void> {
    const row = described ?? (await describe(s, spec.name));
    // Anything but an external stage may hold files (Internal, and the older layouts' other kinds).
    const existingInternal = row !== undefined && row.stageType !== "External";
    const action = `adopt stage ${spec.name}`;
    if (existingInternal && spec.url !== undefined) {
      throw new DatabendError(
        `${action}: the existing stage is internal and may hold files; adopting it as an external stage would ` +
          "delete them. Drop it yourself, or adopt it as an internal stage (no url)",
        { code: "InvalidInput", retryable: false },
      );
    }
    if (existingInternal) {
      // Without ALTER STAGE the stage is taken over as it is (re-creating it would delete its files); a
      // different file format then shows as drift, and changing it goes through delete's file check.
      if (await supportsAlter(s)) {
        await s.exec(renderAlterStageFileFormat(spec.name, spec.fileFormat), { action, hints: HINTS });
      }
      return;
    }
    if (spec.url !== undefined && (await supportsAlter(s))) {
      await s.exec(renderAlterStageUrl(spec.name, spec.url, sourceOf(spec)), {
        action,
        secrets: secretsOf(spec),
        hints: HINTS,
      });
      await s.exec(renderAlterStageFileFormat(spec.name, spec.fileFormat), { action, hints: HINTS });
      return;
    }
    // The existing stage is external: it holds no files of its own, so replacing it loses nothing. CREATE OR
    // REPLACE would delete an internal stage's files: `row` is the live stage, read right before this (no
    // statement goes in between), and a stage that was gone is created plainly, never replaced.
    await s.exec(
      renderCreateStage(
        spec.name,
        { url: spec.url, source: sourceOf(spec), fileFormat: spec.fileFormat },
        { orReplace: row !== undefined },
      ),
      {
        action,
        secrets: secretsOf(spec),
        hints: HINTS,
      },
    );
  }

  /**
   * Whether the existing stage `row` is provably this stack's own: its comment carries this stack's
   * owner marker; on servers that keep no stage comments (before 1.2.867), exact settings stand in:
   * the same kind, URL and file format, and no files in an internal stage. Never a stage with files
   * that carries no marker.
   */
  async function ownership(s: SqlSession, spec: StageSpec, row: StageRow): Promise<Ownership> {
    const owner = readOwnerMarker(row.comment).owner;
    const me = stackIdentity();
    if (owner !== undefined) {
      return owner === me
        ? { proven: true, evidence: `its comment carries this stack's marker \`${ownerMarker(owner)}\`` }
        : {
            proven: false,
            evidence: `its comment carries the marker of stack '${owner}'${me ? `, not this stack's ('${me}')` : ""}`,
          };
    }
    if (await supportsAlter(s)) {
      return {
        proven: false,
        evidence:
          "its comment carries no stack's marker (the provider writes one right after CREATE STAGE; stages made " +
          "by hand, by other tools or by earlier versions of this provider have none)",
      };
    }
    const internal = row.stageType === "Internal";
    const version = await s.serverVersion();
    const noComments = `Databend ${version} keeps no stage comments, so only settings can speak`;
    if (internal !== (spec.url === undefined)) {
      return { proven: false, evidence: `${noComments}, and it is ${internal ? "internal" : "external"}` };
    }
    if (!internal && !(typeof row.url === "string" && spec.url !== undefined && sameUrl(spec.url, row.url))) {
      return { proven: false, evidence: `${noComments}, and its URL is another` };
    }
    if (!sameFileFormat(spec.fileFormat, row.fileFormat)) {
      return { proven: false, evidence: `${noComments}, and its file format is another` };
    }
    if (internal) {
      const files = await s.query(renderListStage(spec.name), {
        action: `list files of stage ${spec.name}`,
        hints: HINTS,
      });
      if (files.length > 0) {
        return {
          proven: false,
          evidence: `${noComments}, and it holds ${files.length} file(s), which no settings can prove are this stack's`,
        };
      }
    }
    return {
      proven: true,
      evidence:
        `${noComments}: it has exactly this resource's settings (${internal ? "internal, empty" : "the same URL"}, ` +
        "the same file format)",
    };
  }

  /**
   * A CREATE STAGE whose answer never came (a cut connection, a timeout) may have run. When the stage
   * now exists with no comment at all and the kind and URL this create sent, this stack's marker is
   * written at once, so that `DATABEND_ADOPT='*'` takes it over on the next `up`, and the error says
   * so. The one other explanation, an identical stage without a comment made by someone else before,
   * is what exact settings cannot rule out. Anything unexpected leaves the error as it was.
   */
  async function markedAfterLostAnswer(
    s: SqlSession,
    spec: StageSpec,
    e: DatabendError,
  ): Promise<DatabendError> {
    const me = stackIdentity();
    // A refused connection or an HTTP 5xx answer says the statement did not run: nothing of ours is there.
    if (me === undefined || /ECONNREFUSED|connection refused|ResponseError: \(5\d\d/i.test(e.message))
      return e;
    try {
      if (!(await supportsAlter(s))) return e;
      const row = await describe(s, spec.name);
      if (!row || row.comment !== undefined || (row.stageType === "Internal") !== (spec.url === undefined))
        return e;
      if (spec.url !== undefined && !(typeof row.url === "string" && sameUrl(spec.url, row.url))) return e;
      await setComment(s, spec, `mark stage ${spec.name}`);
      return withMoreHint(
        e,
        "The stage exists now, with the settings this create sent and no comment, so it was marked as this " +
          `stack's (\`${ownerMarker(me)}\`): \`${ADOPT_VARIABLE}='*' pulumi up\` takes it over`,
      );
    } catch {
      return e;
    }
  }

  /** The hint for 2502: whose the existing stage is on the evidence, and what to do. */
  async function existsHint(spec: StageSpec): Promise<string> {
    let same: boolean;
    let owned: Ownership | undefined;
    try {
      const s = await session();
      const row = await describe(s, spec.name);
      const external = row?.stageType !== "Internal";
      same =
        !!row &&
        external === (spec.url !== undefined) &&
        (spec.url === undefined || (typeof row.url === "string" && sameUrl(spec.url, row.url)));
      owned = row ? await ownership(s, spec, row) : undefined;
    } catch {
      same = false;
    }
    const rename =
      "if you renamed the resource in the program, add the `aliases` resource option with its old name";
    const takeOver = `take it over with \`adopt: true\` or \`${ADOPT_VARIABLE}=${spec.name} pulumi up\``;
    const evidence = owned ? ` Evidence: ${owned.evidence}.` : "";
    if (same && owned?.proven) {
      return (
        `Stage '${spec.name}' already exists with this location. If this stack manages it, Pulumi is creating its ` +
        "replacement before deleting it (Databend names are unique): to re-capture its connection run " +
        `\`${RECAPTURE_VARIABLE}=${spec.name} pulumi up\` instead of \`--replace\`; ${rename}; if an interrupted ` +
        `deployment left it behind, run \`${ADOPT_VARIABLE}=${spec.name} pulumi up\` (or \`${ADOPT_VARIABLE}='*'\`) ` +
        `once.${evidence} If another stack or person manages it, choose another name, or ${takeOver}`
      );
    }
    if (same) {
      return (
        `Stage '${spec.name}' already exists with this location, but nothing proves this stack made it.${evidence} ` +
        `If another stack or person manages it, choose another name; ${rename}; if it is this stack's own (an ` +
        `interrupted deployment left it behind) or you mean to manage it here, ${takeOver}`
      );
    }
    return (
      `Stage '${spec.name}' already exists with another location, so this resource did not create it: ` +
      `${takeOver}, or choose another name; ${rename}.${evidence}`
    );
  }

  return {
    async check(olds, news) {
      const inputs = withoutHostKeys(news);
      const failures = validateStageInputs(inputs);
      const dsnProblem = deps.dsnProblem?.();
      if (dsnProblem) failures.push({ property: "", reason: dsnProblem });
      else if (failures.length === 0)
        failures.push(...printableStageFailures(await versionFailures(session, stageVersionGates(inputs))));
      noticePlannedTakeOver("stage", inputs.name, inputs.adopt === true, olds.name !== undefined);
      return { inputs: keepingCapturedFingerprint(olds, withDefaults(inputs)), failures };
    },

    async diff(_id, rawOlds, rawNews) {
      const olds = withDefaults(rawOlds);
      const news = withDefaults(rawNews);
      if (isUnknown(news.name)) return { changes: true };
      // A new name is a new object: created first, then the old one is dropped.
      if (news.name !== olds.name) return { changes: true, replaces: ["name"], deleteBeforeReplace: false };
      const name = String(news.name);
      const wasInternal = olds.url === undefined || olds.url === null;
      const isInternal = news.url === undefined || news.url === null;
      // The name stays, and Databend names are unique: every replacement deletes first.
      if (wasInternal !== isInternal) return { changes: true, replaces: ["url"], deleteBeforeReplace: true };
      const alters = locationChanges(olds, news);
      const formatChanged = containsUnknown(news.fileFormat) || !same(olds.fileFormat, news.fileFormat);
      const other =
        ["comment", "onConnectionChange", "forceDestroy", "adopt", "verifyTimeoutSeconds"].some(
          (k) => containsUnknown(news[k]) || !same(olds[k], news[k]),
        ) ||
        containsUnknown(news.verify) ||
        (news.verify === true) !== (olds.verify === true);
      // A stage whose last check (an `up`, or the refresh before this diff) found it unreadable is drift:
      // the update that follows verifies it again.
      const unreadable = news.verify === true && !isInternal && olds.readable === false;
      if (unreadable) notify("warning", unreadableNotice(name, olds));
      if (alters.length === 0 && !formatChanged && !other && !unreadable) {
        claimName("stage", name);
        return { changes: false };
      }
      if (alters.length > 0 && typeof news.connectionName === "string") {
        const why = recaptureRequested(name)
          ? `re-capture requested with ${RECAPTURE_VARIABLE}`
          : hasSecretDrift(olds.secretMasks)
            ? "a secret of its copy was changed outside Pulumi"
            : alters.includes("connection") && news.onConnectionChange === "recreate"
              ? 'its connection changed and onConnectionChange is "recreate"'
              : `its ${alters.filter((a) => a !== "connection").join(" and ") || "connection"} changed`;
        notify(
          "info",
          `stage '${name}' will copy connection '${news.connectionName}' again (${why}): Databend re-copies the ` +
            "connection's current parameters whenever a stage's location is set",
        );
      }
      if (alters.length > 0 || formatChanged) {
        const s = await session();
        if (!(await supportsAlter(s))) {
          // No ALTER STAGE on this server: an external stage is dropped and created again (it holds no
          // files of its own); an internal one goes through delete's file check.
          return {
            changes: true,
            replaces: formatChanged ? ["fileFormat", ...alters] : alters,
            deleteBeforeReplace: true,
          };
        }
      }
      claimName("stage", name);
      return { changes: true };
    },

    async create(inputs) {
      const spec = parseStage(inputs);
      const s = await session();
      invalidateListings();
      const action = `create stage ${spec.name}`;
      await assertCommentStorable(s, spec, action);
      let adopted = false;
      try {
        await s.exec(
          renderCreateStage(spec.name, {
            url: spec.url,
            source: sourceOf(spec),
            fileFormat: spec.fileFormat,
          }),
          {
            action,
            secrets: secretsOf(spec),
            hints: HINTS,
          },
        );
      } catch (e) {
        if (isDatabendError(e) && e.serverCode === undefined) throw await markedAfterLostAnswer(s, spec, e);
        if (!(isDatabendError(e) && e.serverCode === 2502)) throw e;
        const request = adoptRequest(spec.name, spec.adopt);
        if (!request) throw withMoreHint(e, await existsHint(spec));
        const row = await describe(s, spec.name);
        const owned: Ownership = row
          ? await ownership(s, spec, row)
          : { proven: true, evidence: "it was gone when described, so the stage is this resource's new one" };
        if (request === "wildcard" && !owned.proven) {
          throw withMoreHint(e, wildcardRefusal("stage", spec.name, owned.evidence, true));
        }
        await adoptExisting(s, spec, row);
        adopted = true;
        noticeTakenOver("stage", spec.name, request, owned);
      }
      claimName("stage", spec.name);
      const captured = capture(spec);
      const masks = stageSecretMasks(spec, undefined);
      const outs = stageOutputs(spec, captured, undefined, masks);
      if (spec.comment !== undefined || spec.adopt || adopted || stackIdentity() !== undefined) {
        try {
          await setComment(s, spec, action);
        } catch (e) {
          throw new ResourceInitError(e instanceof Error ? e.message : String(e), spec.name, {
            ...outs,
            comment: undefined,
          });
        }
      }
      const v = await verifyAfterWrite(s, spec);
      const verifiedOuts = stageOutputs(spec, captured, undefined, masks, v.access);
      if (v.failure) throw initFailure(v.failure, spec, verifiedOuts);
      return { id: spec.name, outs: verifiedOuts };
    },

    async read(id, props) {
      const s = await session();
      const listed = await listedRow(s, LISTING, id);
      const row = listed === null ? undefined : listed ? parseStageRow(listed) : await describe(s, id);
      if (!row) return { id: "" };
      const state = parseStage({ ...props, name: id });
      const external = row.stageType !== "Internal";
      const serverUrl = external ? row.url : undefined;
      const url =
        serverUrl === undefined
          ? undefined
          : state.url !== undefined && sameUrl(state.url, serverUrl)
            ? state.url
            : serverUrl;
      const next: StageSpec = {
        ...state,
        name: id,
        url,
        fileFormat: reconcileFileFormat(state.fileFormat, row.fileFormat),
        // The owner marker is the provider's, not the user's: never shown, never drift.
        comment: readOwnerMarker(row.comment).text,
      };
      if (!external) {
        next.connection = undefined;
        next.credentials = undefined;
      }
      const outs = stageOutputs(
        next,
        external ? (props.capturedConnection as CapturedConnection | undefined) : undefined,
      );
      const recorded = recordedCredentials(props);
      if (external && recorded !== undefined) outs.credentialsFingerprint = recorded;
      if (external && props.secretMasks !== undefined) {
        const keys = Object.keys(props.secretMasks as object);
        const masks = compareSecretMasks(
          props.secretMasks,
          shownStageSecrets(row.storageType, row.storageParams, keys),
        );
        if (masks.changed.length) notify("warning", secretDriftNotice("stage", id, masks.changed));
        if (masks.secretMasks) outs.secretMasks = masks.secretMasks;
      }
      if (next.verify) Object.assign(outs, await recheck(s, next, props));
      return {
        id,
        props: outs,
        inputs: inputsFromOutputs(outs, [
          "stageType",
          "capturedConnection",
          "credentialsFingerprint",
          "secretMasks",
          ...ACCESS_OUTPUTS,
        ]),
      };
    },

    async update(_id, olds, news) {
      const prev = parseStage(olds);
      const spec = parseStage(news);
      const s = await session();
      invalidateListings();
      const action = `update stage ${spec.name}`;
      if (!same(prev.comment, spec.comment)) await assertCommentStorable(s, spec, action);
      let captured = olds.capturedConnection as CapturedConnection | undefined;
      // The digests of what the stage holds: kept while its location stays (inline credentials, the
      // same as recorded, gain digests written by an older version), taken anew when it is set.
      let secretMasks =
        spec.url === undefined
          ? undefined
          : sourceOf(spec).kind === "credentials"
            ? stageSecretMasks(spec, olds.secretMasks)
            : recordedSecretMasks(olds.secretMasks);
      if (spec.url !== undefined && locationChanges(withDefaults(olds), withDefaults(news)).length > 0) {
        await s.exec(renderAlterStageUrl(spec.name, spec.url, sourceOf(spec)), {
          action,
          secrets: secretsOf(spec),
          hints: HINTS,
          idempotent: true,
        });
        captured = capture(spec);
        secretMasks = stageSecretMasks(spec, olds.secretMasks);
      }
      if (!same(prev.fileFormat, spec.fileFormat)) {
        await s.exec(renderAlterStageFileFormat(spec.name, spec.fileFormat), {
          action,
          hints: HINTS,
          idempotent: true,
        });
      }
      if (!same(prev.comment, spec.comment)) await setComment(s, spec, action);
      claimName("stage", spec.name);
      const v = await verifyAfterWrite(s, spec);
      const outs = stageOutputs(
        spec,
        spec.url === undefined ? undefined : captured,
        recordedCredentials(olds),
        secretMasks,
        v.access,
      );
      if (v.failure) throw initFailure(v.failure, spec, outs);
      return { outs };
    },

    async delete(id, props) {
      if (keptForSuccessor("stage", id, "stage")) return;
      if (keepRequested(id)) {
        notify("info", keptNotice(id));
        return;
      }
      const spec = parseStage(props);
      const s = await session();
      invalidateListings();
      const forced = forceDestroyRequested(id);
      // The drop is decided from the live stage, never from the state, which may be out of date (the name
      // re-created outside Pulumi as an internal stage with files). One case needs no read: the state
      // records an internal stage with forceDestroy, so whatever lives under the name may go (an external
      // stage holds no files of its own, an internal one was forced).
      if (forced || spec.url !== undefined || !spec.forceDestroy) {
        const row = await describe(s, id);
        if (!row) return; // already gone
        if (row.stageType !== "External") {
          const files = await listFiles(s, id);
          if (files === undefined) return; // gone since DESC
          if (files > 0 && !forced) {
            throw blockedDropError({ name: id, files, stateSaysExternal: spec.url !== undefined });
          }
          if (files > 0) notify("info", forcedNotice(id, files));
        }
      }
      await s.exec(renderDropStage(id), { action: `delete stage ${id}`, hints: HINTS, idempotent: true });
    },
  };
}

/** Outputs of the access check; never inputs. */
const ACCESS_OUTPUTS = ["readable", "verifiedAt", "accessProblem"] as const;

/** The warning for a stage found unreadable: names the stage, when, and the cause. */
function unreadableNotice(name: string, check: Props | AccessCheck): string {
  const c = check as Partial<Record<string, unknown>>;
  return (
    `stage '${name}' cannot read its location from Databend (checked ${String(c.verifiedAt ?? "")}): ` +
    `${String(c.accessProblem ?? "unknown cause")} Restore access, or fix the stage and run \`pulumi up\`.`
  );
}

/** Whether the server's file format is the one `mine` asks for (Parquet, Databend's default, when absent). */
function sameFileFormat(mine: FileFormatInput | undefined, server: Record<string, unknown>): boolean {
  if (mine === undefined) {
    const type = fileFormatTypeFromServer(server.type);
    return type === undefined || type === "PARQUET";
  }
  return same(reconcileFileFormat(mine, server), mine);
}

/** URLs are equal up to a trailing `/` on a bare bucket and scheme case. */
function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) =>
    u.replace(/^([a-z0-9+]+):\/\//i, (_m, sch: string) => `${sch.toLowerCase()}://`).replace(/\/$/, "");
  return norm(a) === norm(b);
}
