/**
 * Typed values from INI entries and environment variables. Each rule knows what it expects, for the
 * error message; secret rules never echo the value. (Plain checks, no schema library: this module is
 * loaded by every link, and a schema library cost more at import than the rest of the link; issue 15.)
 *
 * Decisions: an empty value (`key =`) counts as "not set", except where a rule accepts it (`proxy =`
 * means a direct connection); booleans accept enable/disable, yes/no, true/false, on/off, 1/0 in any
 * case (netdata's own boolean words), and nothing else.
 *
 * Hostile or careless input (issue 13): a key the link reads that stands twice in its section is
 * CONFIG_DUPLICATE_KEY (both lines named) instead of "the last one wins"; a value holding a control
 * character (C0 but TAB, DEL, C1) is CONFIG_BAD_VALUE, since it would reach the cloud (`rooms`) or a
 * terminal as it is; a cloud URL must be https:// (the cloud API is TLS-only, as in the agent's https
 * client: an http:// URL used to be accepted and then failed forever as NETWORK_ERROR).
 */
import { BACKOFF_POLICIES } from '../../machines/backoff/policy.js';
import { parseProxySetting } from '../proxy/parse.js';
import { ConfigError, type ConfigErrorLocation } from './errors.js';
import type { IniDocument } from './ini.js';

/** 2^31-1 ms, in whole seconds. */
export const MAX_WAIT_SECONDS = Math.floor(2_147_483_647 / 1000);

export type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ValueRule<T> {
  readonly check: (raw: string) => Check<T>;
  /** Empty values are passed to `check` instead of meaning "not set". */
  readonly acceptsEmpty?: boolean;
}

/** A rule from a parser that returns undefined for a value it refuses. */
function parsed<T>(parse: (raw: string) => T | undefined, expected: string, secret = false): ValueRule<T> {
  return {
    check: (raw) => {
      const value = parse(raw);
      if (value !== undefined) return { ok: true, value };
      return { ok: false, reason: secret ? `expected ${expected}` : `expected ${expected}, got "${raw}"` };
    },
  };
}

const TRUE_WORDS = new Set(['enable', 'enabled', 'yes', 'true', 'on', '1']);
const FALSE_WORDS = new Set(['disable', 'disabled', 'no', 'false', 'off', '0']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function bool(raw: string): boolean | undefined {
  const word = raw.trim().toLowerCase();
  return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : undefined;
}

const int = (min: number, max: number) => (raw: string): number | undefined => {
  if (!/^\d+$/.test(raw)) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= min && value <= max ? value : undefined;
};

/**
 * An https:// URL, trailing slashes dropped: it must start with `https://` (`https:host` and
 * `https:/path` are refused) and parse; for this special scheme the URL parser refuses an empty host.
 */
function httpsUrl(raw: string): string | undefined {
  const text = raw.trim();
  return /^https:\/\//i.test(text) && URL.canParse(text) ? text.replace(/\/+$/, '') : undefined;
}

const nonEmpty = (raw: string): string | undefined => (raw === '' ? undefined : raw);
const policyName = (raw: string) => BACKOFF_POLICIES.find((name) => name === raw.toLowerCase());

export const rules = {
  enableDisable: parsed(bool, '"enable" or "disable"'),
  yesNo: parsed(bool, '"yes" or "no"'),
  httpsUrl: parsed(httpsUrl, 'an https:// URL (the cloud is reached over TLS only)'),
  uuid: parsed((raw) => (UUID.test(raw) ? raw.toLowerCase() : undefined), 'a UUID like 01234567-89ab-cdef-0123-456789abcdef'),
  text: parsed(nonEmpty, 'a value'),
  secretText: parsed(nonEmpty, 'a value', true),
  rooms: parsed((list) => list.split(',').map((room) => room.trim()).filter((room) => room !== ''), 'a comma-separated list'),
  policy: parsed(policyName, `one of ${BACKOFF_POLICIES.join(', ')}`),
  int: (min: number, max?: number) => parsed(int(min, max ?? Number.MAX_SAFE_INTEGER), max === undefined ? `a whole number >= ${min}` : `a whole number from ${min} to ${max}`),
  /** A wait in seconds: at most what a Node.js timer can hold (2^31-1 ms, ~24.8 days); beyond it the link misbehaved. */
  seconds: (min: number): ValueRule<number> => ({
    check: (raw) => {
      const result = rules.int(min).check(raw);
      return !result.ok || result.value <= MAX_WAIT_SECONDS ? result : { ok: false, reason: `expected at most ${MAX_WAIT_SECONDS} seconds (~24.8 days), got "${raw}"` };
    },
  }),
  /** none, env, or a proxy URL; checked now so a typo is a configuration error naming the line. */
  proxy: {
    acceptsEmpty: true,
    check: (raw: string): Check<string> => {
      const result = parseProxySetting(raw, {});
      return result.ok ? { ok: true, value: raw.trim() } : { ok: false, reason: result.error.message.replace(/^proxy setting: /, '') };
    },
  } satisfies ValueRule<string>,
} as const;

/** The value of `[section] key`, or undefined when the key is absent (or empty). A repeated key is refused. */
export function readIni<T>(doc: IniDocument, section: string, key: string, rule: ValueRule<T>): T | undefined {
  const [first, second] = doc.lines(section, key);
  if (first !== undefined && second !== undefined) {
    throw new ConfigError('CONFIG_DUPLICATE_KEY', { file: doc.file, line: second, section, key },
      `set again (first on line ${first}); remove one of them: the link does not guess which one counts`);
  }
  const entry = doc.get(section, key);
  if (entry === undefined || (entry.value === '' && rule.acceptsEmpty !== true)) return undefined;
  return checked(entry.value, rule, { file: doc.file, line: entry.line, section, key });
}

export const ENVIRONMENT = 'environment';

/** The value of an environment variable, or undefined when unset or empty. */
export function readEnv<T>(env: Readonly<Record<string, string | undefined>>, name: string, rule: ValueRule<T>): T | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  return checked(value, rule, { file: ENVIRONMENT, key: name });
}

/**
 * A key the link reads from `section` only: found in another section of the same file it is
 * CONFIG_MISPLACED_KEY, not ignored (`netdata cloud = disable` under [cloud] used to leave the cloud on).
 */
export function refuseMisplaced(doc: IniDocument, key: string, section: string): void {
  const elsewhere = doc.sectionsWith(key).find((place) => place.section !== section);
  if (elsewhere === undefined) return;
  throw new ConfigError('CONFIG_MISPLACED_KEY', { file: doc.file, line: elsewhere.line, section: elsewhere.section, key },
    `belongs in [${section}]; here it would be ignored`);
}

// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

function checked<T>(raw: string, rule: ValueRule<T>, location: ConfigErrorLocation): T {
  if (CONTROL.test(raw)) throw new ConfigError('CONFIG_BAD_VALUE', location, 'contains a control character');
  const result = rule.check(raw);
  if (!result.ok) throw new ConfigError('CONFIG_BAD_VALUE', location, result.reason);
  return result.value;
}
