/**
 * Per-test isolation of the process-wide state a deployment builds up in the provider: the names
 * claimed by resources, the notices sent to the person running the deployment, and the one-shot
 * environment variables (`DATABEND_ADOPT`, `DATABEND_RECAPTURE`). Call {@link freshDeployment} at the
 * top of a test file: every test then starts as a new deployment and sees only its own notices.
 */
import { resetClaims } from "../../provider/resources/claims";
import { invalidateListings } from "../../provider/resources/listings";
import { NoticeSeverity, setNoticeSink } from "../../provider/resources/notices";

/** One notice a handler sent. */
export interface RecordedNotice {
  severity: NoticeSeverity;
  message: string;
}

/** The environment variables a test may set; restored after every test. */
const VARIABLES = [
  "DATABEND_ADOPT",
  "DATABEND_RECAPTURE",
  "DATABEND_DSN",
  "DATABEND_FORCE_DESTROY",
  "DATABEND_KEEP",
] as const;

/** A deployment-scoped environment variable a test may set. */
export type DeploymentVariable = (typeof VARIABLES)[number];

/** What {@link freshDeployment} gives a test file. */
export interface DeploymentHarness {
  /** The notices sent during the current test, in order. */
  readonly notices: RecordedNotice[];
  /** Sets an environment variable for the current test only. */
  setEnv(name: DeploymentVariable, value: string): void;
}

/**
 * Registers `beforeEach`/`afterEach` hooks: claims are forgotten, notices captured, and the variables
 * in {@link VARIABLES} unset before each test and restored after it.
 */
export function freshDeployment(): DeploymentHarness {
  const notices: RecordedNotice[] = [];
  const saved = new Map<string, string | undefined>();
  beforeEach(() => {
    resetClaims();
    invalidateListings();
    notices.length = 0;
    setNoticeSink((severity, message) => notices.push({ severity, message }));
    for (const v of VARIABLES) {
      saved.set(v, process.env[v]);
      delete process.env[v];
    }
  });
  afterEach(() => {
    setNoticeSink(undefined);
    for (const v of VARIABLES) {
      const old = saved.get(v);
      if (old === undefined) delete process.env[v];
      else process.env[v] = old;
    }
    resetClaims();
    invalidateListings();
  });
  return {
    notices,
    setEnv(name, value) {
      process.env[name] = value;
    },
  };
}
