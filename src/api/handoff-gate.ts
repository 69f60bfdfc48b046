/**
 * The intake's hand-offs in flight in this process, by delivery. KGC re-sends a delivery answered 503 after
 * Retry-After; under load the first attempt's hand-off is often still under way at Temporal then. Re-issuing it
 * doubled the work of exactly the requests Temporal was too slow for, and the re-sends grew into a storm (the chaos
 * run). So a hand-off outlives the answer it was too slow for, a re-send joins it, and once it has finished and been
 * recorded the re-send is answered as a duplicate. Past `limit` hand-offs in flight a new one is refused at once
 * (503 + Retry-After) rather than queued onto a Temporal that is already behind.
 */
export class HandoffGate {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(readonly limit: number) {}

  get size(): number {
    return this.inFlight.size;
  }

  /** The hand-off of `key` in flight, else `start()` when there is room; undefined when the gate is full. */
  join<T>(key: string, start: () => Promise<T>): Promise<T> | undefined {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    if (this.inFlight.size >= this.limit) return undefined;
    const work = start();
    this.inFlight.set(key, work);
    // Settled either way, the delivery may be handed off anew; an answer that stopped waiting leaves no rejection unhandled.
    work.then(
      () => this.inFlight.delete(key),
      () => this.inFlight.delete(key),
    );
    return work;
  }
}

export class AnswerTimeout extends Error {}

/** `work`'s result, or AnswerTimeout after `ms`; the work goes on either way. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new AnswerTimeout()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
