/**
 * Node-instance commands for the property simulation (simulations/nodes.property.spec.ts): the host
 * registers, changes, marks down and removes nodes; the cloud stops or resumes answering
 * CreateNodeInstance and asks for SendNodeInstances. Added to the link's own commands.
 */
import fc from 'fast-check';
import type { NodeHandle } from '../../link/node-registry.js';
import { commands as linkCommands, type Model, type Real } from './commands.js';
import type { NodeInvariants } from './node-invariants.js';

export interface NodeReal extends Real {
  readonly nodes: NodeInvariants;
  readonly handles: Map<string, NodeHandle>;
}
type Cmd = fc.AsyncCommand<Model, NodeReal>;

const GUIDS = ['aaaaaaaa-0000-4000-8000-000000000001', 'aaaaaaaa-0000-4000-8000-000000000002', 'aaaaaaaa-0000-4000-8000-000000000003'];

function command(name: string, run: (r: NodeReal) => Promise<void> | void): Cmd {
  return {
    check: () => true,
    async run(_m, r) {
      await run(r);
      await r.w.clock.advance(0);
      r.inv.check();
      r.nodes.check();
      const violations = [...r.inv.violations, ...r.nodes.violations];
      if (violations.length > 0) throw new Error(`after ${name}:\n${violations.join('\n')}`);
    },
    toString: () => name,
  };
}

const guid = fc.constantFrom(...GUIDS);

export const nodeCommands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(guid, fc.integer({ min: 0, max: 2 }), fc.boolean()).map(([g, hops, live]) => command(`register ${g.slice(-1)} hops ${hops}${live ? '' : ' down'}`, (r) => {
    r.handles.set(g, r.w.link.nodes.register({ machineGuid: g, hostname: `node-${g.slice(-1)}`, hops, live, info: { os: 'linux' } }));
    r.nodes.registered.add(g);
  })),
  fc.tuple(guid, fc.boolean()).map(([g, live]) => command(`node ${g.slice(-1)} ${live ? 'up' : 'down'}`, (r) => { r.handles.get(g)?.setLive(live); })),
  guid.map((g) => command(`node ${g.slice(-1)} info changed`, (r) => { r.handles.get(g)?.update({ info: { os: 'linux', kernelVersion: '6.1' } }); })),
  guid.map((g) => command(`remove node ${g.slice(-1)}`, (r) => {
    r.handles.get(g)?.remove();
    r.handles.delete(g);
    r.nodes.registered.delete(g);
  })),
  fc.boolean().map((on) => command(on ? 'cloud answers CreateNodeInstance' : 'cloud ignores CreateNodeInstance', (r) => { r.w.nodes.answers = on; })),
  fc.constant(command('cloud SendNodeInstances', (r) => r.w.nodes.sendNodeInstances())),
];

/** The link's commands (which check the link's own invariants) with the node commands. */
export const allCommands = [...(linkCommands as unknown as fc.Arbitrary<Cmd>[]), ...nodeCommands];
