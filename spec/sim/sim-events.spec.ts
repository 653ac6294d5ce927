/**
 * The simulated session's event stream (simulations/world/sim-events.ts) behaves as the rxjs Subject
 * the real session uses, for what the link asks of it: hot delivery, unsubscribe, complete, and
 * changes to the observers during a delivery taking effect from the next event.
 */
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SimEvents } from '../../simulations/world/sim-events.js';

type Stream = { next(v: number): void; complete(): void; subscribe: SimEvents<number>['subscribe']; readonly observed: boolean };

/** The same script against both streams: what each observer saw. */
function script(stream: Stream): string[] {
  const log: string[] = [];
  stream.next(0); // nobody listens yet: lost, as on a hot stream
  const a = stream.subscribe({ next: (v) => log.push(`a${v}`), complete: () => log.push('a.done') });
  let late: { unsubscribe(): void } | null = null;
  const b = stream.subscribe({
    next: (v) => {
      log.push(`b${v}`);
      if (v === 1) {
        late = stream.subscribe({ next: (w) => log.push(`late${w}`) }); // from the next event on
        a.unsubscribe(); // a came first and already had 1: it gets nothing more
      }
    },
  });
  stream.next(1);
  log.push(`observed:${stream.observed}`);
  stream.next(2);
  b.unsubscribe();
  stream.next(3);
  (late as { unsubscribe(): void } | null)?.unsubscribe();
  log.push(`observed:${stream.observed}`);
  const c = stream.subscribe({ complete: () => log.push('c.done') });
  stream.complete();
  stream.next(4); // after complete: nothing
  stream.subscribe({ next: (v) => log.push(`after${v}`), complete: () => log.push('after.done') });
  c.unsubscribe();
  return log;
}

describe('SimEvents', () => {
  it('delivers like an rxjs Subject: hot, unsubscribe, complete, changes during a delivery apply from the next event', () => {
    const ours = script(new SimEvents<number>());
    expect(ours).toEqual(script(new Subject<number>() as unknown as Stream));
    expect(ours).toEqual(['a1', 'b1', 'observed:true', 'b2', 'late2', 'late3', 'observed:false', 'c.done', 'after.done']);
  });

  it('completes once', () => {
    const s = new SimEvents<number>();
    let completions = 0;
    s.subscribe({ complete: () => { completions += 1; } });
    s.complete();
    s.complete();
    expect(completions).toBe(1);
    expect(s.observed).toBe(false);
  });
});
