import type { SqlSession } from "../provider/client/sqlSession";

/**
 * How the commands that read the account (`audit`, `import`) reach it: the DSN exactly as the provider
 * reads it (`--dsn` in place of `databend:dsn`, else `DATABEND_DSN`), the Databend driver required only
 * here, and the session closed afterwards.
 */
export async function withAccount<T>(
  dsn: string | undefined,
  read: (s: SqlSession) => Promise<T>,
): Promise<T> {
  const { configure } = await import("../provider/settings");
  const { getSession, closeSessions } = await import("../provider/client/databendClient");
  try {
    if (dsn !== undefined) configure({ dsn });
    return await read(await getSession());
  } finally {
    await closeSessions();
  }
}
