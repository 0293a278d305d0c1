import type { Props } from "../resources/handlers";

/**
 * The object was created but a follow-up step failed. Carrying `id` and `properties` tells the host
 * (Pulumi's dynamic provider protocol reads these fields) that the object exists, so it is recorded
 * in state instead of being orphaned, and the next `up` finishes the job.
 */
export class ResourceInitError extends Error {
  /** Discriminant. */
  override readonly name = "ResourceInitError" as const;

  constructor(
    message: string,
    /** ID of the object that was created. */
    readonly id: string,
    /** Its outputs as far as they were applied. */
    readonly properties: Props,
    /** Why initialisation failed. */
    readonly reasons: string[] = [message],
  ) {
    super(message);
  }
}
