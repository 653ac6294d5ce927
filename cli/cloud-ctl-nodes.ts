/**
 * `aclk cloud-ctl nodes` (the node instances the dev cloud knows, and claimed agents without one) and
 * `aclk cloud-ctl send-node-instances --claim-id X` (asks that agent to report its node instances).
 */
import type { Command } from 'commander';
import { connect, print, targetOptions, type TargetFlags } from './cloud-ctl-cmd.js';

interface NodeInstanceView {
  nodeId: string | null;
  machineGuid: string | null;
  claimId: string;
  hostname: string;
  hops: number | null;
  live: boolean;
  connected: boolean;
  agentVersion: string | null;
  os: string | null;
}

const dash = (value: string | number | null): string => (value === null || value === '' ? '-' : String(value));

/** One line per node: node id, machine GUID, hostname, hops, live/offline, agent version, OS, claim id. */
export function nodeLine(n: NodeInstanceView): string {
  const state = n.nodeId === null ? (n.connected ? 'no-node' : 'offline') : n.live ? 'live' : 'offline';
  return [dash(n.nodeId), dash(n.machineGuid), n.hostname, `hops=${dash(n.hops)}`, state, dash(n.agentVersion), dash(n.os), `claim=${n.claimId}`].join('  ');
}

export function registerNodeCommands(ctl: Command): void {
  targetOptions(ctl.command('nodes').description('list the node instances (node id, machine GUID, hostname, hops, live/offline, agent version, OS, claim id)'), '')
    .action(async (flags: TargetFlags) => {
      const { nodes } = await (await connect(flags))<{ nodes: NodeInstanceView[] }>('GET', '/admin/node-instances');
      if (flags.json) return print({ nodes });
      if (nodes.length === 0) return print('no node is claimed');
      for (const n of nodes) print(nodeLine(n));
    });

  targetOptions(ctl.command('send-node-instances').description('ask an agent to send every node instance again (SendNodeInstances)'), ' --claim-id <claim id>')
    .requiredOption('--claim-id <claimId>', 'the agent\'s claim id')
    .action(async (flags: TargetFlags & { claimId: string }) => {
      const answer = await (await connect(flags))<{ connected: boolean }>('POST', `/admin/nodes/${encodeURIComponent(flags.claimId)}/send-node-instances`);
      print(flags.json ? answer : `SendNodeInstances sent to ${flags.claimId}${answer.connected ? '' : ' (not connected now: it gets it on its next session)'}`);
    });
}
