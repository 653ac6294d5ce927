/**
 * adapters/proxy/no-proxy.ts, entry by entry: the edges of each entry form (names with leading dots,
 * ports, brackets, IPs, CIDR blocks), and the rule that a malformed entry never makes the proxy be
 * skipped for a host it does not name. spec/proxy/parse.spec.ts covers the common entries through
 * parseProxySetting; these call matchesNoProxy directly.
 */
import { describe, expect, it } from 'vitest';
import { matchesNoProxy } from '../../adapters/proxy/index.js';

const CLOUD = { host: 'app.netdata.cloud' };

describe('matchesNoProxy: lists', () => {
  it.each([
    ['', false],
    [' , ,', false],
    [',app.netdata.cloud,', true],
    ['other.example,\tapp.netdata.cloud', true],
    ['app.netdata.cloud other.example', true],
    ['other.example\n,\nanother.example', false],
  ])('%j → %s', (list, bypass) => {
    expect(matchesNoProxy(list, CLOUD)).toBe(bypass);
  });
});

describe('matchesNoProxy: names', () => {
  it.each([
    ['..netdata.cloud', CLOUD, true],
    ['*..netdata.cloud', CLOUD, true],
    ['NETDATA.Cloud.', CLOUD, true],
    ['app.netdata.cloud', { host: ' App.Netdata.Cloud ' }, true],
    ['app.netdata.cloud', { host: 'app.netdata.cloud.' }, true],
    // case folding is lower case: "ß" is not "ss" (upper-casing both would make them equal)
    ['ss.example', { host: 'ß.example' }, false],
    ['ß.example', { host: 'ss.example' }, false],
    // empty once normalised: matches nothing, not even a host that ends in a dot
    ['.', { host: 'example..' }, false],
    ['[]', { host: 'example..' }, false],
  ])('%j for %j → %s', (entry, target, bypass) => {
    expect(matchesNoProxy(entry, target)).toBe(bypass);
  });
});

describe('matchesNoProxy: ports', () => {
  it.each([
    ['app.netdata.cloud:443', CLOUD, true],
    ['app.netdata.cloud:8443', { host: 'app.netdata.cloud', port: 8443 }, true],
    ['app.netdata.cloud:8443', CLOUD, false],
    // a port must be 1 to 5 digits, nothing else
    ['app.netdata.cloud:0000443', CLOUD, false],
    ['app.netdata.cloud:x443', CLOUD, false],
    ['app.netdata.cloud:443x', CLOUD, false],
    ['app.netdata.cloud:', CLOUD, false],
    ['[::1]:443', { host: '::1' }, true],
    ['[::1]', { host: '::1', port: 8443 }, true],
    ['[::1]:0000443', { host: '::1' }, false],
  ])('%j for %j → %s', (entry, target, bypass) => {
    expect(matchesNoProxy(entry, target)).toBe(bypass);
  });
});

describe('matchesNoProxy: IP addresses match exactly, never as a name suffix', () => {
  it.each([
    ['10.1.2.3', { host: '10.1.2.3' }, true],
    ['2.3', { host: '10.1.2.3' }, false],
    ['1.2.3', { host: '10.1.2.3' }, false],
    ['10.0.0.1', { host: 'x.10.0.0.1' }, false],
    ['[fd00::1]', { host: 'FD00::1' }, true],
    // stray brackets that are not around the whole entry make it malformed
    ['10.0.0.1[', { host: '10.0.0.1' }, false],
    [']10.0.0.1', { host: '10.0.0.1' }, false],
    ['x[::1]:443', { host: '::1' }, false],
    ['[::1]:443x', { host: '::1' }, false],
  ])('%j for %j → %s', (entry, target, bypass) => {
    expect(matchesNoProxy(entry, target)).toBe(bypass);
  });
});

describe('matchesNoProxy: CIDR blocks', () => {
  it.each([
    ['10.1.0.0/16', { host: '10.1.2.3' }, true],
    ['10.1.0.0/16', { host: '10.2.0.1' }, false],
    ['10.1.2.3/32', { host: '10.1.2.3' }, true],
    ['10.1.2.4/32', { host: '10.1.2.3' }, false],
    ['10.1.2.3/33', { host: '10.1.2.3' }, false],
    ['0.0.0.0/0', { host: '192.0.2.1' }, true],
    ['fd00::/64', { host: 'fd00::5' }, true],
    ['fd00::5/128', { host: 'fd00::5' }, true],
    ['fd00::/129', { host: 'fd00::5' }, false],
    ['fd00::/8', { host: '[fd12::1]' }, true],
    ['fd00::/8', { host: 'fe80::1' }, false],
    ['10.0.0.0/8', { host: 'fd00::1' }, false],
    ['10.0.0.0/8', { host: 'app.netdata.cloud' }, false],
    // malformed blocks match nothing (and do not throw)
    ['10.0.0/8', { host: '10.1.2.3' }, false],
    ['10.0.0/8', { host: 'app.netdata.cloud' }, false],
    ['10.0.0.0/x', { host: '10.1.2.3' }, false],
    ['10.0.0.0/x8', { host: '10.1.2.3' }, false],
    ['10.0.0.0/8x', { host: '10.1.2.3' }, false],
    ['10.0.0.0/0008', { host: '10.1.2.3' }, false],
    ['10.0.0.0/', { host: '10.1.2.3' }, false],
    ['10.0.0.0/8/8', { host: '10.1.2.3' }, false],
    ['proxy/8', { host: '10.1.2.3' }, false],
  ])('%j for %j → %s', (entry, target, bypass) => {
    expect(matchesNoProxy(entry, target)).toBe(bypass);
  });
});
