/**
 * The machine's listening TCP sockets, read from /proc/net/tcp and /proc/net/tcp6 (Linux), and the
 * ones a process owns (its /proc/<pid>/fd links `socket:[inode]`).
 */
import { readFile, readdir, readlink } from 'node:fs/promises';

export interface ListenSocket {
  /** `127.0.0.1`, `0.0.0.0`, `::1`, `::`, `::ffff:127.0.0.1`... */
  readonly address: string;
  readonly port: number;
  readonly inode: string;
}

const LISTEN = '0A';

/** /proc/net/tcp stores each 32-bit word of the address in host (little-endian) order. */
function decodeAddress(hex: string): string {
  const bytes = Buffer.concat((hex.match(/.{8}/g) ?? []).map((w) => Buffer.from(w, 'hex').reverse()));
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i));
  const zeros = (n: number): boolean => groups.slice(0, n).every((g) => g === 0);
  if (zeros(5) && groups[5] === 0xffff) return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  if (zeros(8)) return '::';
  if (zeros(7) && groups[7] === 1) return '::1';
  return groups.map((g) => g.toString(16)).join(':');
}

async function table(file: string): Promise<ListenSocket[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const rows: ListenSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const [local, , state, , , , , , inode] = cols.slice(1);
    if (local === undefined || state !== LISTEN || inode === undefined) continue;
    const [addr = '', port = ''] = local.split(':');
    rows.push({ address: decodeAddress(addr), port: Number.parseInt(port, 16), inode });
  }
  return rows;
}

/** Every listening TCP socket on this machine (IPv4 and IPv6). */
export async function listenSockets(): Promise<ListenSocket[]> {
  return [...(await table('/proc/net/tcp')), ...(await table('/proc/net/tcp6'))];
}

/** The listening sockets the process `pid` holds open. */
export async function listenSocketsOf(pid: number): Promise<ListenSocket[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m?.[1] !== undefined) inodes.add(m[1]);
  }
  return (await listenSockets()).filter((s) => inodes.has(s.inode));
}

/** Loopback only: 127.0.0.0/8, ::1, or 127.x mapped into IPv6. */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./.test(address);
}
