/**
 * The words of a stage delete that was refused because the live stage holds files, and of the two
 * one-shot ways out (`DATABEND_KEEP`, `DATABEND_FORCE_DESTROY`). A delete runs with the settings its
 * resource was recorded with, so `forceDestroy: true` written into the program later never reaches a
 * delete that is already planned (the old name of a renamed stage, a removed resource): the ways out
 * are environment variables, read by the provider in every host.
 */

import { DatabendError } from "../errors/DatabendError";
import { FORCE_DESTROY_VARIABLE, KEEP_VARIABLE } from "../settings";

/** What the live stage was found to be when its delete was refused. */
export interface BlockedDrop {
  /** The stage's Databend name. */
  readonly name: string;
  /** How many files `LIST` found in it. */
  readonly files: number;
  /** True when this stack's state records an external stage (so it was re-created outside Pulumi). */
  readonly stateSaysExternal: boolean;
}

/** The two commands that get past a refused delete of stage `name`, for `pulumi up` and `pulumi destroy`. */
export function waysOut(name: string): string {
  const both = (variable: string) =>
    `\`${variable}=${name} pulumi up\` (or \`${variable}=${name} pulumi destroy\`, whichever you ran)`;
  return (
    `To keep the stage and its files in Databend and only remove it from this stack, run ${both(KEEP_VARIABLE)}; ` +
    `to drop it with its files, run ${both(FORCE_DESTROY_VARIABLE)}; or remove its files first (\`REMOVE @${name}\`)`
  );
}

/** The error of a delete refused because the live internal stage holds files. Nothing was sent after `LIST`. */
export function blockedDropError(b: BlockedDrop): DatabendError {
  const origin = b.stateSaysExternal
    ? " This stack's state records an external stage of that name: the internal one was created outside Pulumi " +
      "(`pulumi refresh` shows it)."
    : "";
  return new DatabendError(
    `delete stage ${b.name}: the internal stage holds ${b.files} file(s), which DROP STAGE would delete, so it was ` +
      `not dropped.${origin} ${waysOut(b.name)}. Setting \`forceDestroy: true\` in the program does not reach ` +
      "a delete already planned (the old name of a renamed stage, a removed resource): it runs with the settings " +
      "the resource was recorded with",
    { code: "InvalidInput", retryable: false },
  );
}

/** The notice of a delete that kept the stage in Databend because `DATABEND_KEEP` names it. */
export function keptNotice(name: string): string {
  return (
    `stage '${name}' was kept in Databend as it is, files included (${KEEP_VARIABLE}), and removed from this ` +
    `stack's state: drop it by hand when it is no longer needed, or take it over again with \`adopt: true\``
  );
}

/** The notice of a drop that deleted files because `DATABEND_FORCE_DESTROY` names the stage. */
export function forcedNotice(name: string, files: number): string {
  return `stage '${name}' was dropped with its ${files} file(s), as ${FORCE_DESTROY_VARIABLE} asked`;
}
