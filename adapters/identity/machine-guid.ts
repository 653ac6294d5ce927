/**
 * The node's machine GUID: Netdata keeps it in `<varlib>/registry/netdata.public.unique.id`, one UUID
 * (registry_internals.c registry_get_this_machine_guid). It is sent as `mGUID` when claiming and names
 * the node in node-instance messages.
 *
 * Decisions:
 * - read with a bound (a regular file, at most 4 KiB); whitespace around the UUID is trimmed and it is
 *   lower-cased (the agent re-formats it with uuid_unparse_lower). Anything else in the file, a nil UUID,
 *   or one of the two GUIDs the agent blacklists (shipped in old distribution packages) is
 *   MACHINE_GUID_INVALID naming the file: never silently replaced (the agent replaces it, so one node
 *   could turn into two in the cloud). A file that cannot be read is MACHINE_GUID_UNREADABLE.
 * - absent: a random UUIDv4 (the agent uses a time-based v1, which leaks the MAC address and the time),
 *   written as exactly 36 characters without a newline like the agent's, mode 0644 (the agent asks for
 *   decimal 444, i.e. 0674, a typo; 0644 is what the file's "public" name and its readers need), in a
 *   directory made with 0770 as the agent makes `registry/`. The write is atomic and never replaces a
 *   file that appeared meanwhile (a temporary file hard-linked into place): two processes that create it
 *   at once end up with the same GUID. A failure is MACHINE_GUID_WRITE_FAILED.
 * - the default file: `<cloud-dir>/../registry/netdata.public.unique.id`, netdata's layout
 *   (/var/lib/netdata/cloud.d next to /var/lib/netdata/registry).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { link, open, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { LinkError } from '../../effects/errors.js';
import type { Logger } from '../../effects/ports.js';
import { FileReadError, readBoundedText } from '../fs/bounded-read.js';
import { makeDirs } from '../fs/make-dirs.js';
import { syncDirectory, tempNameFor, TEMP_RANDOM_BYTES, writeFileAtomic } from './atomic-file.js';

export const MACHINE_GUID_FILE = 'netdata.public.unique.id';
export const MACHINE_GUID_FILE_MODE = 0o644;
export const REGISTRY_DIR_MODE = 0o770;
const MAX_BYTES = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** GUIDs shipped in distribution packages that the agent refuses (registry_internals.c). */
const BLACKLISTED = new Set(['8a795b0c-2311-11e6-8563-000c295076a6', '4aed1458-1c3e-11e6-a53f-000c290fc8f5']);
const NIL = '00000000-0000-0000-0000-000000000000';

/** `<cloud-dir>/../registry/netdata.public.unique.id`. */
export function defaultMachineGuidFile(cloudDir: string): string {
  return join(dirname(resolve(cloudDir)), 'registry', MACHINE_GUID_FILE);
}

/** The canonical (lower-case) form of a machine GUID, or MACHINE_GUID_INVALID naming `where`. */
export function normalizeMachineGuid(value: string, where: string): string {
  const guid = value.trim().toLowerCase();
  const fail = (why: string): never => {
    throw new LinkError('MACHINE_GUID_INVALID', `${where}: ${why}; put one UUID there (or remove the file so a new one is made)`);
  };
  if (!UUID.test(guid)) fail(`not a UUID (${JSON.stringify(value.slice(0, 60))})`);
  if (guid === NIL) fail('the nil UUID is not a machine GUID');
  if (BLACKLISTED.has(guid)) fail(`${guid} was shipped in distribution packages and is shared by many machines`);
  return guid;
}

export interface MachineGuidOptions {
  readonly logger?: Logger;
  /** Source of new GUIDs (default crypto.randomUUID, a UUIDv4). */
  readonly newGuid?: () => string;
}

/** The GUID in `file`, or a new one written there when the file does not exist. */
export async function loadOrCreateMachineGuid(file: string, options: MachineGuidOptions = {}): Promise<string> {
  const existing = await readGuid(file);
  if (existing !== undefined) return existing;
  const guid = normalizeMachineGuid((options.newGuid ?? randomUUID)(), 'the new machine GUID');
  const kept = await createGuidFile(file, guid);
  if (kept === guid) options.logger?.info('machine GUID created', { file, machineGuid: guid });
  return kept;
}

export interface MachineGuidSource {
  /** A GUID given by the host: used as is (checked), no file is read or written. */
  readonly machineGuid?: string;
  /** Where the GUID is kept; default defaultMachineGuidFile(cloudDir). */
  readonly machineGuidFile?: string;
  readonly cloudDir: string;
}

/** The value when given, else the file's GUID (created when absent). */
export async function resolveMachineGuid(source: MachineGuidSource, options: MachineGuidOptions = {}): Promise<string> {
  if (source.machineGuid !== undefined) return normalizeMachineGuid(source.machineGuid, 'the machineGuid option');
  return loadOrCreateMachineGuid(source.machineGuidFile ?? defaultMachineGuidFile(source.cloudDir), options);
}

async function readGuid(file: string): Promise<string | undefined> {
  let text: string | undefined;
  try {
    text = await readBoundedText(file, { maxBytes: MAX_BYTES });
  } catch (error) {
    if (error instanceof FileReadError && error.problem !== 'unreadable') {
      throw new LinkError('MACHINE_GUID_INVALID', `${file}: ${error.reason}; the machine GUID file must be a small regular file holding one UUID`, { cause: error });
    }
    const reason = error instanceof FileReadError ? error.reason : String(error);
    throw new LinkError('MACHINE_GUID_UNREADABLE', `cannot read the machine GUID file ${file} (${reason}): check its permissions`, { cause: error });
  }
  return text === undefined ? undefined : normalizeMachineGuid(text, file);
}

/** Writes `guid` unless the file exists by then; returns the GUID the file holds. */
async function createGuidFile(file: string, guid: string): Promise<string> {
  const dir = dirname(file);
  try {
    await makeDirs(dir, REGISTRY_DIR_MODE);
    if (await linkIntoPlace(file, guid)) return guid;
  } catch (error) {
    const detail = error instanceof LinkError ? error.message : (error as NodeJS.ErrnoException).code ?? String(error);
    throw new LinkError('MACHINE_GUID_WRITE_FAILED', `cannot create the machine GUID file ${file} (${detail}): check that ${dir} is writable`, { cause: error });
  }
  // Someone else created it first: theirs is the node's GUID.
  const theirs = await readGuid(file);
  if (theirs === undefined) throw new LinkError('MACHINE_GUID_WRITE_FAILED', `the machine GUID file ${file} vanished while it was created`);
  return theirs;
}

/** true when our file is now in place, false when one already was. */
async function linkIntoPlace(file: string, guid: string): Promise<boolean> {
  const dir = dirname(file);
  const temp = join(dir, tempNameFor(basename(file), randomBytes(TEMP_RANDOM_BYTES).toString('hex')));
  const handle = await open(temp, 'wx', MACHINE_GUID_FILE_MODE);
  try {
    await handle.writeFile(guid);
    await handle.chmod(MACHINE_GUID_FILE_MODE);
    await handle.sync();
  } finally {
    await handle.close().catch(() => undefined);
  }
  try {
    await link(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // A file system without hard links: an atomic rename (the last of two racing writers wins).
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    await writeFileAtomic(file, guid, { mode: MACHINE_GUID_FILE_MODE });
    return true;
  } finally {
    await rm(temp, { force: true });
  }
  await syncDirectory(dir);
  return true;
}
