/**
 * Well-formed configurations, generated from what they mean: the parsed LinkConfig equals that
 * meaning. The generator writes netdata.conf, cloud.conf, claimed_id, claim.conf and NETDATA_CLAIM_*
 * from an intent (values in any of netdata's spellings, lines in any order, comments, blank lines,
 * odd spacing, unknown keys, any line end); the expected LinkConfig is worked out from the intent with
 * the precedence rules written out here (adapters/config/merge.ts states them; PROTOCOL.md section 1).
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { parseConfigTexts } from '../../adapters/config/index.js';
import type { LinkConfig } from '../../effects/ports.js';

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const TRUE = ['enable', 'enabled', 'yes', 'true', 'on', '1'];
const FALSE = ['disable', 'disabled', 'no', 'false', 'off', '0'];
/** A boolean and one of its spellings (any case). */
const bool = fc.boolean().chain((value) => fc.constantFrom(...(value ? TRUE : FALSE))
  .chain((word) => fc.constantFrom(word, word.toUpperCase(), word[0]?.toUpperCase() + word.slice(1)))
  .map((text) => ({ value, text })));
const url = fc.record({
  host: fc.constantFrom('app.netdata.cloud', 'cloud.example.com', '127.0.0.1', 'localhost'),
  port: opt(fc.integer({ min: 1, max: 65535 })),
  path: fc.constantFrom('', '/api', '/a/b'),
  slashes: fc.constantFrom('', '/', '//'),
}).map(({ host, port, path, slashes }) => {
  const value = `https://${host}${port === undefined ? '' : `:${port}`}${path}`;
  return { value, text: value + slashes };
});
const proxy = fc.constantFrom('', 'none', 'env', 'http://proxy.local:3128', 'socks5h://127.0.0.1:1080', 'http://user:p%40ss@proxy:8080', 'socks5://[::1]:1080');
const uuid = fc.uuid().chain((id) => fc.constantFrom(id, id.toUpperCase()).map((text) => ({ value: id.toLowerCase(), text })));
const policy = fc.constantFrom('full', 'equal', 'decorrelated', 'none', 'netdata').chain((name) => fc.constantFrom(name, name.toUpperCase()).map((text) => ({ value: name, text })));
const token = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const rooms = fc.array(fc.constantFrom('room-1', 'r2', 'ops team'), { minLength: 1, maxLength: 4 })
  .chain((list) => fc.constantFrom(', ', ',', ' , ').map((sep) => ({ value: list, text: list.join(sep) })));

const intent = fc.record({
  enabled: opt(bool), baseUrl: opt(url), proxy: opt(proxy), insecure: opt(bool), caFile: opt(fc.constantFrom('/etc/ssl/ca.pem', 'my ca.pem')),
  policy: opt(policy), base: opt(fc.integer({ min: 1, max: 10 })), min: opt(fc.integer({ min: 0, max: 600 })), span: opt(fc.integer({ min: 1, max: 4000 })),
  banRetry: opt(fc.integer({ min: 1, max: 86_400 })),
  cloud: opt(fc.record({ url: opt(url), proxy: opt(proxy), insecure: opt(bool), claimId: opt(uuid), hostname: opt(fc.constantFrom('node-1', 'db 2')) })),
  claimedIdFile: opt(uuid),
  claim: opt(fc.record({ url: opt(url), token: opt(token), rooms: opt(rooms), proxy: opt(proxy), insecure: opt(bool) })),
  env: fc.record({ url: opt(url), token: opt(token), rooms: opt(rooms), proxy: opt(proxy.filter((p) => p !== '')), insecure: fc.boolean() }),
});
type Intent = typeof intent extends fc.Arbitrary<infer T> ? T : never;

type Line = readonly [string, string | undefined];
/** One INI file: sections in the given order, their lines shuffled, with noise; any line end. */
const render = (sections: ReadonlyArray<readonly [string, readonly Line[]]>) => fc.tuple(
  fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
  fc.constantFrom('\n', '\r\n', '\r'),
  fc.constantFrom(' = ', '=', '\t=  '),
  fc.boolean(),
).map(([order, eol, eq, bom]) => {
  const out: string[] = ['# generated', ''];
  sections.forEach(([name, lines], s) => {
    out.push(s % 2 === 0 ? `[${name}]` : `  [ ${name} ]  `);
    const present = lines.filter((l): l is readonly [string, string] => l[1] !== undefined);
    const keyed = present.map((l, i) => ({ l, k: order[i % order.length] ?? 0 })).sort((a, b) => a.k - b.k);
    for (const { l } of keyed) out.push(`  ${l[0]}${eq}${l[1]}`, '; comment');
    out.push('unknown key = ignored', '');
  });
  return (bom ? '\uFEFF' : '') + out.join(eol);
});

