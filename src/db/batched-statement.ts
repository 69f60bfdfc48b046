/**
 * Runs one statement for many callers: what is asked while statements are in flight waits and goes out together in
 * the next one, so twenty events at once cost a few round trips instead of twenty, while a lone caller waits for
 * nobody (its statement goes out on the next turn of the event loop). Up to `maxInFlight` statements run at once,
 * so a caller waits for at most part of one statement before its own. Each caller gets its own row of the result.
 * A failed batch is tried again row by row, so a row Postgres refuses fails only its own caller.
 */
export class BatchedStatement<I, R> {
  private pending: { item: I; resolve: (r: R) => void; reject: (err: unknown) => void }[] = [];
  private running = 0;
  private scheduled = false;

  /** `run` answers one result per item, in the items' order. */
  constructor(
    private readonly run: (items: I[]) => Promise<R[]>,
    private readonly opts: { maxInFlight?: number; maxBatch?: number } = {},
  ) {}

  submit(item: I): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.scheduled || this.running >= (this.opts.maxInFlight ?? 4)) return;
      this.scheduled = true;
      this.running++;
      setImmediate(() => {
        this.scheduled = false;
        void this.drain();
      });
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.opts.maxBatch ?? 200);
      try {
        const results = await this.run(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        if (batch.length === 1) batch[0]!.reject(err);
        else await Promise.all(batch.map((b) => this.run([b.item]).then((r) => b.resolve(r[0]!), b.reject)));
      }
    }
    this.running--;
  }
}
