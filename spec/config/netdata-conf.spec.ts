/** netdata.conf: realistic samples, every key this link reads, and bad values named by file, line and key. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseNetdataConf } from '../../adapters/config/index.js';

const sample = readFileSync(new URL('../fixtures/config/netdata.conf', import.meta.url), 'utf8');

function badValue(text: string): ConfigError {
  try {
    parseNetdataConf(text, 'netdata.conf');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_BAD_VALUE');
    return error as ConfigError;
  }
  throw new Error('expected CONFIG_BAD_VALUE');
}

describe('parseNetdataConf', () => {
  it('reads a real-world netdata.conf with many unrelated sections', () => {
    expect(parseNetdataConf(sample, 'netdata.conf')).toEqual({
      enabled: true,
      cloudBaseUrl: undefined,
      proxy: 'http://proxy.corp.example:3128',
      insecure: false,
      caFile: undefined,
      backoff: { policy: 'decorrelated', base: 3, minSeconds: 2, maxSeconds: 600, banRetrySeconds: 120 },
    });
  });

  it('has nothing set for an empty file', () => {
    expect(parseNetdataConf('', 'netdata.conf')).toEqual({ backoff: {} });
  });

  it.each([
    ['enable', true], ['disable', false], ['ENABLE', true], ['Disabled', false],
    ['yes', true], ['no', false], ['true', true], ['false', false], ['on', true], ['off', false], ['1', true], ['0', false],
  ])('netdata cloud = %s → %s', (word, enabled) => {
    expect(parseNetdataConf(`[global]\n  netdata cloud = ${word}\n`, 'netdata.conf').enabled).toBe(enabled);
  });

  it('rejects an unknown switch value with file, line and key', () => {
    const error = badValue('# c\n[global]\n  hostname = x\n  netdata cloud = maybe\n');
    expect(error.message).toBe('netdata.conf:4: [global] netdata cloud: expected "enable" or "disable", got "maybe"');
    expect(error).toMatchObject({ file: 'netdata.conf', line: 4, section: 'global', key: 'netdata cloud' });
  });

  it('reads the [cloud] keys and normalizes the base url', () => {
    const values = parseNetdataConf([
      '[cloud]',
      'cloud base url = https://cloud.example:8443/',
      'proxy = SOCKS5H://[::1]:1080',
      'insecure = yes',
      'ca file = /etc/netdata/ca.pem',
      'backoff policy = NetData',
      'backoff base = 10',
      'backoff min seconds = 0',
      'backoff max seconds = 1',
    ].join('\n'), 'netdata.conf');
    expect(values).toMatchObject({
      cloudBaseUrl: 'https://cloud.example:8443', proxy: 'SOCKS5H://[::1]:1080', insecure: true, caFile: '/etc/netdata/ca.pem',
      backoff: { policy: 'netdata', base: 10, minSeconds: 0, maxSeconds: 1 },
    });
  });

  it('treats an empty value as unset, except proxy where it means direct', () => {
    const values = parseNetdataConf('[global]\nnetdata cloud =\n[cloud]\ncloud base url =\nproxy =\n', 'netdata.conf');
    expect(values.enabled).toBeUndefined();
    expect(values.cloudBaseUrl).toBeUndefined();
    expect(values.proxy).toBe('');
  });

  it.each([
    ['cloud base url', 'ftp://cloud.example', 'expected an https:// URL (the cloud is reached over TLS only), got "ftp://cloud.example"'],
    ['cloud base url', 'app.netdata.cloud', 'expected an https:// URL'],
    ['cloud base url', 'http://cloud.example', 'expected an https:// URL (the cloud is reached over TLS only), got "http://cloud.example"'],
    ['insecure', 'maybe', 'expected "yes" or "no", got "maybe"'],
    ['proxy', 'https://proxy:443', 'unsupported proxy scheme "https://"'],
    ['proxy', 'proxy.corp:3128', 'must start with http://, socks5:// or socks5h://'],
    ['proxy', 'http://proxy:99999', 'port must be a number from 1 to 65535'],
    ['backoff policy', 'linear', 'expected one of full, equal, decorrelated, none, netdata, got "linear"'],
    ['backoff base', '0', 'expected a whole number from 1 to 10, got "0"'],
    ['backoff base', '11', 'from 1 to 10'],
    ['backoff base', '2.5', 'from 1 to 10'],
    ['backoff min seconds', '-1', 'expected a whole number >= 0, got "-1"'],
    ['backoff max seconds', '0', 'expected a whole number >= 1, got "0"'],
    ['ban retry seconds', '0', 'expected a whole number >= 1'],
    ['ban retry seconds', 'soon', 'expected a whole number >= 1'],
  ])('[cloud] %s = %s is a bad value', (key, value, message) => {
    const error = badValue(`[global]\nnetdata cloud = enable\n\n[cloud]\n\t${key} = ${value}\n`);
    expect(error).toMatchObject({ line: 5, section: 'cloud', key });
    expect(error.message).toContain(`netdata.conf:5: [cloud] ${key}: `);
    expect(error.message).toContain(message);
  });

  it('requires backoff max seconds >= backoff min seconds', () => {
    const error = badValue('[cloud]\nbackoff max seconds = 5\nbackoff min seconds = 10\n');
    expect(error).toMatchObject({ line: 2, key: 'backoff max seconds' });
    expect(error.message).toContain('must be at least "backoff min seconds" (10), got 5');
  });

  it('never quotes proxy credentials in an error', () => {
    const error = badValue('[cloud]\nproxy = http://alice:hunter2@proxy:0\n');
    expect(error.message).not.toMatch(/alice|hunter2/);
  });
});
