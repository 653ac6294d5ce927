/**
 * Cloud-supplied text never acts on the operator's terminal (cli/terminal-text.ts): ESC/OSC
 * sequences, CR/LF (forged lines), C1 controls and bidi overrides are printed as visible escapes by
 * every human output (the failure line, the logger, `aclk run` lines, the `aclk state` table), while
 * the JSON outputs keep the exact text.
 */
import { describe, expect, it } from 'vitest';
import { describeFailure, oneLine } from '../../cli/errors.js';
import { stderrLogger } from '../../cli/logger.js';
import { changeLine, changeRecord, stateTable } from '../../cli/state-format.js';
import { terminalBlock, terminalJson, terminalText } from '../../cli/terminal-text.js';
import { LinkError } from '../../effects/errors.js';
import { toAclkStateJson, type LinkState } from '../../link/state.js';

/** What a hostile cloud puts in errorMsgKey / errorMessage. */
const HOSTILE = 'ErrX\u001b]0;pwned\u0007 \u001b[2J\u009b31m\r\n2026-01-01T00:00:00.000Z connected.online ONLINE: connected\u202egnp.exe\u2066\u007f\tend';

/** Any character a terminal acts on: C0 (LF, CR, TAB, ESC, BEL...), DEL, C1, bidi controls. */
// eslint-disable-next-line no-control-regex -- the point of the test
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function expectSafeLine(line: string): void {
  expect(line).not.toMatch(RAW_CONTROL);
  expect(line.split('\n')).toHaveLength(1);
}

const hostileState = (): LinkState => ({
  available: true, version: '0.1.0', claimed: true, claimId: 'c-1', cloudUrl: 'https://cloud.example',
  proxy: 'none', online: false, mqttVersion: null, state: 'backoff.waiting', top: 'backoff',
  reason: `the cloud env request failed: HTTP 500 ${HOSTILE}`, reasonCode: 'ENV_NOT_200', attempt: 1,
  reconnectCount: 0, lastConnectTime: null, lastDisconnectTime: null, nextConnectionAttempt: null,
  lastBackoffMs: 1000, bannedByCloud: false, messagesReceived: 0, messagesSent: 0, messagesAcked: 0,
  pendingPubacks: 0, outboxSize: 0, outboxBytes: 0, publishLatencyMs: { last: null, average: null, max: null },
  cmdPending: 0, cmdMaxPending: 64, cmdBusyAnswers: 0,
  nodes: [{ machineGuid: '11111111-1111-4111-8111-111111111111', hostname: `host ${HOSTILE}`, nodeId: null, hops: 0, live: true, reportedLive: null }],
}) satisfies LinkState;

describe('terminalText / terminalBlock', () => {
  it('shows every control character as a visible escape', () => {
    expect(terminalText('a\u001b]0;t\u0007b')).toBe('a\\x1b]0;t\\x07b');
    expect(terminalText('x\r\ny\tz\u007f\u0085\u009b')).toBe('x\\r\\ny\\tz\\x7f\\x85\\x9b');
    expect(terminalText('abc\u202edef\u2066\u2069\u200f\u2028')).toBe('abc\\u202edef\\u2066\\u2069\\u200f\\u2028');
    expect(terminalText('plain ascii, ünïcödé, 日本語 and emoji 🎉')).toBe('plain ascii, ünïcödé, 日本語 and emoji 🎉');
    expectSafeLine(terminalText(HOSTILE));
  });

  it('terminalBlock keeps LF and TAB (multi-line text) and escapes the rest', () => {
    expect(terminalBlock('line 1\n\tline 2\r\u001b[31m')).toBe('line 1\n\tline 2\\r\\x1b[31m');
  });
});

describe('human outputs neutralise cloud text; JSON keeps it exact', () => {
  it('the failure line of a LinkError (cli/errors.ts): one line, no raw control', () => {
    const error = new LinkError('ENV_NOT_200', `env request: expected HTTP 200, got HTTP 500 ${HOSTILE}`);
    const { line } = describeFailure(error);
    expectSafeLine(line);
    expect(line).toMatch(/^ENV_NOT_200: env request: expected HTTP 200, got HTTP 500 ErrX\\x1b\]0;pwned\\x07 /);
    expect(line).toContain('\\u202egnp.exe');
    expectSafeLine(oneLine(HOSTILE));
  });

  it('a claim failure (a final LinkError wrapped by the claim) prints escapes, not the raw ESC', () => {
    const { line } = describeFailure(new LinkError('CLAIM_TOKEN_INVALID', `the cloud rejected the claim token (HTTP 403 ${HOSTILE})`));
    expectSafeLine(line);
    expect(line).toContain('\\x1b]0;pwned\\x07');
  });

  it('the logger (cli/logger.ts): message and fields, one line each', () => {
    const lines: string[] = [];
    const logger = stderrLogger('debug', 'link', (l) => lines.push(l));
    logger.warn(`env failed: ${HOSTILE}`, { reason: HOSTILE, code: 'ENV_NOT_200', body: { text: HOSTILE } });
    expect(lines).toHaveLength(1);
    const line = (lines[0] as string).replace(/\n$/, '');
    expectSafeLine(line);
    expect(line).toContain('reason=ErrX\\x1b]0;pwned\\x07');
  });

  it('the `aclk run` line and the `aclk state` table (cli/state-format.ts)', () => {
    const state = hostileState();
    const time = new Date('2026-01-01T00:00:00.000Z');
    const line = changeLine(state, time);
    expectSafeLine(line);
    expect(line).toContain('\\r\\n2026-01-01T00:00:00.000Z connected.online');
    const table = stateTable(toAclkStateJson(state), 'aclk run pid 1 (since x\u001b[2J), cloud dir /tmp/\u001b]8;;http://evil\u0007x');
    for (const row of table.replace(/\n$/, '').split('\n')) expect(row).not.toMatch(RAW_CONTROL);
    expect(table.split('\n').filter((r) => r.startsWith('reason ') || r.startsWith('reason\t'))).toHaveLength(1);
    expect(table).not.toMatch(/^2026-01-01T00:00:00.000Z connected\.online/m);
  });

  it('JSON outputs keep the exact text, with every control (C1 and bidi included) written as an escape', () => {
    const state = hostileState();
    expect(JSON.stringify(changeRecord(state, new Date(0)))).toMatch(RAW_CONTROL); // JSON.stringify alone leaves C1 and bidi raw
    const record = terminalJson(changeRecord(state, new Date(0)));
    expect(record).not.toMatch(RAW_CONTROL);
    expect(record).toContain('\\u009b31m');
    expect((JSON.parse(record) as { reason: string }).reason).toBe(state.reason);
    const json = terminalJson(toAclkStateJson(state));
    expect(json).not.toMatch(RAW_CONTROL);
    expect((JSON.parse(json) as { reason: string }).reason).toBe(state.reason);
    expect(JSON.parse(terminalJson({ a: HOSTILE, b: [HOSTILE] }))).toEqual({ a: HOSTILE, b: [HOSTILE] });
  });
});
