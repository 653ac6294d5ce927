import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeUpdateNodeCollectors,
  decodeUpdateNodeInfo,
  encodeUpdateNodeCollectors,
  encodeUpdateNodeInfo,
  MAX_COLLECTORS,
  MAX_HOST_LABELS,
  type NodeInfoInit,
} from '../../adapters/messages/index.js';
import { bytesOf, capability, hex, msg, str, timestamp, vint } from './support/pb.js';
import { capabilityArb, epochMs, expectCoded, expectOnlyBadProtobuf, uuid } from './support/coded.js';

const CLAIM = '11111111-2222-4333-8444-555555555555';
const NODE = '01234567-89ab-4def-8123-456789abcdef';
const GUID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const text = fc.option(fc.string({ minLength: 1 }), { nil: undefined });
const ml = fc.option(fc.record({ mlCapable: fc.boolean(), mlEnabled: fc.boolean() }), { nil: undefined });

const info = fc.record({
  name: fc.string(), version: fc.string(), cpus: fc.nat({ max: 0xffffffff }), machineGuid: fc.option(uuid, { nil: undefined }),
  os: text, osName: text, osVersion: text, kernelName: text, kernelVersion: text, architecture: text, cpuFrequency: text,
  memory: text, diskSpace: text, releaseChannel: text, timezone: text, virtualizationType: text, containerType: text,
  customInfo: text, mlInfo: ml,
  hostLabels: fc.dictionary(fc.oneof(fc.string(), fc.constant('__proto__')), fc.string(), { maxKeys: 5 }),
});

const strip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

