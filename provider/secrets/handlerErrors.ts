import type { Props, ResourceHandlers } from "../resources/handlers";
import { SECRET_PARAMS } from "../storage/storageSpecs";
import { maskSecrets } from "./mask";

/** Input keys whose values are secret wherever they appear (besides every storage type's secret parameters). */
const OTHER_SECRET_KEYS: ReadonlySet<string> = new Set(["externalId"]);

/** Every secret value held by `props`, at any depth (a stage's `credentials` included). */
export function secretsIn(...props: readonly unknown[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown, key: string | undefined): void => {
    if (typeof v === "string") {
      if (key !== undefined && (SECRET_PARAMS.has(key) || OTHER_SECRET_KEYS.has(key))) out.push(v);
    } else if (Array.isArray(v)) {
      v.forEach((x) => walk(x, key));
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) walk(x, k);
    }
  };
  props.forEach((p) => walk(p, undefined));
  return out;
}

/** Masks `secrets` in the message, stack, statement and causes of `e`, in place; returns `e`. */
function maskError(e: unknown, secrets: readonly (string | undefined)[]): unknown {
  const seen = new Set<unknown>();
  for (let cur: unknown = e; cur instanceof Error && !seen.has(cur); cur = cur.cause) {
    seen.add(cur);
    cur.message = maskSecrets(cur.message, secrets);
    if (cur.stack) cur.stack = maskSecrets(cur.stack, secrets);
    const withStatement = cur as Error & { statement?: unknown };
    if (typeof withStatement.statement === "string")
      Object.defineProperty(cur, "statement", { value: maskSecrets(withStatement.statement, secrets) });
  }
  return e;
}

/**
 * The same handlers, with every error they throw masked once more with every secret value of the
 * call's inputs and state (and `extra`, the DSN password): whatever built the error, and whatever the
 * server did to an echoed statement (see {@link maskSecrets}), no secret reaches either host.
 */
export function maskHandlerErrors(
  h: ResourceHandlers,
  extra: () => readonly (string | undefined)[] = () => [],
): ResourceHandlers {
  const guard =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await f(...args);
      } catch (e) {
        throw maskError(e, [
          ...secretsIn(...args.filter((a): a is Props => typeof a === "object")),
          ...extra(),
        ]);
      }
    };
  const wrapped: Record<string, unknown> = { ...h };
  for (const [name, f] of Object.entries(h)) {
    if (typeof f === "function") wrapped[name] = guard((f as (...a: unknown[]) => Promise<unknown>).bind(h));
  }
  return wrapped as unknown as ResourceHandlers;
}
