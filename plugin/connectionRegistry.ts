/**
 * What this plugin process last saw of each Connection: its name, storage type and fingerprint.
 *
 * The dynamic SDK hands a Stage its connection's `storageType` and `fingerprint` as inputs, taken
 * from the Connection's outputs. A Pulumi YAML program only passes a resource reference (URN and ID)
 * or a name, and a provider cannot read other resources' state. But every resource of a deployment
 * goes through `check` in this one process, and a Stage is registered only after the Connection it
 * refers to has been (the reference is a dependency), so the Connection's `check` result is here by
 * the time the Stage's `check` runs. That is what the stage compares with its copy.
 */

/** A connection as the stage sees it. */
export interface ConnectionFacts {
  /** Its name in Databend. */
  name: string;
  /** Its storage type. */
  storageType?: string;
  /** Its fingerprint; undefined while not known (unknown inputs at preview). */
  fingerprint?: string;
  /** Its secrets' mask digests (`secretMasks`), which a stage records when it copies them. */
  secretMasks?: Record<string, string>;
}

/** Connections seen by URN and by name. */
export class ConnectionRegistry {
  private readonly byUrn = new Map<string, ConnectionFacts>();
  private readonly byName = new Map<string, ConnectionFacts>();

  /** Records the checked inputs of the Connection `urn`. */
  remember(urn: string, facts: ConnectionFacts): void {
    this.byUrn.set(urn, facts);
    this.byName.set(facts.name, facts);
  }

  /** The Connection with this URN, if it was checked in this process. */
  forUrn(urn: string): ConnectionFacts | undefined {
    return this.byUrn.get(urn);
  }

  /** The Connection with this Databend name, if one was checked in this process. */
  forName(name: string): ConnectionFacts | undefined {
    return this.byName.get(name);
  }
}
