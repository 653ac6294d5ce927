/** Node ids kept next to the claim (adapters/identity/node-ids-file.ts): reused after a restart, never overwriting a file that is not ours. */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fileNodeIdStore, NODE_IDS_FILE } from '../../adapters/identity/node-ids-file.js';
import { cleanupTestResources, makeTempDir, recordingLogger } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

const CLAIM = '11111111-2222-4333-8444-555555555555';
const OTHER = '11111111-2222-4333-8444-666666666666';
const GUID = '22222222-2222-4222-8222-222222222222';
const NODE = '33333333-3333-4333-8333-333333333333';

describe('fileNodeIdStore', () => {
  it('a node id written by one run is read by the next (mode 0600); a new claim keeps only its own ids', async () => {
    const dir = await makeTempDir('aclk-nodeids-');
    const first = fileNodeIdStore(dir, recordingLogger());
    await first.load?.();
    expect(first.get(CLAIM, GUID)).toBeUndefined();
    await first.set(CLAIM, GUID, NODE);
    expect((await stat(join(dir, NODE_IDS_FILE))).mode & 0o777).toBe(0o600);
    const second = fileNodeIdStore(dir, recordingLogger());
    await second.load?.();
    expect(second.get(CLAIM, GUID)).toBe(NODE);
    expect(second.get(OTHER, GUID)).toBeUndefined();
    await second.set(OTHER, GUID, NODE);
    const third = fileNodeIdStore(dir, recordingLogger());
    await third.load?.();
    expect([third.get(CLAIM, GUID), third.get(OTHER, GUID)]).toEqual([undefined, NODE]);
  });

  it.each([
    ['not JSON', '{'],
    ['another version', '{"version":2,"claims":{}}'],
    ['a node id that is not a UUID', `{"version":1,"claims":{"${CLAIM}":{"${GUID}":"x"}}}`],
  ])('a file that is not ours (%s) is left as it is, with a warning, and nothing is known', async (_what, text) => {
    const dir = await makeTempDir('aclk-nodeids-');
    await writeFile(join(dir, NODE_IDS_FILE), text);
    const logger = recordingLogger();
    const store = fileNodeIdStore(dir, logger);
    await store.load?.();
    expect(store.get(CLAIM, GUID)).toBeUndefined();
    expect(logger.lines.join('\n')).toContain('NODE_IDS_INVALID');
    await store.set(CLAIM, GUID, NODE);
    expect(await readFile(join(dir, NODE_IDS_FILE), 'utf8')).toBe(text);
    expect(store.get(CLAIM, GUID)).toBe(NODE);
  });
});
