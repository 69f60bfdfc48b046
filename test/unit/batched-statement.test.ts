import { describe, expect, it } from 'vitest';
import { BatchedStatement } from '../../src/db/batched-statement.js';

/** A statement that records the batches it ran and answers when told to. */
function statement(answer: (items: string[]) => string[] = (items) => items.map((i) => `row ${i}`)) {
  const batches: string[][] = [];
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const run = async (items: string[]) => {
    batches.push(items);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise<void>((release) => waiting.push(release));
    inFlight--;
    return answer(items);
  };
  const releaseAll = async () => {
    while (waiting.length > 0) {
      waiting.splice(0).forEach((release) => release());
      await new Promise((r) => setImmediate(r));
    }
  };
  return { run, batches, releaseAll, maxInFlight: () => maxInFlight };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BatchedStatement: callers that arrive together share one statement, each gets its own row', () => {
  it('a lone caller runs at once, in a statement of its own', async () => {
    const s = statement();
    const batched = new BatchedStatement(s.run);
    const answer = batched.submit('a');
    await tick();
    expect(s.batches, 'the lone caller waited for company').toEqual([['a']]);
    await s.releaseAll();
    expect(await answer).toBe('row a');
  });

  it('callers arriving while statements are in flight go out together in the next one, each answered with its own row', async () => {
    const s = statement();
    const batched = new BatchedStatement(s.run, { maxInFlight: 1 });
    const first = batched.submit('a');
    await tick();
    const later = ['b', 'c', 'd'].map((i) => batched.submit(i));
    await tick();
    expect(s.batches, 'a caller did not wait for the statement in flight').toEqual([['a']]);
    await s.releaseAll();
    expect(s.batches).toEqual([['a'], ['b', 'c', 'd']]);
    expect(await Promise.all([first, ...later])).toEqual(['row a', 'row b', 'row c', 'row d']);
  });

  it('runs at most maxInFlight statements at once', async () => {
    const s = statement();
    const batched = new BatchedStatement(s.run, { maxInFlight: 2 });
    const answers: Promise<string>[] = [];
    for (let i = 0; i < 6; i++) {
      answers.push(batched.submit(`e${i}`));
      await tick();
    }
    expect(s.maxInFlight(), 'more statements ran at once than allowed').toBe(2);
    await s.releaseAll();
    expect(await Promise.all(answers)).toEqual(['row e0', 'row e1', 'row e2', 'row e3', 'row e4', 'row e5']);
    expect(s.batches.length, 'the callers that waited did not share a statement').toBe(3);
  });

  it('a failed batch is tried row by row, so only the row the database refuses fails its caller', async () => {
    const s = statement((items) => {
      if (items.includes('bad')) throw new Error('refused');
      return items.map((i) => `row ${i}`);
    });
    const batched = new BatchedStatement(s.run, { maxInFlight: 1 });
    const first = batched.submit('a');
    await tick();
    const [good, bad, alsoGood] = ['b', 'bad', 'c'].map((i) => batched.submit(i));
    const outcomes = Promise.allSettled([first, good!, bad!, alsoGood!]);
    await s.releaseAll();
    expect((await outcomes).map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await good).toBe('row b');
    expect(s.batches).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });
});
