/**
 * The configuration parsers are total: on any input they return or throw a coded LinkError, nothing else.
 * That the values are right is checked on generated well-formed configurations in config-values.props.spec.ts.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { claimFromEnv, parseConfigTexts, parseNetdataConf, scanIni } from '../../adapters/config/index.js';
import { LinkError } from '../../effects/errors.js';

const CODES = ['CONFIG_SYNTAX', 'CONFIG_BAD_VALUE', 'CONFIG_DUPLICATE_KEY', 'CONFIG_MISPLACED_KEY'];
const KEYS = ['netdata cloud', 'cloud base url', 'proxy', 'insecure', 'ca file', 'backoff policy', 'backoff base',
  'backoff min seconds', 'backoff max seconds', 'ban retry seconds', 'url', 'token', 'rooms', 'claimed_id', 'hostname'];
const ENV = ['NETDATA_CLAIM_URL', 'NETDATA_CLAIM_TOKEN', 'NETDATA_CLAIM_ROOMS', 'NETDATA_CLAIM_PROXY', 'NETDATA_EXTRA_CLAIM_OPTS'];

/** Lines that are mostly well-formed, so the value checks are reached, not only the syntax checks. */
const line = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('[global]', '[cloud]', '[', ']', '[]', '#', ';', '', '=', ' = '),
  fc.tuple(fc.constantFrom(...KEYS), fc.string()).map(([key, value]) => `  ${key} = ${value}`),
);
const file = fc.array(line, { maxLength: 12 }).chain((lines) =>
  fc.constantFrom('\n', '\r\n', '\r').map((eol) => lines.join(eol)));

function onlyLinkErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(LinkError);
    expect(CODES).toContain((error as LinkError).code);
  }
}

describe('configuration parser properties', () => {
  test.prop([fc.string({ unit: 'binary' })])('scanIni on arbitrary text', (text) => {
    onlyLinkErrors(() => scanIni(text, 'x.conf'));
  });

  test.prop([file])('parseNetdataConf on arbitrary INI-like text', (text) => {
    onlyLinkErrors(() => parseNetdataConf(text, 'netdata.conf'));
  });

  test.prop([file, file, fc.string(), file, fc.dictionary(fc.constantFrom(...ENV), fc.string())])(
    'parseConfigTexts and claimFromEnv on arbitrary inputs',
    (netdataConf, cloudConf, claimedId, claimConf, env) => {
      onlyLinkErrors(() => parseConfigTexts({ netdataConf, cloudConf, claimedId, claimConf }, env));
      onlyLinkErrors(() => claimFromEnv(env));
    },
  );
});
