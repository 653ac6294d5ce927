/**
 * A recorded simulated-world session for the replay tests: drops, a 429 with a retry delay, a
 * DisconnectReq, a ban, a disable/enable, and (optionally) an hour of flapping.
 */
import { memorySink } from '../../link/record.js';
import { runFlapping } from '../../simulations/world/flapping.js';
import { createWorld } from '../../simulations/world/world.js';

const MINUTE = 60_000;

export async function recordSession(seed = 7): Promise<string[]> {
  const sink = memorySink();
  const w = createWorld({ seed, record: sink });
  await w.link.start();
  await w.clock.advance(MINUTE);
  w.broker.dropAll(); // a drop
  await w.clock.advance(2 * MINUTE);
  w.cloud.script('env', { kind: 'http-error', status: 429, body: { errorCode: 'rate', errorRetryDelaySeconds: 42 } });
  w.broker.dropAll(); // a drop, then a 429 with a retry delay
  await w.clock.advance(3 * MINUTE);
  w.broker.disconnectReq(20, false); // the cloud asks to reconnect after 20 s
  await w.clock.advance(2 * MINUTE);
  w.cloud.script('env', { kind: 'http-error', status: 403, body: { errorCode: 'banned', errorNonRetryable: true } });
  w.broker.dropAll(); // a drop, then a ban
  await w.clock.advance(3 * MINUTE);
  w.link.disable();
  await w.clock.advance(MINUTE);
  w.link.enable();
  await w.clock.advance(2 * MINUTE);
  w.broker.pingTimeout();
  await w.clock.advance(2 * MINUTE);
  await w.clock.runUntil(w.link.stop());
  return sink.lines;
}

/** `hours` of a network dropping every 1 to 10 minutes, with a publish a minute. */
export async function recordFlapping(hours: number, seed = 11): Promise<{ lines: string[]; flaps: number }> {
  const sink = memorySink();
  const w = createWorld({ seed, record: sink });
  const { flaps } = await runFlapping(w, { hours, seed, firstDropMs: MINUTE });
  return { lines: sink.lines, flaps };
}
