/** Option parsers and defaults shared by the commands. Parsers throw commander's InvalidArgumentError. */
import { InvalidArgumentError } from 'commander';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError, EXIT_USAGE } from './errors.js';
import { FileReadError, readBoundedText } from '../adapters/fs/bounded-read.js';

/** A whole number in [min, max]. */
export const intIn = (min: number, max: number) => (value: string): number => {
  if (!/^\d+$/.test(value.trim())) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  const n = Number(value);
  if (n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
  return n;
};

/** A comma-separated list (empty items dropped). */
export const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter((s) => s !== '');

/** An https: URL, without trailing slashes. */
export const httpsUrl = (value: string): string => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected an https: URL, e.g. https://127.0.0.1:8443');
  }
  if (url.protocol !== 'https:') throw new InvalidArgumentError('expected an https: URL, e.g. https://127.0.0.1:8443');
  return value.replace(/\/+$/, '');
};

/**
 * The cloud.d directory: `--cloud-dir`, else ACLK_CLOUD_DIR, else netdata's
 * `/var/lib/netdata/cloud.d`.
 */
export const DEFAULT_CLOUD_DIR = '/var/lib/netdata/cloud.d';
export function cloudDirOf(option: string | undefined): string {
  return resolve(option ?? process.env.ACLK_CLOUD_DIR ?? DEFAULT_CLOUD_DIR);
}

/** The dev cloud's state directory: `--state-dir`, else `$XDG_STATE_HOME/aclk/dev-cloud` (~/.local/state). */
export function stateDirOf(option: string | undefined): string {
  if (option !== undefined) return resolve(option);
  const base = process.env.XDG_STATE_HOME ?? join(homedir(), '.local', 'state');
  return join(base, 'aclk', 'dev-cloud');
}

/**
 * Errors that mean the path names nothing: CLI_FILE_NOT_FOUND. Any other (EACCES on the file or a
 * directory above it, ELOOP...), or a path that is not a regular file, is CLI_FILE_UNREADABLE.
 */
const ABSENT = new Set(['ENOENT', 'ENOTDIR']);

const WHY: Readonly<Record<string, string>> = { EACCES: 'permission denied', EPERM: 'permission denied', ELOOP: 'a symbolic link loop' };

const unreadable = (what: string, full: string, error: NodeJS.ErrnoException): CliError => {
  const why = error.code === undefined ? error.message : `${error.code}${WHY[error.code] !== undefined ? `: ${WHY[error.code]}` : ''}`;
  return new CliError('CLI_FILE_UNREADABLE', `cannot read ${what} ${full} (${why})`, EXIT_USAGE);
};

/** A file given on the command line must exist, be a regular file and be readable by this user. */
export async function requireFile(path: string, what: string): Promise<string> {
  const full = resolve(path);
  const info = await stat(full).catch((error: NodeJS.ErrnoException) => {
    if (ABSENT.has(error.code ?? '')) throw new CliError('CLI_FILE_NOT_FOUND', `${what} ${full} does not exist`, EXIT_USAGE);
    throw unreadable(what, full, error);
  });
  if (!info.isFile()) {
    throw new CliError('CLI_FILE_UNREADABLE', `cannot read ${what} ${full}: it is ${info.isDirectory() ? 'a directory' : 'not a regular file'}`, EXIT_USAGE);
  }
  await access(full, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(what, full, error);
  });
  return full;
}

/** Reads a PEM file given on the command line (e.g. `--ca`). */
export async function readPem(path: string, what: string): Promise<string> {
  const full = await requireFile(path, what);
  // Bounded (1 MiB), regular files only: the file may have been swapped since requireFile looked.
  const text = await readBoundedText(full).catch((error: unknown) => {
    if (error instanceof FileReadError) throw new CliError('CLI_FILE_UNREADABLE', `cannot read ${what} ${full}: ${error.reason}`, EXIT_USAGE);
    throw unreadable(what, full, error as NodeJS.ErrnoException);
  });
  if (text === undefined) throw new CliError('CLI_FILE_NOT_FOUND', `${what} ${full} does not exist`, EXIT_USAGE);
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CliError('CLI_BAD_CERTIFICATE', `${what} ${full} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, EXIT_USAGE);
  }
  return text;
}
