/**
 * Reading configuration files: missing is fine (undefined); anything but a regular file is
 * CONFIG_NOT_REGULAR_FILE, more than the cap is CONFIG_TOO_LARGE, other failures CONFIG_UNREADABLE.
 */
import { DEFAULT_MAX_FILE_BYTES, FileReadError, readBoundedText } from '../fs/bounded-read.js';
import { ConfigError } from './errors.js';

/** The most bytes a configuration file may hold. */
export const MAX_CONFIG_FILE_BYTES = DEFAULT_MAX_FILE_BYTES;

const CONFIG_CODES = {
  'not-regular': 'CONFIG_NOT_REGULAR_FILE',
  'too-large': 'CONFIG_TOO_LARGE',
  unreadable: 'CONFIG_UNREADABLE',
} as const;

export interface ReadConfigFileOptions {
  /** The cap in bytes (default MAX_CONFIG_FILE_BYTES); for tests. */
  readonly maxBytes?: number;
}

/** The file's text, or undefined when it does not exist. */
export async function readConfigFile(path: string, options: ReadConfigFileOptions = {}): Promise<string | undefined> {
  try {
    return await readBoundedText(path, { maxBytes: options.maxBytes ?? MAX_CONFIG_FILE_BYTES });
  } catch (error) {
    if (!(error instanceof FileReadError)) throw error;
    const detail = error.problem === 'unreadable' ? `cannot read the file (${error.reason})` : `refused: ${error.reason}`;
    throw new ConfigError(CONFIG_CODES[error.problem], { file: path }, detail, { cause: error });
  }
}