describe('UpdateNodeInfo', () => {
  it('round-trips', () => {
    fc.assert(fc.property(
      fc.record({
        claimId: uuid, nodeId: uuid, machineGuid: fc.option(uuid, { nil: undefined }), child: fc.boolean(), info,
        updatedAtMs: epochMs, sessionId: fc.maxSafeInteger(), mlInfo: ml,
        nodeCapabilities: fc.array(capabilityArb, { maxLength: 10 }), nodeInstanceCapabilities: fc.array(capabilityArb, { maxLength: 10 }),
      }),
      (m) => {
        const d = decodeUpdateNodeInfo(encodeUpdateNodeInfo(m));
        expect(d).toEqual(strip({ ...m, info: strip(m.info) }));
      },
    ));
  });

  it('uses the schema field numbers (hand-encoded, in the order netdata serializes them)', () => {
    const nodeInfo: NodeInfoInit = {
      name: 'web-1', os: 'linux', osName: 'Debian GNU/Linux', osVersion: '12', kernelName: 'Linux', kernelVersion: '6.1.0',
      architecture: 'x86_64', cpus: 4, cpuFrequency: '2400000000', memory: '8000000000', diskSpace: '100000000000',
      version: 'v2.6.0', releaseChannel: 'stable', timezone: 'UTC', virtualizationType: 'kvm', containerType: 'none',
      customInfo: 'c', machineGuid: GUID, hostLabels: { _os: 'linux' }, mlInfo: { mlCapable: true, mlEnabled: false },
    };
    const expected = bytesOf(
      str(1, CLAIM),
      msg(2, str(1, 'web-1'), str(2, 'linux'), str(3, 'Debian GNU/Linux'), str(4, '12'), str(5, 'Linux'), str(6, '6.1.0'),
        str(7, 'x86_64'), vint(8, 4), str(9, '2400000000'), str(10, '8000000000'), str(11, '100000000000'), str(12, 'v2.6.0'),
        str(13, 'stable'), str(14, 'UTC'), str(15, 'kvm'), str(16, 'none'), str(17, 'c'), str(19, GUID),
        msg(21, str(1, '_os'), str(2, 'linux')), msg(22, vint(1, true))),
      timestamp(3, 1_700_000_000_500),
      str(5, GUID),
      vint(6, true),
      str(7, NODE),
      msg(8, vint(1, true), vint(2, true)),
      msg(9, capability(1, 'proto', 1, true)),
      msg(10, capability(1, 'http_api_v2', 7, true)),
    );
    const m = {
      claimId: CLAIM, nodeId: NODE, machineGuid: GUID, child: true, info: nodeInfo, updatedAtMs: 1_700_000_000_500,
      mlInfo: { mlCapable: true, mlEnabled: true },
      nodeCapabilities: [{ name: 'proto', version: 1, enabled: true }],
      nodeInstanceCapabilities: [{ name: 'http_api_v2', version: 7, enabled: true }],
    };
    expect(hex(encodeUpdateNodeInfo(m))).toBe(hex(expected));
    expect(decodeUpdateNodeInfo(expected)).toEqual({ ...m, sessionId: 0 });
  });

  it('decodes a message without data, updated_at or capabilities to empty values', () => {
    expect(decodeUpdateNodeInfo(bytesOf(str(1, CLAIM), str(7, NODE)))).toEqual({
      claimId: CLAIM, nodeId: NODE, child: false, info: { name: '', version: '', cpus: 0, hostLabels: {} },
      updatedAtMs: 0, sessionId: 0, nodeCapabilities: [], nodeInstanceCapabilities: [],
    });
  });

  it('keeps a host label named __proto__ as an own entry, both ways', () => {
    const hostLabels = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    const bytes = encodeUpdateNodeInfo({ claimId: CLAIM, nodeId: NODE, child: false, info: { name: '', version: '', hostLabels }, updatedAtMs: 0 });
    expect(hex(bytes)).toBe(hex(bytesOf(str(1, CLAIM), msg(2, msg(21, str(1, '__proto__'), str(2, 'x'))), msg(3), str(7, NODE))));
    const d = decodeUpdateNodeInfo(bytesOf(str(1, CLAIM), str(7, NODE), msg(2, msg(21, str(1, '__proto__'), str(2, 'x')))));
    expect(Object.getPrototypeOf(d.info.hostLabels)).toBe(Object.prototype);
    expect(Object.keys(d.info.hostLabels)).toEqual(Object.keys(JSON.parse('{"__proto__":"x"}') as object));
  });

  it('encoding rejects what the wire cannot carry with MSG_INVALID', () => {
    const m = { claimId: CLAIM, nodeId: NODE, child: false, info: { name: 'n', version: 'v' }, updatedAtMs: 0 };
    expectCoded(() => encodeUpdateNodeInfo({ ...m, nodeId: 'n' }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInfo({ ...m, machineGuid: 'g' }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInfo({ ...m, info: { ...m.info, machineGuid: 'g' } }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInfo({ ...m, info: { ...m.info, cpus: -1 } }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInfo({ ...m, info: { ...m.info, cpus: 2 ** 32 } }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInfo({ ...m, info: { ...m.info, hostLabels: { a: 1 as unknown as string } } }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInfo({ ...m, sessionId: 2 ** 60 }), 'MSG_INVALID');
    expectCoded(() => encodeUpdateNodeInfo({ ...m, nodeInstanceCapabilities: [{ name: 'x', version: -1, enabled: true }] }), 'MSG_INVALID');
  });

  it('decoding rejects bad ids, too many labels and malformed bytes with MSG_BAD_PROTOBUF', () => {
    expectCoded(() => decodeUpdateNodeInfo(bytesOf(str(1, CLAIM))), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decodeUpdateNodeInfo(bytesOf(str(1, CLAIM), str(7, NODE), str(5, 'guid'))), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decodeUpdateNodeInfo(bytesOf(str(1, CLAIM), str(7, NODE), msg(2, str(19, 'guid')))), 'MSG_BAD_PROTOBUF');
    const labels = Array.from({ length: MAX_HOST_LABELS + 1 }, (_, i) => msg(21, str(1, `k${i}`), str(2, 'v')));
    expectCoded(() => decodeUpdateNodeInfo(bytesOf(str(1, CLAIM), str(7, NODE), msg(2, ...labels))), 'MSG_BAD_PROTOBUF');
    expect(Object.keys(decodeUpdateNodeInfo(bytesOf(str(1, CLAIM), str(7, NODE), msg(2, ...labels.slice(1)))).info.hostLabels))
      .toHaveLength(MAX_HOST_LABELS);
    expectCoded(() => decodeUpdateNodeInfo(bytesOf(str(1, CLAIM), str(7, NODE), msg(2, vint(8, 1)).slice(0, -1))), 'MSG_BAD_PROTOBUF');
    expectOnlyBadProtobuf(decodeUpdateNodeInfo);
  });
});

describe('UpdateNodeCollectors', () => {
  it('round-trips', () => {
    fc.assert(fc.property(
      fc.record({ claimId: uuid, nodeId: uuid, collectors: fc.array(fc.record({ plugin: fc.string(), module: fc.string() }), { maxLength: 8 }) }),
      (m) => {
        expect(decodeUpdateNodeCollectors(encodeUpdateNodeCollectors(m))).toEqual(m);
      },
    ));
  });

  it('uses the schema field numbers (hand-encoded: 1 claim_id, 2 node_id, 3 collectors {1 module, 2 plugin})', () => {
    const expected = bytesOf(str(1, CLAIM), str(2, NODE), msg(3, str(1, 'nginx'), str(2, 'go.d')), msg(3, str(2, 'apps.plugin')));
    const m = { claimId: CLAIM, nodeId: NODE, collectors: [{ plugin: 'go.d', module: 'nginx' }, { plugin: 'apps.plugin', module: '' }] };
    expect(hex(encodeUpdateNodeCollectors(m))).toBe(hex(expected));
    expect(decodeUpdateNodeCollectors(expected)).toEqual(m);
  });

  it('rejects bad ids (MSG_INVALID out, MSG_BAD_PROTOBUF in), too many collectors and malformed bytes', () => {
    expectCoded(() => encodeUpdateNodeCollectors({ claimId: CLAIM, nodeId: 'n', collectors: [] }), 'MSG_INVALID');
    expectCoded(() => decodeUpdateNodeCollectors(bytesOf(str(1, CLAIM), str(2, 'n'))), 'MSG_BAD_PROTOBUF');
    const many = Array.from({ length: MAX_COLLECTORS + 1 }, () => msg(3, str(2, 'p')));
    expectCoded(() => decodeUpdateNodeCollectors(bytesOf(str(1, CLAIM), str(2, NODE), ...many)), 'MSG_BAD_PROTOBUF');
    expectCoded(() => decodeUpdateNodeCollectors(bytesOf(str(1, CLAIM), str(2, NODE), msg(3, vint(1, 9)))), 'MSG_BAD_PROTOBUF');
    expectOnlyBadProtobuf(decodeUpdateNodeCollectors);
  });
});
