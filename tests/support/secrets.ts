/** Returns every secret value that occurs in `text` (an empty list is the only passing result). */
export function findSecrets(text: string, secrets: readonly string[]): string[] {
  return secrets.filter((s) => s.length > 0 && text.includes(s));
}

/** A random, recognisable secret value for a test. */
export function testSecret(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}${Math.random().toString(36).slice(2, 10)}`;
}
