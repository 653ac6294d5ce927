/**
 * Issue 12: every claim request carries the node's machine GUID as `mGUID` (claim-with-api.c), read
 * from netdata's registry file or created there once; a malformed file stops the claim before any
 * request. The dev cloud records each claim body's mGUID (devcloud/claim-handler.ts).
 */
import { readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimBody } from '../../adapters/claim/index.js';
import { LinkError } from '../../effects/errors.js';
import { claimTestNode, cleanupTestResources, makeTempDir, startTestCloud } from '../support/dev-cloud.js';

afterEach(cleanupTestResources);

describe('claim: mGUID', () => {
  it('creates the GUID file at <cloud-dir>/../registry once and sends it on every claim', async () => {
    const { cloud } = await startTestCloud();
    const cloudDir = join(await makeTempDir('aclk-node-'), 'cloud.d');
    const guidFile = join(dirname(cloudDir), 'registry', 'netdata.public.unique.id');
    const first = await claimTestNode(cloud, { cloudDir });
    const guid = await readFile(guidFile, 'utf8');
    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const second = await claimTestNode(cloud, { cloudDir });
    expect(await readFile(guidFile, 'utf8')).toBe(guid);
    const byClaim = new Map(cloud.nodes().map((n) => [n.claimId, n.machineGuid]));
    expect([byClaim.get(first.claimId), byClaim.get(second.claimId)]).toEqual([guid, guid]);
  });

  it('uses machineGuidFile when given', async () => {
    const { cloud } = await startTestCloud();
    const file = join(await makeTempDir('aclk-guid-'), 'my.id');
    await writeFile(file, 'DEADBEEF-0000-4000-8000-000000000042\n');
    const { claimId } = await claimTestNode(cloud, { machineGuidFile: file });
    expect(cloud.nodes().find((n) => n.claimId === claimId)?.machineGuid).toBe('deadbeef-0000-4000-8000-000000000042');
  });

  it('a malformed GUID file: MACHINE_GUID_INVALID, no request, no cloud.conf, the file untouched', async () => {
    const { cloud } = await startTestCloud();
    const cloudDir = join(await makeTempDir('aclk-node-'), 'cloud.d');
    const guidFile = join(dirname(cloudDir), 'registry', 'netdata.public.unique.id');
    await mkdir(dirname(guidFile), { recursive: true });
    await writeFile(guidFile, 'not-a-guid');
    const error = await claimTestNode(cloud, { cloudDir }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(LinkError);
    expect((error as LinkError).code).toBe('MACHINE_GUID_INVALID');
    expect((error as LinkError).message).toContain(guidFile);
    expect(cloud.nodes()).toEqual([]);
    expect(await stat(join(cloudDir, 'cloud.conf')).catch(() => null)).toBeNull();
    expect(await readFile(guidFile, 'utf8')).toBe('not-a-guid');
    expect(await readdir(dirname(guidFile))).toEqual(['netdata.public.unique.id']);
  });

  it('the body is the agent\'s: node{id,hostname}, token, rooms, publicKey, mGUID', () => {
    const body = JSON.parse(claimBody({ claimId: 'c', hostname: 'h', token: 't', rooms: ['r'], publicKeyPem: 'PEM', machineGuid: 'g' })) as unknown;
    expect(body).toEqual({ node: { id: 'c', hostname: 'h' }, token: 't', rooms: ['r'], publicKey: 'PEM', mGUID: 'g' });
  });
});
