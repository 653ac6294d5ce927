/** Reading configuration files: missing is fine, unreadable is CONFIG_UNREADABLE. */
import { readFile } from 'node:fs/promises';
import { ConfigError } from './errors.js';

/** The file's text, or undefined when it does not exist. */
export async function readConfigFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') return undefined;
    const reason = code === 'EISDIR' ? 'it is a directory' : typeof code === 'string' ? code : 'unknown error';
    throw new ConfigError('CONFIG_UNREADABLE', { file: path }, `cannot read the file (${reason})`, { cause: error });
  }
}
