/**
 * Reading a file that someone else may have put there: only a regular file (a symlink to one is fine),
 * never more than a cap. A FIFO, a device (`/dev/zero`), a socket or a directory is refused before a
 * byte is read, and a FIFO swapped in after the check cannot block the open (O_NONBLOCK).
 */
import { constants } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { LinkError } from '../../effects/errors.js';

/** Default cap: configuration files and PEM bundles are far smaller. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

export type FileReadProblem = 'not-regular' | 'too-large' | 'unreadable';

const CODES: Readonly<Record<FileReadProblem, string>> = {
  'not-regular': 'FILE_NOT_REGULAR',
  'too-large': 'FILE_TOO_LARGE',
  unreadable: 'FILE_UNREADABLE',
};

/** Why a file could not be read. `reason` is short (`it is a FIFO`, `EACCES`); the message names the file. */
export class FileReadError extends LinkError {
  readonly path: string;
  readonly problem: FileReadProblem;
  readonly reason: string;

  constructor(path: string, problem: FileReadProblem, reason: string, options: { cause?: unknown } = {}) {
    super(CODES[problem], `${path}: ${reason}`, options);
    this.name = 'FileReadError';
    this.path = path;
    this.problem = problem;
    this.reason = reason;
  }
}

export interface BoundedReadOptions {
  /** The most bytes accepted (default DEFAULT_MAX_FILE_BYTES); one more is FILE_TOO_LARGE. */
  readonly maxBytes?: number;
}

/** The file's bytes, or undefined when it does not exist. Anything else wrong is a FileReadError. */
export async function readBoundedFile(path: string, options: BoundedReadOptions = {}): Promise<Buffer | undefined> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const before = await stat(path).catch((error: unknown) => failure(path, error));
  if (before === undefined) return undefined;
  checkRegular(path, before, maxBytes);
  const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);
  const handle = await open(path, flags).catch((error: unknown) => failure(path, error));
  if (handle === undefined) return undefined;
  try {
    // The path may have been swapped between stat and open: judge what was actually opened.
    checkRegular(path, await handle.stat(), maxBytes);
    return await readAtMost(handle, path, maxBytes);
  } catch (error) {
    if (error instanceof FileReadError) throw error;
    throw unreadable(path, error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The file's text (UTF-8), or undefined when it does not exist. */
export async function readBoundedText(path: string, options: BoundedReadOptions = {}): Promise<string | undefined> {
  return (await readBoundedFile(path, options))?.toString('utf8');
}

/** What kind of file this is, in words, when it is not a regular file. */
export function describeFileKind(info: Stats): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'it is a directory';
  if (info.isFIFO()) return 'it is a FIFO (named pipe), not a regular file';
  if (info.isCharacterDevice()) return 'it is a character device, not a regular file';
  if (info.isBlockDevice()) return 'it is a block device, not a regular file';
  if (info.isSocket()) return 'it is a socket, not a regular file';
  return 'it is not a regular file';
}

function checkRegular(path: string, info: Stats, maxBytes: number): void {
  const kind = describeFileKind(info);
  if (kind !== undefined) throw new FileReadError(path, 'not-regular', kind);
  if (info.size > maxBytes) throw tooLarge(path, maxBytes);
}

/** Reads until end of file, failing as soon as more than maxBytes arrive (the file may grow while read). */
async function readAtMost(handle: FileHandle, path: string, maxBytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(Math.min(maxBytes + 1, 64 * 1024));
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return Buffer.concat(chunks, total);
    total += bytesRead;
    if (total > maxBytes) throw tooLarge(path, maxBytes);
    chunks.push(Buffer.from(buffer.subarray(0, bytesRead)));
  }
}

function tooLarge(path: string, maxBytes: number): FileReadError {
  return new FileReadError(path, 'too-large', `the file is larger than ${maxBytes} bytes`);
}

/** ENOENT is "missing" (undefined); every other error is FILE_UNREADABLE with its errno code. */
function failure(path: string, error: unknown): undefined {
  if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
  throw unreadable(path, error);
}

function unreadable(path: string, error: unknown): FileReadError {
  const code = (error as { code?: unknown }).code;
  const reason = code === 'EISDIR' ? 'it is a directory' : typeof code === 'string' ? code : 'unknown error';
  return new FileReadError(path, 'unreadable', reason, { cause: error });
}
