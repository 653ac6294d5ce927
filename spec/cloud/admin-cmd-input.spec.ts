/**
 * Issue 13: the dev cloud's admin `cmd` endpoint answered 500 to a path with CR/LF (the cmd framing
 * threw, uncaught). Hostile input is the caller's fault: 400 with the cloud's coded JSON error body,
 * naming the field, never echoing the value.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_CMD_PATH } from '../../devcloud/broker/admin-routes.js';
import { cleanupTestResources, claimTestNode, cloudRequest, recordingLogger, startTestCloud } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

const bad: [string, Record<string, unknown>, string][] = [
  ['CR/LF in the path', { path: '/api/v1/info\r\nX-Injected: 1' }, 'path'],
  ['a bare LF in the path', { path: '/api/v1/info\nx' }, 'path'],
  ['NUL in the path', { path: '/api/v1/info\u0000' }, 'path'],
  ['ESC in the path', { path: '/api/\u001b[2Jv1' }, 'path'],
  ['a space in the path (it splits the request line)', { path: '/api/v1/info HTTP/1.0' }, 'path'],
  ['DEL in the path', { path: '/api\u007f' }, 'path'],
  ['a path beyond the bound', { path: `/${'a'.repeat(MAX_CMD_PATH)}` }, 'path'],
  ['CR/LF in a header value', { path: '/api/v1/info', headers: { 'x-a': 'b\r\nX-Injected: 1' } }, 'headers'],
  ['a header name that is not a token', { path: '/api/v1/info', headers: { 'x a:': 'b' } }, 'headers'],
];

describe('dev cloud admin cmd: hostile input', () => {
  it.each(bad)('%s → 400 ErrBadRequest naming the field', async (_what, body, field) => {
    const logger = recordingLogger();
    const { cloud } = await startTestCloud({ logger });
    const { claimId } = await claimTestNode(cloud);
    const answer = await cloudRequest(cloud, 'POST', `/admin/nodes/${claimId}/cmd`, { body: { ...body, timeoutMs: 1_000 } });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ errorMsgKey: 'ErrBadRequest', errorCode: expect.any(String) });
    const message = (answer.json as { errorMessage: string }).errorMessage;
    expect(message.startsWith(`${field}`)).toBe(true);
    expect(message).not.toContain('Injected');
    expect(logger.lines.filter((l) => l.includes('handler failed'))).toEqual([]);
  });

  it('a well-formed path still goes out (and, with no node connected, times out: 504)', async () => {
    const { cloud } = await startTestCloud();
    const { claimId } = await claimTestNode(cloud);
    const answer = await cloudRequest(cloud, 'POST', `/admin/nodes/${claimId}/cmd`, {
      body: { path: '/api/v1/info?x=1&y=%0D%0A', headers: { 'x-a': 'tab\tok' }, timeoutMs: 200 },
    });
    expect(answer.status).toBe(504);
  });
});
