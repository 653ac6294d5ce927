/**
 * `aclk run` as a small host agent: its own node (hops 0) with what the operating system tells about
 * it, registered with the link (link.nodes.register) and served on the cloud's `GET /api/v1/info`.
 * The machine GUID is netdata's registry file (adapters/identity/machine-guid.ts).
 */
import { access, readFile } from 'node:fs/promises';
import { arch, cpus, hostname, release, totalmem, type } from 'node:os';
import type { NodeInfo } from '../effects/ports.js';
import { LINK_VERSION } from '../link/create-link.js';

export interface LocalNode {
  readonly machineGuid: string;
  readonly hostname: string;
  readonly info: NodeInfo;
}

/** Node's `os.arch()` in `uname -m` terms, as netdata reports it. */
const ARCH: Readonly<Record<string, string>> = { x64: 'x86_64', arm64: 'aarch64', ia32: 'i686', arm: 'armv7l' };

/** NAME and VERSION_ID of /etc/os-release (bounded; absent values are simply left out). */
async function osRelease(): Promise<{ name?: string; version?: string; id?: string }> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  const field = (key: string): string | undefined => {
    const m = new RegExp(`^${key}=("?)([^"\\n]{1,200})\\1$`, 'm').exec(text.slice(0, 16_384));
    return m?.[2];
  };
  const name = field('NAME');
  const version = field('VERSION_ID');
  const id = field('ID');
  return { ...(name ? { name } : {}), ...(version ? { version } : {}), ...(id ? { id } : {}) };
}

async function containerType(): Promise<string> {
  if (await access('/.dockerenv').then(() => true, () => false)) return 'docker';
  if (await access('/run/.containerenv').then(() => true, () => false)) return 'podman';
  return 'none';
}

export async function localNode(machineGuid: string): Promise<LocalNode> {
  const os = await osRelease();
  const cpu = cpus();
  const speedMHz = cpu[0]?.speed ?? 0;
  const info: NodeInfo = {
    os: type().toLowerCase(),
    ...(os.name ? { osName: os.name } : {}),
    ...(os.version ? { osVersion: os.version } : {}),
    kernelName: type(),
    kernelVersion: release(),
    architecture: ARCH[arch()] ?? arch(),
    cpus: cpu.length,
    cpuFrequency: String(speedMHz * 1_000_000),
    memory: String(totalmem()),
    diskSpace: '0',
    version: LINK_VERSION,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    virtualizationType: 'unknown',
    containerType: await containerType(),
  };
  return { machineGuid, hostname: hostname(), info };
}

/** The `/api/v1/info` answer, in the shape of netdata's (the fields it can fill). */
export function infoDocument(node: LocalNode, uptimeSeconds: number): Record<string, unknown> {
  const i = node.info;
  return {
    version: i.version, uid: node.machineGuid, hostname: node.hostname, agent: 'aclk', uptime: uptimeSeconds,
    os_name: i.osName ?? null, os_version: i.osVersion ?? null, kernel_name: i.kernelName, kernel_version: i.kernelVersion,
    architecture: i.architecture, cores_total: String(i.cpus ?? 0), cpu_freq: i.cpuFrequency, ram_total: i.memory,
    total_disk_space: i.diskSpace, virtualization: i.virtualizationType, container: i.containerType, timezone: i.timezone,
  };
}
