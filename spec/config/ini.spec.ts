/** The netdata INI scanner: what is accepted, and syntax errors with file and line. */
import { describe, expect, it } from 'vitest';
import { ConfigError, scanIni } from '../../adapters/config/index.js';
import { LinkError } from '../../effects/errors.js';

function syntaxError(text: string): ConfigError {
  try {
    scanIni(text, 'test.conf');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as ConfigError).code).toBe('CONFIG_SYNTAX');
    return error as ConfigError;
  }
  throw new Error('expected a syntax error');
}

describe('scanIni', () => {
  it('reads sections, keys with spaces, indentation, comments and CRLF', () => {
    const doc = scanIni('\uFEFF# top\r\n[global]\r\n\t netdata cloud   =  disable  \r\n  ; note\r\n[cloud]\n  cloud base url = https://x.example/ # not a comment\n', 'n.conf');
    expect(doc.get('global', 'netdata cloud')).toEqual({ value: 'disable', line: 3 });
    expect(doc.get('cloud', 'cloud base url')).toEqual({ value: 'https://x.example/ # not a comment', line: 6 });
    expect(doc.get('cloud', 'missing')).toBeUndefined();
    expect(doc.get('nope', 'netdata cloud')).toBeUndefined();
  });

  it('splits at the first "=", keeps quotes, lets the last duplicate win and merges repeated sections', () => {
    const doc = scanIni('[a]\nk = x = y\nq = "quoted"\nk2 =\n[b]\nz = 1\n[a]\nk = last\n', 'f');
    expect(doc.get('a', 'k')).toEqual({ value: 'last', line: 8 });
    expect(doc.lines('a', 'k')).toEqual([2, 8]);
    expect(doc.lines('a', 'q')).toEqual([3]);
    expect(doc.sectionsWith('z')).toEqual([{ section: 'b', line: 6 }]);
    expect(doc.get('a', 'q')?.value).toBe('"quoted"');
    expect(doc.get('a', 'k2')?.value).toBe('');
    expect(doc.get('b', 'z')?.value).toBe('1');
  });

  it('accepts netdata section names with colons, slashes and spaces', () => {
    const doc = scanIni('[plugin:proc:/proc/net/dev]\nx = 1\n[ spaced name ]\ny = 2\n', 'f');
    expect(doc.get('plugin:proc:/proc/net/dev', 'x')?.value).toBe('1');
    expect(doc.get('spaced name', 'y')?.value).toBe('2');
  });

  it('is case-sensitive like netdata', () => {
    expect(scanIni('[Global]\nNetdata Cloud = disable\n', 'f').get('global', 'netdata cloud')).toBeUndefined();
  });

  it.each([
    ['[global]\njust words\n', 2, 'expected "[section]", "key = value" or a comment'],
    ['[global\nx = 1\n', 1, 'unterminated section header'],
    ['\n\n[]\n', 3, 'empty section name'],
    ['[cloud] extra\n', 1, 'unexpected text after "[cloud]"'],
    ['[cloud]\n = value\n', 2, 'the key is missing'],
    ['x = 1\n[global]\n', 1, 'key outside any [section]'],
  ])('%j → line %i', (text, line, message) => {
    const error = syntaxError(text);
    expect(error.line).toBe(line);
    expect(error.file).toBe('test.conf');
    expect(error.message).toContain(`test.conf:${line}: `);
    expect(error.message).toContain(message);
  });

  it('never quotes a malformed line (it may hold a secret)', () => {
    expect(syntaxError('[global]\ntoken s3cr3t-token\n').message).not.toContain('s3cr3t');
  });
});
