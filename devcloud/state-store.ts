/**
 * The dev cloud's persistent state: the claim and admin tokens, the claimed nodes and the node
 * instances (one stable node id per claim id and machine GUID, PROTOCOL.md section 8), as JSON in
 * `<stateDir>/state.json` (mode 0600, written atomically; writes are serialized).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../adapters/identity/atomic-file.js';

export const STATE_FILE = 'state.json';

const nodeSchema = z.object({
  claimId: z.string(),
  hostname: z.string(),
  rooms: z.array(z.string()),
  publicKeyPem: z.string(),
  machineGuid: z.string().optional(),
  claimedAt: z.number(),
});
export type ClaimedNode = z.infer<typeof nodeSchema>;

const nodeInstanceSchema = z.object({
  nodeId: z.string(),
  claimId: z.string(),
  machineGuid: z.string(),
  /** From the CreateNodeInstance that created it. */
  hostname: z.string(),
  createdAt: z.number(),
});
export type NodeInstanceRecord = z.infer<typeof nodeInstanceSchema>;

const stateSchema = z.object({
  version: z.literal(1),
  claimToken: z.string().min(1),
  adminToken: z.string().min(1),
  nodes: z.record(z.string(), nodeSchema),
  /** Keyed by `<claim id> <machine GUID>`; absent in state written before node instances existed. */
  nodeInstances: z.record(z.string(), nodeInstanceSchema).optional(),
});
type State = z.infer<typeof stateSchema>;

export interface StateStore {
  readonly claimToken: string;
  readonly adminToken: string;
  node(claimId: string): ClaimedNode | undefined;
  nodes(): ClaimedNode[];
  /** Adds or replaces a node and persists the state before resolving. */
  putNode(node: ClaimedNode): Promise<void>;
  nodeInstances(): NodeInstanceRecord[];
  /**
   * The node instance of (claim id, machine GUID): the stored one, or a new one with a fresh node id
   * (decided at once, so concurrent calls agree), resolved once it is persisted.
   */
  ensureNodeInstance(claimId: string, machineGuid: string, init: { hostname: string; now: number }): Promise<NodeInstanceRecord>;
}

const instanceKey = (claimId: string, machineGuid: string): string => `${claimId} ${machineGuid}`;

export interface StateStoreOptions {
  /** Fixed claim token (default: the stored one, or a new random one). */
  readonly claimToken?: string;
  readonly adminToken?: string;
}

export function randomToken(): string {
  return randomBytes(24).toString('base64url');
}

export async function openStateStore(stateDir: string, options: StateStoreOptions = {}): Promise<StateStore> {
  const path = join(stateDir, STATE_FILE);
  const stored = await readState(path);
  const state: State = {
    version: 1,
    claimToken: options.claimToken ?? stored?.claimToken ?? randomToken(),
    adminToken: options.adminToken ?? stored?.adminToken ?? randomToken(),
    nodes: stored?.nodes ?? {},
  };
  const nodes = new Map<string, ClaimedNode>(Object.entries(state.nodes));
  const instances = new Map<string, NodeInstanceRecord>(Object.entries(stored?.nodeInstances ?? {}));
  let writing: Promise<void> = Promise.resolve();
  const persist = (): Promise<void> => {
    const snapshot = JSON.stringify({ ...state, nodes: Object.fromEntries(nodes), nodeInstances: Object.fromEntries(instances) }, null, 2);
    writing = writing.catch(() => undefined).then(() => writeFileAtomic(path, snapshot, { mode: 0o600 }));
    return writing;
  };
  await persist();
  return {
    claimToken: state.claimToken,
    adminToken: state.adminToken,
    node: (claimId) => nodes.get(claimId),
    nodes: () => [...nodes.values()],
    putNode: (node) => {
      nodes.set(node.claimId, node);
      return persist();
    },
    nodeInstances: () => [...instances.values()],
    ensureNodeInstance: async (claimId, machineGuid, init) => {
      const key = instanceKey(claimId, machineGuid);
      const known = instances.get(key);
      if (known !== undefined) {
        await writing.catch(() => undefined);
        return known;
      }
      const created: NodeInstanceRecord = { nodeId: randomUUID(), claimId, machineGuid, hostname: init.hostname, createdAt: init.now };
      instances.set(key, created);
      await persist();
      return created;
    },
  };
}

async function readState(path: string): Promise<State | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON: fix or remove it`);
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path} does not look like dev cloud state: fix or remove it`);
  return parsed.data;
}
