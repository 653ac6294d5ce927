/**
 * Fuzzing the configuration files (issue 7): random netdata.conf, cloud.conf, claim.conf and claimed_id
 * texts (sections, keys, good and bad values, comments, garbage, binary, huge lines, duplicate keys,
 * mixed line ends, a BOM) through the real parsers and the real file loader. The result is a LinkConfig
 * or a ConfigError naming the file and the line; secrets are never quoted.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigTexts, parseNetdataConf } from '../../adapters/config/index.js';
import { codeOf, mutatedText, runs, watchUnhandledRejections } from './support/fuzz-kit.js';

watchUnhandledRejections();

const TOKEN = 'SeCrEtToKeN-7f3a';
const PROXY_PASSWORD = 'pr0xyPa55-q9z';
/** Keys with values they accept (mixed case, duplicates and empty values included). */
const GOOD: Readonly<Record<string, readonly string[]>> = {
  'netdata cloud': ['enable', 'disable', 'YES', 'Off'], url: ['https://cloud.example', 'https://x:8080/p/'], insecure: ['yes', 'no', ''],
  proxy: ['none', 'env', 'ENV', '', `http://u:${PROXY_PASSWORD}@proxy:3128`, `socks5h://u:${PROXY_PASSWORD}@[::1]:1080`],
  claimed_id: ['0123abcd-0000-4000-8000-0123456789ab', '0123ABCD-0000-4000-8000-0123456789AB'], hostname: ['node-1', 'a b'], token: [TOKEN], rooms: ['a,b, ,c', ''],
  'cloud base url': ['https://app.example'], 'ca file': ['/etc/ca.pem'], 'backoff policy': ['full', 'Equal', 'netdata'], 'backoff base': ['1', '10'],
  'backoff min seconds': ['0', '5'], 'backoff max seconds': ['500', '9000', '2147483'], 'ban retry seconds': ['1', '60'],
};
const BAD = ['2147484', '9007199254740991', 'maybe', '-1', '11', '9999999999999999999', '1e3', 'bogus', 'ftp://x', 'http://x:8080/p/', 'not a url', 'socks5://[zz]:1', 'http://host:99999', 'http://u:p@bad host', TOKEN];
const goodLine = fc.oneof(
  fc.constantFrom('[global]', '[cloud]', '[ global ]', '[other section]', '', '# comment', '; comment', '   '),
  fc.constantFrom(...Object.keys(GOOD)).chain((k) => fc.tuple(fc.constantFrom(...(GOOD[k] ?? [])), fc.constantFrom(' = ', '=', '\t=\t')).map(([v, eq]) => `${k}${eq}${v}`)),
);
const badLine = fc.oneof(
  fc.tuple(fc.oneof(fc.constantFrom(...Object.keys(GOOD)), fc.string({ maxLength: 12 })), fc.oneof(fc.constantFrom(...BAD), fc.string())).map(([k, v]) => `${k} = ${v}`),
  fc.string({ maxLength: 10 }).map((n) => `[${n}]`),
  fc.constantFrom('[', '[]', '[global] x', '= value', 'bare word', '[cloud', 'token'),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('x'.repeat(20_000), `url = https://${'a'.repeat(20_000)}.example`, `[${'s'.repeat(5_000)}]`),
);
const lines = fc.oneof({ weight: 6, arbitrary: fc.array(goodLine, { maxLength: 12 }) }, fc.array(fc.oneof({ weight: 4, arbitrary: goodLine }, badLine), { maxLength: 12 }));
const file = fc.tuple(lines, fc.constantFrom('\n', '\r\n', '\r'), fc.boolean())
  .map(([ls, eol, bom]) => `${bom ? '\uFEFF' : ''}[global]${eol}${ls.join(eol)}`);
const anyText = fc.oneof({ weight: 12, arbitrary: file }, mutatedText(file), fc.string({ unit: 'binary' }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('utf8')));
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

function lineCount(text: string): number {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/).length;
}

