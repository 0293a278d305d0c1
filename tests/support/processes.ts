import * as fs from "fs";

/**
 * The processes a `pulumi` command starts, read from Linux's /proc: who they are (ours or Pulumi's),
 * whether they are still alive, and which TCP connections they hold. Used to check what a killed CLI
 * leaves running.
 */

/** Which program a process runs. */
export type ProcessRole =
  /** `pulumi-resource-databend` (plugin/main.ts): ours. */
  | "databend-plugin"
  /** Pulumi's `pulumi-resource-pulumi-nodejs` running this checkout's dynamic host: ours inside. */
  | "dynamic-provider"
  /** The `sh` of the `pulumi-resource-pulumi-nodejs` wrapper script (it waits for its node). */
  | "dynamic-provider-wrapper"
  /** `pulumi-language-nodejs`, `pulumi-language-yaml`: Pulumi's. */
  | "language-host"
  /** The Node program a language host runs (`@pulumi/pulumi/cmd/run`): Pulumi's. */
  | "program"
  | "other";

/** One process seen in the tree. */
export interface ProcessInfo {
  pid: number;
  /** Start time in clock ticks since boot (with `pid`, tells a process from a later one with its pid). */
  start: number;
  role: ProcessRole;
  /** The command line, arguments joined by spaces. */
  cmdline: string;
}

/** Roles whose code is this package's: they must exit when the engine is gone. */
export const OUR_ROLES: readonly ProcessRole[] = [
  "databend-plugin",
  "dynamic-provider",
  "dynamic-provider-wrapper",
];

function stat(pid: number): { ppid: number; start: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), start: Number(fields[19]) };
  } catch {
    return undefined;
  }
}

function cmdlineOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

/** The role of a process by its command line. */
export function roleOf(cmdline: string): ProcessRole {
  if (/dist\/plugin\/main\.js/.test(cmdline)) return "databend-plugin";
  if (/cmd\/dynamic-provider/.test(cmdline)) return "dynamic-provider";
  if (/^\S*sh \S*pulumi-resource-pulumi-nodejs/.test(cmdline)) return "dynamic-provider-wrapper";
  if (/pulumi-language-/.test(cmdline.split(" ")[0] ?? "")) return "language-host";
  if (/@pulumi\/pulumi\/cmd\/run/.test(cmdline)) return "program";
  return "other";
}

/** Every process below `root` (not `root` itself), with its role. */
export function descendants(root: number): ProcessInfo[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const s = stat(pid);
    if (!s) continue;
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const out: ProcessInfo[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    const s = stat(pid);
    if (!s) continue;
    const cmdline = cmdlineOf(pid);
    out.push({ pid, start: s.start, role: roleOf(cmdline), cmdline });
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Whether the process is still alive (the same process: its start time matches; zombies count as gone). */
export function alive(p: ProcessInfo): boolean {
  const s = stat(p.pid);
  if (!s || s.start !== p.start) return false;
  try {
    const state = fs.readFileSync(`/proc/${p.pid}/stat`, "utf8");
    return state.slice(state.lastIndexOf(")") + 2, state.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** Sends SIGKILL to `p` if it is still the same process (for cleaning up what a test started). */
export function killIfAlive(p: ProcessInfo): void {
  if (!alive(p)) return;
  try {
    process.kill(p.pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** The local ports of the established TCP connections process `pid` holds to `remotePort` (IPv4 loopback). */
export function tcpPortsTo(pid: number, remotePort: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
      const m = /^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1] as string);
    }
  } catch {
    return [];
  }
  return established(remotePort)
    .filter((c) => inodes.has(c.inode))
    .map((c) => c.localPort);
}

/** Established IPv4 TCP connections to `remotePort`, as the kernel lists them. */
export function established(remotePort: number): { localPort: number; inode: string }[] {
  const out: { localPort: number; inode: string }[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = Number.parseInt((f[1] ?? "").split(":")[1] ?? "", 16);
      const remote = Number.parseInt((f[2] ?? "").split(":")[1] ?? "", 16);
      if (remote === remotePort && f[3] === "01") out.push({ localPort: local, inode: f[9] as string });
    }
  }
  return out;
}

function safeReadlink(p: string): string {
  try {
    return fs.readlinkSync(p);
  } catch {
    return "";
  }
}
