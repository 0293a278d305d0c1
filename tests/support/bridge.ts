import { stackEnv } from "./stackEnv";

/** What the local Databend endpoint has received (statements are masked by the bridge). */
export interface StatementLog {
  count: number;
  statements: string[];
}

function bridgeUrl(): string {
  const url = stackEnv().DATABEND_BRIDGE_URL;
  if (!url) throw new Error("DATABEND_BRIDGE_URL missing from .stack/env");
  return url;
}

/** Statements received by the local Databend endpoint since start or the last {@link resetStatements}. */
export async function statements(): Promise<StatementLog> {
  const r = await fetch(`${bridgeUrl()}/_bridge/statements`);
  if (!r.ok) throw new Error(`bridge statements: HTTP ${r.status}`);
  return (await r.json()) as StatementLog;
}

/** Resets the statement counter. */
export async function resetStatements(): Promise<void> {
  const r = await fetch(`${bridgeUrl()}/_bridge/statements/reset`, { method: "POST" });
  if (!r.ok) throw new Error(`bridge reset: HTTP ${r.status}`);
}
