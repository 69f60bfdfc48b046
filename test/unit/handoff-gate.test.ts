import { describe, expect, it } from 'vitest';
import { AnswerTimeout, HandoffGate, within } from '../../src/api/handoff-gate.js';

function deferred() {
  let resolve!: (v: string) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<string>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('HandoffGate: a re-send joins the hand-off in flight, a full gate refuses at once', () => {
  it('a second delivery of the same key joins the first hand-off instead of starting another', async () => {
    const gate = new HandoffGate(8);
    const first = deferred();
    let starts = 0;
    const start = () => (starts++, first.promise);
    const a = gate.join('id:evt-1', start);
    const b = gate.join('id:evt-1', start);
    expect(starts, 'the re-send started a second hand-off').toBe(1);
    first.resolve('partner-sync/C-1');
    expect(await a).toBe('partner-sync/C-1');
    expect(await b).toBe('partner-sync/C-1');
  });

  it('past the limit a new delivery is refused, and admitted again once a hand-off has finished', async () => {
    const gate = new HandoffGate(1);
    const first = deferred();
    const a = gate.join('id:evt-1', () => first.promise)!;
    expect(gate.join('id:evt-2', () => Promise.resolve('x')), 'a full gate admitted a second hand-off').toBeUndefined();
    first.reject(new Error('Temporal unavailable'));
    await expect(a).rejects.toThrow('Temporal unavailable');
    expect(gate.size, 'a failed hand-off stayed in flight').toBe(0);
    expect(await gate.join('id:evt-2', () => Promise.resolve('x'))).toBe('x');
  });

  it('an answer that stops waiting leaves the hand-off running', async () => {
    const gate = new HandoffGate(8);
    const slow = deferred();
    const work = gate.join('id:evt-3', () => slow.promise)!;
    await expect(within(work, 5)).rejects.toBeInstanceOf(AnswerTimeout);
    expect(gate.join('id:evt-3', () => Promise.resolve('second')), 'the re-send did not join the running hand-off').toBe(work);
    slow.resolve('done');
    expect(await work).toBe('done');
  });
});
