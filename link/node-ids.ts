/** The default NodeIdStore: node ids kept in memory for this process (createCloudLink keeps them in a file). */
import type { NodeIdStore } from '../effects/ports.js';

export function memoryNodeIdStore(): NodeIdStore {
  const ids = new Map<string, string>();
  return {
    get: (claimId, machineGuid) => ids.get(`${claimId} ${machineGuid}`),
    set: async (claimId, machineGuid, nodeId) => { ids.set(`${claimId} ${machineGuid}`, nodeId); },
  };
}