/** A failure must be a ConfigError naming one of the given files (and a line inside it), never quoting a secret. */
function expectLocated(error: unknown, texts: Readonly<Record<string, string | undefined>>, secretsQuoted: boolean): void {
  expect(error).toBeInstanceOf(ConfigError);
  const e = error as ConfigError;
  expect(['CONFIG_SYNTAX', 'CONFIG_BAD_VALUE', 'CONFIG_UNREADABLE', 'CONFIG_DUPLICATE_KEY', 'CONFIG_MISPLACED_KEY', 'CONFIG_MISSING']).toContain(e.code);
  const text = texts[e.file.split('/').at(-1) ?? ''];
  if (e.code === 'CONFIG_MISSING') {
    expect(text, 'CONFIG_MISSING names a file that was not written').toBeUndefined();
    return;
  }
  expect(text, `error names an unknown file ${e.file}`).toBeDefined();
  if (e.line !== undefined) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.line).toBeLessThanOrEqual(lineCount(text ?? ''));
    expect(e.message.startsWith(`${e.file}:${e.line}`)).toBe(true);
  } else expect(e.code, 'a parse error in a file always names its line').toBe('CONFIG_UNREADABLE');
  if (e.code === 'CONFIG_BAD_VALUE' && e.file.endsWith('.conf')) expect(e.key).toBeDefined();
  if (!secretsQuoted) for (const secret of [TOKEN, PROXY_PASSWORD]) expect(e.message).not.toContain(secret);
}

