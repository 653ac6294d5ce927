/**
 * The floor under the simulation-speed benchmark: what xstate's actor runtime alone costs for one
 * connection cycle of the protocol on this machine. A minimal machine with the same steps and no
 * logic (invoke env, invoke auth, spawn the transport, TRANSPORT_UP, three PUBACKs, the stable timer,
 * TRANSPORT_CLOSED, a backoff delay), effects that answer at once, xstate's SimulatedClock, one
 * assign per step. Whatever the link does on top, a simulated hour with N connection cycles cannot
 * run faster than N cycles at this rate.
 */
import { performance } from 'node:perf_hooks';
import { assign, createActor, fromCallback, fromPromise, SimulatedClock, setup, spawnChild, stopChild } from 'xstate';

interface Ctx { readonly n: number; readonly pubacks: number }
type Ev = { type: 'UP' } | { type: 'PUBACK' } | { type: 'CLOSED' };

const floorMachine = setup({
  types: { context: {} as Ctx, events: {} as Ev },
  actors: {
    env: fromPromise(async () => ({ ok: true })),
    auth: fromPromise(async () => ({ ticket: 't' })),
    transport: fromCallback<{ type: 'NONE' }>(() => () => undefined),
  },
  actions: {
    step: assign(({ context }) => ({ n: context.n + 1 })),
    puback: assign(({ context }) => ({ pubacks: context.pubacks + 1 })),
    open: spawnChild('transport', { id: 'transport' }),
    close: stopChild('transport'),
  },
  guards: { third: ({ context }) => context.pubacks >= 2 },
  delays: { budget: 120_000, stable: 30_000, wait: 1_000 },
}).createMachine({
  context: { n: 0, pubacks: 0 },
  initial: 'connecting',
  states: {
    connecting: {
      entry: ['close', 'step'],
      initial: 'env',
      states: {
        env: { invoke: { src: 'env', onDone: { target: 'auth', actions: 'step' } }, after: { budget: '#floor.backoff' } },
        auth: { invoke: { src: 'auth', onDone: { target: 'transport', actions: 'step' } }, after: { budget: '#floor.backoff' } },
        transport: { entry: 'open', on: { UP: { target: '#floor.connected', actions: 'step' } }, after: { budget: '#floor.backoff' } },
      },
    },
    connected: {
      initial: 'online',
      on: { CLOSED: { target: 'backoff', actions: 'step' } },
      states: {
        online: {
          on: { PUBACK: [{ guard: 'third', target: 'stable', actions: 'puback' }, { actions: 'puback' }] },
          after: { stable: 'stable' },
        },
        stable: {},
      },
    },
    backoff: { entry: ['close', 'step'], after: { wait: 'connecting' } },
  },
  id: 'floor',
});

/** Connection cycles per second through xstate alone (median of `rounds`). */
export async function xstateFloor(cycles = 20_000, rounds = 3): Promise<{ cyclesPerSecond: number; microsPerCycle: number }> {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const clock = new SimulatedClock();
    const actor = createActor(floorMachine, { clock }).start();
    const t0 = performance.now();
    for (let i = 0; i < cycles; i += 1) {
      await Promise.resolve(); await Promise.resolve(); // env's promise settles: auth starts
      await Promise.resolve(); await Promise.resolve(); // auth's promise settles: the transport opens
      actor.send({ type: 'UP' });
      actor.send({ type: 'PUBACK' }); actor.send({ type: 'PUBACK' }); actor.send({ type: 'PUBACK' });
      actor.send({ type: 'CLOSED' });
      clock.increment(1_000); // the backoff delay fires: the next attempt starts
    }
    const seconds = (performance.now() - t0) / 1000;
    if (actor.getSnapshot().context.n !== cycles * 6 + 1) throw new Error(`floor machine did not cycle: ${JSON.stringify(actor.getSnapshot().value)}`);
    actor.stop();
    rates.push(cycles / seconds);
  }
  const cyclesPerSecond = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)] ?? 0;
  return { cyclesPerSecond, microsPerCycle: 1e6 / cyclesPerSecond };
}
