/**
 * The simulated session's event stream: a minimal hot subject, what `TransportSession.events` asks
 * for (subscribe with `next`/`complete`, unsubscribe; no replay, nothing after `complete`). rxjs's
 * Subject does the same through several wrapper objects per subscription and per event, and a long
 * simulation pushes millions of events. Like rxjs: observers added or removed while an event is being
 * delivered take effect from the next event; a late subscriber to a completed stream is completed at
 * once. Unlike rxjs, an observer that throws is not reported on a later timer: the error surfaces in
 * the simulated step that delivered the event (a simulation wants it there).
 */
import type { Observer, Subscribable, Unsubscribable } from 'rxjs';

type Listener<T> = Partial<Observer<T>>;

export class SimEvents<T> implements Subscribable<T> {
  private observers: ReadonlyArray<Listener<T>> = [];
  private completed = false;

  /** Whether anyone listens (rxjs's `Subject.observed`). */
  get observed(): boolean {
    return this.observers.length > 0;
  }

  subscribe(observer: Listener<T>): Unsubscribable {
    if (this.completed) {
      observer.complete?.();
      return { unsubscribe: () => undefined };
    }
    this.observers = [...this.observers, observer]; // a new array: a delivery in progress keeps its own
    return {
      unsubscribe: () => {
        this.observers = this.observers.filter((o) => o !== observer);
      },
    };
  }

  next(value: T): void {
    if (this.completed) return;
    for (const observer of this.observers) observer.next?.(value);
  }

  complete(): void {
    if (this.completed) return;
    this.completed = true;
    const observers = this.observers;
    this.observers = [];
    for (const observer of observers) observer.complete?.();
  }
}