describe('fuzz: configuration texts', () => {
  it('parseConfigTexts: a LinkConfig or a ConfigError with file and line; secrets never quoted', () => {
    const texts = fc.record({ netdataConf: maybe(anyText), cloudConf: maybe(anyText), claimConf: maybe(anyText), claimedId: maybe(fc.oneof({ weight: 4, arbitrary: fc.uuid() }, fc.string(), anyText)) });
    fc.assert(fc.property(texts, fc.boolean(), (t, structured) => {
      const input = structured ? { ...t, claimConf: `[global]\ntoken = ${TOKEN}\nproxy = http://u:${PROXY_PASSWORD}@bad host:3128` } : t;
      const named = { 'netdata.conf': input.netdataConf ?? '', 'cloud.conf': input.cloudConf, 'claim.conf': input.claimConf, claimed_id: input.claimedId };
      try {
        const config = parseConfigTexts(input, {});
        expect(typeof config.enabled).toBe('boolean');
        expect(/^https?:\/\//.test(config.cloudUrl)).toBe(true);
        for (const v of [config.backoff.minSeconds, config.backoff.maxSeconds, config.backoff.banRetrySeconds]) expect(v ?? 0).toBeLessThanOrEqual(2_147_483);
      } catch (error) {
        // A secret may be quoted only when random text put it under a non-secret key itself.
        const file = (error as ConfigError).file;
        const ours = structured && file === 'claim.conf';
        const text = named[file as keyof typeof named];
        expectLocated(error, named, !ours && (text?.includes(TOKEN) === true || text?.includes(PROXY_PASSWORD) === true));
        if (ours) expect((error as ConfigError).key).toBe('proxy');
      }
    }), runs());
  });

  it('well-formed files are accepted; a repeated key is CONFIG_DUPLICATE_KEY naming its second line', () => {
    const entry = fc.record({ cloud: fc.constantFrom('enable', 'disable', 'Yes', 'off'), url: fc.constantFrom('https://a.example', 'https://b.example:8080/x/') });
    fc.assert(fc.property(fc.array(entry, { minLength: 1, maxLength: 5 }), fc.constantFrom('\n', '\r\n'), (entries, eol) => {
      const text = entries.flatMap((e) => ['[global]', `netdata cloud = ${e.cloud}`, '# note', '[cloud]', `cloud base url = ${e.url}`]).join(eol);
      const last = entries.at(-1);
      if (entries.length > 1) {
        expect(() => parseNetdataConf(text, 'netdata.conf')).toThrow(/^netdata\.conf:7: \[global\] netdata cloud: set again \(first on line 2\)/);
        return;
      }
      const values = parseNetdataConf(text, 'netdata.conf');
      expect(values.enabled).toBe(['enable', 'Yes'].includes(last?.cloud ?? ''));
      expect(values.cloudBaseUrl).toBe(last?.url.replace(/\/+$/, ''));
    }), runs(200, 5_000));
    // Regression examples: a key before any section, an unterminated header, a bad value on line 3.
    expect(codeOf(() => parseNetdataConf('url = x', 'netdata.conf'))).toBe('CONFIG_SYNTAX');
    expect(codeOf(() => parseNetdataConf('\uFEFF[global\r\n', 'netdata.conf'))).toBe('CONFIG_SYNTAX');
    expect(() => parseNetdataConf('[global]\r# x\rnetdata cloud = maybe', 'netdata.conf')).toThrow(/^netdata\.conf:3: \[global\] netdata cloud: /);
    // Regression: a wait beyond a Node.js timer (2^31-1 ms) was accepted and crashed the link's state later.
    expect(() => parseNetdataConf('[cloud]\nbackoff min seconds = 9007199254740991', 'netdata.conf')).toThrow(/^netdata\.conf:2: \[cloud\] backoff min seconds: expected at most 2147483 seconds/);
    expect(parseNetdataConf('[cloud]\nban retry seconds = 2147483', 'netdata.conf').backoff.banRetrySeconds).toBe(2_147_483);
  });
});

describe('fuzz: NETDATA_CLAIM_* environment', () => {
  it('claim values, or CONFIG_BAD_VALUE naming the variable (the token never quoted)', () => {
    const NAMES = ['NETDATA_CLAIM_URL', 'NETDATA_CLAIM_TOKEN', 'NETDATA_CLAIM_ROOMS', 'NETDATA_CLAIM_PROXY', 'NETDATA_EXTRA_CLAIM_OPTS'];
    const value = fc.oneof(fc.constantFrom(...Object.values(GOOD).flat(), ...BAD, '-insecure -id=x'), fc.string({ unit: 'binary' }));
    fc.assert(fc.property(fc.dictionary(fc.constantFrom(...NAMES), value), (env) => {
      try {
        const config = parseConfigTexts({}, { ...env, NETDATA_CLAIM_TOKEN: env.NETDATA_CLAIM_TOKEN ?? TOKEN });
        expect(config.autoClaim?.token).toBe((env.NETDATA_CLAIM_TOKEN ?? TOKEN).trim() || undefined);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect({ code: (error as ConfigError).code, file: (error as ConfigError).file }).toEqual({ code: 'CONFIG_BAD_VALUE', file: 'environment' });
        expect(NAMES).toContain((error as ConfigError).key);
        if ((error as ConfigError).key !== 'NETDATA_CLAIM_URL') expect((error as ConfigError).message).not.toContain(TOKEN);
      }
    }), runs());
  });
});

describe('fuzz: the file loader', () => {
  let dir = '';
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'aclk-fuzz-config-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('loadConfig on random files resolves to a LinkConfig or rejects with a located ConfigError', async () => {
    let n = 0;
    await fc.assert(fc.asyncProperty(maybe(anyText), maybe(anyText), maybe(anyText), maybe(anyText), async (netdata, cloud, claim, claimedId) => {
      const run = join(dir, String(n++));
      const cloudDir = join(run, 'cloud.d');
      await mkdir(cloudDir, { recursive: true });
      const files: Array<[string, string | undefined]> = [[join(run, 'netdata.conf'), netdata], [join(run, 'claim.conf'), claim], [join(cloudDir, 'cloud.conf'), cloud], [join(cloudDir, 'claimed_id'), claimedId]];
      for (const [path, text] of files) if (text !== undefined) await writeFile(path, text);
      const named = { 'netdata.conf': netdata, 'claim.conf': claim, 'cloud.conf': cloud, claimed_id: claimedId };
      try {
        const config = await loadConfig({ netdataConf: join(run, 'netdata.conf'), claimConf: join(run, 'claim.conf'), cloudDir }, {});
        expect(typeof config.enabled).toBe('boolean');
      } catch (error) {
        expectLocated(error, named, true);
      }
    }), runs(100, 3_000));
    // A directory where a file should be: CONFIG_NOT_REGULAR_FILE naming it.
    await expect(loadConfig({ netdataConf: dir, cloudDir: dir }, {})).rejects.toMatchObject({ code: 'CONFIG_NOT_REGULAR_FILE', file: dir });
  });
});
