/**
 * The Node.js versions the package runs on. The TypeScript classes (at import) and the provider plugin
 * (at start) refuse an older Node with one line naming the Node they found and the one they need,
 * instead of failing later in a dependency.
 */

/** The oldest Node.js major version the package supports (`engines.node` in package.json). */
export const MIN_NODE_MAJOR = 22;

/**
 * Why `version` (default: this process's) cannot run the package, as one line, or undefined when it
 * can. `who` names the part that refuses, `execPath` the binary found.
 */
export function nodeVersionProblem(
  who: string,
  version: string = process.versions.node,
  execPath: string = process.execPath,
): string | undefined {
  const major = Number(version.split(".")[0]);
  if (Number.isInteger(major) && major >= MIN_NODE_MAJOR) return undefined;
  return (
    `${who} needs Node.js ${MIN_NODE_MAJOR} or later, but found Node.js v${version} (${execPath}): ` +
    `put a Node.js >= ${MIN_NODE_MAJOR} first on PATH`
  );
}
