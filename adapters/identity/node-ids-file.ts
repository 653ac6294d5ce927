/**
 * Node ids kept next to the claim (`<cloud.d>/node-instances.json`), so that a restart reuses the node id
 * the cloud gave for a machine GUID instead of asking again (which would make a duplicate node).
 * `{"version":1,"claims":{"<claim id>":{"<machine GUID>":"<node id>"}}}`; written atomically, mode 0600;
 * read bounded. Only the current claim's ids are kept when a new claim's first id is written. A file that
 * is not ours (malformed) is NODE_IDS_INVALID at load: the link then starts with no ids (it asks again)
 * and never overwrites it silently.
 */
import { join } from 'node:path';
import { LinkError } from '../../effects/errors.js';
import type { Logger, NodeIdStore } from '../../effects/ports.js';
import { readBoundedText } from '../fs/bounded-read.js';
import { isUuid } from '../messages/uuid.js';
import { writeFileAtomic } from './atomic-file.js';

export const NODE_IDS_FILE = 'node-instances.json';
const MAX_IDS = 100_000;

type Claims = Record<string, Record<string, string>>;

function parse(text: string, path: string): Claims {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LinkError('NODE_IDS_INVALID', `${path}: not JSON`);
  }
  const claims = (value as { version?: unknown; claims?: unknown } | null)?.claims;
  if ((value as { version?: unknown }).version !== 1 || typeof claims !== 'object' || claims === null) {
    throw new LinkError('NODE_IDS_INVALID', `${path}: not a node-instances file of version 1`);
  }
  const out: Claims = {};
  let count = 0;
  for (const [claimId, ids] of Object.entries(claims)) {
    if (!isUuid(claimId) || typeof ids !== 'object' || ids === null) throw new LinkError('NODE_IDS_INVALID', `${path}: bad claim entry`);
    const kept: Record<string, string> = {};
    for (const [guid, nodeId] of Object.entries(ids as Record<string, unknown>)) {
      if (!isUuid(guid) || !isUuid(nodeId)) throw new LinkError('NODE_IDS_INVALID', `${path}: bad node entry`);
      if (++count > MAX_IDS) throw new LinkError('NODE_IDS_INVALID', `${path}: more than ${MAX_IDS} node ids`);
      kept[guid] = nodeId;
    }
    out[claimId] = kept;
  }
  return out;
}

export function fileNodeIdStore(cloudDir: string, logger: Logger): NodeIdStore {
  const path = join(cloudDir, NODE_IDS_FILE);
  let claims: Claims = {};
  let writable = true;
  let writing: Promise<void> = Promise.resolve();
  return {
    async load() {
      try {
        const text = await readBoundedText(path, { maxBytes: 16 * 1024 * 1024 });
        claims = text === undefined ? {} : parse(text, path);
      } catch (error) {
        writable = false;
        const code = error instanceof LinkError ? error.code : 'NODE_IDS_INVALID';
        logger.warn('node ids not loaded: the link asks the cloud again (the file is left as it is)', { code, error: error instanceof Error ? error.message : String(error) });
      }
    },
    get: (claimId, machineGuid) => claims[claimId]?.[machineGuid],
    set(claimId, machineGuid, nodeId) {
      claims = { [claimId]: { ...(claims[claimId] ?? {}), [machineGuid]: nodeId } };
      if (!writable) return Promise.resolve();
      const body = `${JSON.stringify({ version: 1, claims }, null, 2)}\n`;
      writing = writing.then(() => writeFileAtomic(path, body, { mode: 0o600 }));
      return writing;
    },
  };
}
