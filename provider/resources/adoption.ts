/**
 * Taking over an object that already exists (`adopt: true`, `DATABEND_ADOPT`): the rule and its
 * words. A name the user gave (`adopt: true`, or `DATABEND_ADOPT=<name>`) is their decision; the
 * wildcard `DATABEND_ADOPT='*'`, the documented recovery after an interrupted deployment, takes over
 * only what this stack can prove it made, so no recovery step touches another stack's objects. Every
 * take-over is reported with its evidence.
 */

import { ADOPT_VARIABLE, adoptRequest } from "../settings";
import { notify } from "./notices";

/** What was found about whether an existing object is this stack's own. */
export interface Ownership {
  /** True when it is proven to be this stack's own, so the wildcard may take it over. */
  readonly proven: boolean;
  /** The evidence in words ("its comment carries this stack's marker ..."), for notices and hints. */
  readonly evidence: string;
}

/** How the user can take an object of kind `label` over explicitly. */
function explicitForms(name: string, withFlag: boolean): string {
  const variable = `\`${ADOPT_VARIABLE}=${name} pulumi up\``;
  return withFlag ? `${variable} (or \`adopt: true\`)` : variable;
}

/** Tells the user that `label` `name` existed and was taken over, how it was asked for, and on what evidence. */
export function noticeTakenOver(
  label: string,
  name: string,
  request: "explicit" | "wildcard",
  ownership: Ownership,
): void {
  const how =
    request === "wildcard"
      ? `\`${ADOPT_VARIABLE}='*'\`, on proof that this stack made it`
      : "you named it for adoption";
  notify(
    "info",
    `${label} '${name}' already existed and was taken over (${how}): ${ownership.evidence}. It is now in this ` +
      "stack's state: this stack updates it and `pulumi destroy` of this stack deletes it",
  );
}

/**
 * The hint of a wildcard that did not take `label` `name` over: the evidence it found, and how to
 * take it over anyway. `withFlag` when the resource has an `adopt` input.
 */
export function wildcardRefusal(label: string, name: string, evidence: string, withFlag: boolean): string {
  return (
    `\`${ADOPT_VARIABLE}='*'\` takes over only what this stack can prove it made, and nothing proves that of ` +
    `${label} '${name}': ${evidence}. It was left as it is. If it is this stack's own, or you mean to take it ` +
    `over (its settings are replaced by this resource's), name it: ${explicitForms(name, withFlag)}; if another ` +
    "stack or person manages it, choose another name"
  );
}

/**
 * At `check` of a resource that has no state yet (a create), when `DATABEND_ADOPT` names it: says what
 * the run will take over, before anything runs (the preview). `adopt: true` needs no notice: the
 * preview shows it among the inputs. The wildcard's take-overs depend on what exists, which a preview
 * does not read; they are reported when they happen.
 */
export function noticePlannedTakeOver(label: string, name: unknown, flag: boolean, hasState: boolean): void {
  if (typeof name !== "string" || hasState || flag || adoptRequest(name) !== "explicit") return;
  notify(
    "info",
    `${ADOPT_VARIABLE} names ${label} '${name}': if it already exists, this run takes it over, whoever made ` +
      "it; its settings become this resource's, and this stack's `pulumi destroy` will delete it",
  );
}
