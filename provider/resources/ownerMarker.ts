/**
 * The owner marker: ` [pulumi-databend:<project>/<stack>]` at the end of a text Databend (or IAM)
 * keeps with an object, written when the provider creates it: the comment of a stage, the description
 * of an IAM role. It is the proof the wildcard `DATABEND_ADOPT='*'` asks for before it takes an
 * existing object over. `read` strips it, so the user sees their own comment and no drift.
 */

import { isStackIdentity } from "./stackIdentity";

const PREFIX = "[pulumi-databend:";

const TRAILING = /(?:^| )\[pulumi-databend:([^\]\s]*)\]$/;

/** The marker text of stack `identity`. */
export function ownerMarker(identity: string): string {
  return `${PREFIX}${identity}]`;
}

/** `text` with the marker of `identity` appended (or `text` itself when there is no identity). */
export function withOwnerMarker(text: string | undefined, identity: string | undefined): string | undefined {
  if (identity === undefined) return text;
  return text === undefined || text === "" ? ownerMarker(identity) : `${text} ${ownerMarker(identity)}`;
}

/** A stored text split into the user's part and the identity its marker names (if it has one). */
export function readOwnerMarker(stored: string | undefined): { text?: string; owner?: string } {
  if (stored === undefined) return {};
  const m = TRAILING.exec(stored);
  if (!m || !isStackIdentity(m[1])) return { text: stored };
  const text = stored.slice(0, m.index);
  return { text: text === "" ? undefined : text, owner: m[1] };
}
