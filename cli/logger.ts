/** A Logger (effects/ports.ts) that writes one line per entry to stderr, at or above a level. */
import type { LogFields, Logger } from '../effects/ports.js';
import { oneLine } from './errors.js';

export type Level = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Readonly<Record<Level, number>> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

const fieldText = (fields: LogFields | undefined): string => {
  if (fields === undefined) return '';
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length === 0 ? '' : ` ${oneLine(parts.join(' '))}`;
};

export function stderrLogger(level: Level, prefix = 'aclk', write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const at = (entry: Exclude<Level, 'silent'>) => (message: string, fields?: LogFields): void => {
    if (RANK[entry] < RANK[level]) return;
    write(`${new Date().toISOString()} ${prefix} ${entry} ${oneLine(message)}${fieldText(fields)}\n`);
  };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
