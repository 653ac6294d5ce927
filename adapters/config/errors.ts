import { LinkError } from '../../effects/errors.js';

export interface ConfigErrorLocation {
  /** The file as it was named to the loader, or `environment` for NETDATA_CLAIM_* variables. */
  readonly file: string;
  /** 1-based line, when the problem is on one line. */
  readonly line?: number;
  readonly section?: string;
  readonly key?: string;
}

/**
 * A configuration problem. `code` is CONFIG_UNREADABLE, CONFIG_SYNTAX or CONFIG_BAD_VALUE; the message
 * reads like `netdata.conf:12: [global] netdata cloud: expected "enable" or "disable", got "maybe"`.
 * Secret values (claim token, proxy credentials) are never quoted in the message.
 */
export class ConfigError extends LinkError {
  readonly file: string;
  readonly line?: number;
  readonly section?: string;
  readonly key?: string;

  constructor(code: string, location: ConfigErrorLocation, detail: string, options: { cause?: unknown } = {}) {
    super(code, `${formatLocation(location)}: ${detail}`, options);
    this.name = 'ConfigError';
    this.file = location.file;
    if (location.line !== undefined) this.line = location.line;
    if (location.section !== undefined) this.section = location.section;
    if (location.key !== undefined) this.key = location.key;
  }
}

function formatLocation({ file, line, section, key }: ConfigErrorLocation): string {
  const where = line === undefined ? file : `${file}:${line}`;
  if (key === undefined) return where;
  return section === undefined ? `${where}: ${key}` : `${where}: [${section}] ${key}`;
}
