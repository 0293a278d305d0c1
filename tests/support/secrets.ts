/**
 * What is left of `s` whatever a server, a logger or a JSON encoder did to its whitespace: whitespace,
 * control characters and their escaped renderings (`\t`, `\n`, `\x09`, `\u0009`) removed.
 */
function significant(s: string): string {
  return (
    s
      .replace(/\\(?:[tnrvf]|x[01][0-9a-fA-F]|u00[01][0-9a-fA-F])/g, "")
      // eslint-disable-next-line no-control-regex
      .replace(/[\s\u0000-\u001f\u007f]/g, "")
  );
}

/**
 * Returns every secret value that occurs in `text` (an empty list is the only passing result): as
 * written, or, for a secret that holds whitespace or control characters, re-rendered (a tab shown as
 * spaces or as `\t`, a line break escaped), which {@link significant} sees through on both sides.
 */
export function findSecrets(text: string, secrets: readonly string[]): string[] {
  let compact: string | undefined;
  return secrets.filter((s) => {
    if (s.length === 0) return false;
    if (text.includes(s)) return true;
    // eslint-disable-next-line no-control-regex
    if (!/[\s\u0000-\u001f\u007f]/.test(s)) return false;
    compact ??= significant(text);
    return compact.includes(significant(s));
  });
}

/** A random, recognisable secret value for a test. */
export function testSecret(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`;
}

/** A random secret with a tab inside, which Databend echoes as spaces (issue 21, F2). */
export function tabbedSecret(label: string): string {
  return `${testSecret(`${label}A`)}\t${testSecret(`${label}B`)}`;
}
