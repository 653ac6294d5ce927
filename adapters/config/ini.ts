/**
 * Netdata's INI dialect, scanned line by line.
 *
 * Why not the `ini` package: it reports no line numbers and no errors at all (a line without `=`
 * silently becomes `key = true`, an unterminated `[section` is ignored), it strips quotes that
 * netdata keeps literally, it nests `[a.b]` sections and treats `key[]` as arrays. The protocol wants
 * every malformed line reported with file, line and key, which needs a scanner anyway; with one in
 * place, `ini` would only add a second, different reading of the same file. So this scanner is the
 * parser, and it follows netdata's own config loader:
 * - `[section]` (any characters but `]`, trimmed; only whitespace may follow the `]`);
 * - `key = value`, split at the first `=`; key and value trimmed; keys may contain spaces; keys and
 *   section names are case-sensitive, as in netdata;
 * - whole-line comments starting with `#` or `;` (after optional whitespace); no inline comments
 *   (`url = https://x # y` keeps `# y` in the value), no quoting, no escapes;
 * - blank lines; CRLF line ends and a UTF-8 BOM are accepted;
 * - a repeated section merges; a repeated key is kept with every line it stands on, and the reader of
 *   a key the link uses refuses it (CONFIG_DUPLICATE_KEY, values.ts): netdata lets the last one win,
 *   which lets a forgotten `netdata cloud = enable` further down silently turn the cloud back on.
 * Anything else (a bare word, `= value`, `[unterminated`, `[]`, a key before any section) is CONFIG_SYNTAX.
 * A malformed line is never quoted in the message: it may hold a token or proxy password.
 */
import { ConfigError } from './errors.js';

export interface IniEntry {
  readonly value: string;
  readonly line: number;
}

export interface IniDocument {
  readonly file: string;
  /** The last entry of `[section] key`. */
  get(section: string, key: string): IniEntry | undefined;
  /** Every line `[section] key` stands on, in file order (more than one: a repeated key). */
  lines(section: string, key: string): readonly number[];
  /** The sections in which `key` appears, with the first line of each. */
  sectionsWith(key: string): ReadonlyArray<{ readonly section: string; readonly line: number }>;
}

export function scanIni(text: string, file: string): IniDocument {
  const sections = new Map<string, Map<string, IniEntry>>();
  const seen = new Map<string, Map<string, number[]>>();
  let current: Map<string, IniEntry> | undefined;
  let currentName = '';
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;
    if (trimmed.startsWith('[')) {
      const close = trimmed.indexOf(']');
      if (close === -1) throw new ConfigError('CONFIG_SYNTAX', { file, line }, 'unterminated section header: "]" is missing');
      const name = trimmed.slice(1, close).trim();
      if (name === '') throw new ConfigError('CONFIG_SYNTAX', { file, line }, 'empty section name "[]"');
      if (trimmed.slice(close + 1).trim() !== '') {
        throw new ConfigError('CONFIG_SYNTAX', { file, line }, `unexpected text after "[${clip(name)}]"`);
      }
      current = sections.get(name) ?? new Map<string, IniEntry>();
      sections.set(name, current);
      currentName = name;
      return;
    }
    const equals = trimmed.indexOf('=');
    if (equals === -1) {
      throw new ConfigError('CONFIG_SYNTAX', { file, line }, 'expected "[section]", "key = value" or a comment');
    }
    const key = trimmed.slice(0, equals).trim();
    if (key === '') throw new ConfigError('CONFIG_SYNTAX', { file, line }, 'a line starts with "=": the key is missing');
    if (current === undefined) {
      throw new ConfigError('CONFIG_SYNTAX', { file, line, key: clip(key) }, 'key outside any [section]');
    }
    current.set(key, { value: trimmed.slice(equals + 1).trim(), line });
    const keyLines = seen.get(currentName) ?? new Map<string, number[]>();
    seen.set(currentName, keyLines);
    keyLines.set(key, [...(keyLines.get(key) ?? []), line]);
  });
  return {
    file,
    get: (section, key) => sections.get(section)?.get(key),
    lines: (section, key) => seen.get(section)?.get(key) ?? [],
    sectionsWith: (key) => [...seen].flatMap(([section, keys]) => {
      const first = keys.get(key)?.[0];
      return first === undefined ? [] : [{ section, line: first }];
    }),
  };
}

/** Keep messages short; the whole line is in the file. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