const texts = (i: Intent) => fc.record({
  netdataConf: render([
    ['global', [['netdata cloud', i.enabled?.text], ['hostname', 'ignored']]],
    ['web', [['mode', 'static']]],
    ['cloud', [['cloud base url', i.baseUrl?.text], ['proxy', i.proxy], ['insecure', i.insecure?.text], ['ca file', i.caFile],
      ['backoff policy', i.policy?.text], ['backoff base', i.base?.toString()], ['backoff min seconds', i.min?.toString()],
      ['backoff max seconds', i.span === undefined ? undefined : String((i.min ?? 0) + i.span)], ['ban retry seconds', i.banRetry?.toString()]]],
  ]),
  cloudConf: i.cloud === undefined ? fc.constant(undefined) : render([['global', [['url', i.cloud.url?.text], ['proxy', i.cloud.proxy],
    ['insecure', i.cloud.insecure?.text], ['claimed_id', i.cloud.claimId?.text], ['hostname', i.cloud.hostname]]]]),
  claimedId: fc.constant(i.claimedIdFile === undefined ? undefined : `  ${i.claimedIdFile.text}\n`),
  claimConf: i.claim === undefined ? fc.constant(undefined) : render([['global', [['url', i.claim.url?.text], ['token', i.claim.token],
    ['rooms', i.claim.rooms?.text], ['proxy', i.claim.proxy], ['insecure', i.claim.insecure?.text]]]]),
});

function environment(i: Intent): Record<string, string> {
  const env: Record<string, string> = { NETDATA_EXTRA_CLAIM_OPTS: i.env.insecure ? '-id=x -insecure' : '-noreload' };
  if (i.env.url !== undefined) env.NETDATA_CLAIM_URL = i.env.url.text;
  if (i.env.token !== undefined) env.NETDATA_CLAIM_TOKEN = ` ${i.env.token} `;
  if (i.env.rooms !== undefined) env.NETDATA_CLAIM_ROOMS = i.env.rooms.text;
  if (i.env.proxy !== undefined) env.NETDATA_CLAIM_PROXY = i.env.proxy;
  return env;
}

/** What the intent means, by the precedence rules of merge.ts written out. */
function meaning(i: Intent): LinkConfig {
  const claimId = i.cloud?.claimId?.value ?? i.claimedIdFile?.value ?? null;
  const baseUrl = i.baseUrl?.value ?? 'https://app.netdata.cloud';
  const token = i.env.token ?? i.claim?.token;
  const claimProxy = i.env.proxy ?? i.claim?.proxy;
  return {
    enabled: i.enabled?.value ?? true,
    cloudUrl: claimId !== null && i.cloud?.url !== undefined ? i.cloud.url.value : baseUrl,
    proxy: i.proxy ?? i.cloud?.proxy ?? 'env',
    insecure: i.insecure?.value ?? i.cloud?.insecure?.value ?? false,
    ...(i.caFile === undefined ? {} : { caFile: i.caFile }),
    claimId,
    ...(i.cloud?.hostname === undefined ? {} : { hostname: i.cloud.hostname }),
    backoff: {
      policy: i.policy?.value ?? 'full',
      ...(i.base === undefined ? {} : { base: i.base }),
      ...(i.min === undefined ? {} : { minSeconds: i.min }),
      ...(i.span === undefined ? {} : { maxSeconds: (i.min ?? 0) + i.span }),
      ...(i.banRetry === undefined ? {} : { banRetrySeconds: i.banRetry }),
    },
    autoClaim: token === undefined ? null : {
      url: i.env.url?.value ?? i.claim?.url?.value ?? baseUrl,
      token,
      rooms: i.env.rooms?.value ?? i.claim?.rooms?.value ?? [],
      ...(claimProxy === undefined ? {} : { proxy: claimProxy }),
      insecure: i.env.insecure || i.claim?.insecure?.value === true,
    },
  };
}

describe('configuration parser: values', () => {
  test.prop([intent.chain((i) => fc.tuple(fc.constant(i), texts(i)))], { numRuns: 300 })(
    'a well-formed configuration parses to exactly what it means',
    ([i, files]) => {
      expect(parseConfigTexts(files, environment(i))).toEqual(meaning(i));
    },
  );
});
