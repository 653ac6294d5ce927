import { defineConfig } from 'vitest/config';

/**
 * The specs Stryker runs against each mutant (`npm run mutate`): the fast, in-process unit and
 * simulation specs that cover its scope (machines/, effects/, link/state, the recording sanitiser,
 * adapters/config, adapters/proxy, adapters/mqtt/cmd-relay). No soak, no real broker or proxy, no
 * child process, so no build step (no globalSetup). The property simulations run a short sequence
 * count (ACLK_SIM_RUNS); the full count stays in `npm test`.
 */
process.env.ACLK_SIM_RUNS ??= '60';

/** ACLK_MUTATE_SPECS='glob glob' (space-separated) narrows the set, e.g. to the specs of the one folder being mutated. */
const narrowed = process.env.ACLK_MUTATE_SPECS?.split(/\s+/).map((s) => s.trim()).filter((s) => s !== '');

export default defineConfig({
  test: {
    include: narrowed ?? [
      'spec/mutation/**/*.spec.ts',
      'spec/backoff/*.spec.ts',
      'spec/model/*.spec.ts',
      'spec/outbox.spec.ts',
      'spec/outbox/*.spec.ts',
      'spec/config/{ini,load,merge,netdata-conf,careless-config,props,config-values.props}.spec.ts',
      'spec/proxy/{parse,parse.props,classify}.spec.ts',
      'spec/mqtt/{cmd-relay,cmd-relay-agent,cmd-relay-cap,units}.spec.ts',
      'spec/replay/{record,replay,scenarios,replay-random,replay-slack,replay-bounds,sanitize-values}.spec.ts',
      'spec/nodes/node-instances-sim.spec.ts',
      'spec/integration/cmd-sim.spec.ts',
      'spec/cloud/env-forms-sim.spec.ts',
      'simulations/*.spec.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', '**/.stryker-tmp/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['dot'],
  },
});
