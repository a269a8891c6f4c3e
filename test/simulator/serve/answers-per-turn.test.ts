import { describe, expect, it } from 'vitest';
import { answersPerTurn } from '../../../simulator/serve/answers-per-turn.ts';

const request = (n: number) => new Request(`http://127.0.0.1/${n}`);
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('answersPerTurn', () => {
  it('answers with what the handler answered, each request its own response', async () => {
    const fetch = answersPerTurn((r) => new Response(new URL(r.url).pathname));
    const answers = await Promise.all([1, 2, 3].map((n) => fetch(request(n))));
    expect(await Promise.all(answers.map((a) => a.text()))).toEqual(['/1', '/2', '/3']);
  });

  it('holds the answers of one turn until its end and releases them together, in order', async () => {
    const released: number[] = [];
    let handled = 0;
    const fetch = answersPerTurn(async () => {
      handled++;
      return new Response('ok');
    });
    const pending = [1, 2, 3].map((n) => fetch(request(n)).then(() => released.push(n)));
    // Every handler has run and all microtasks have settled, but no answer has left within the turn.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(handled).toBe(3);
    expect(released).toEqual([]);
    await turn();
    await Promise.all(pending);
    expect(released).toEqual([1, 2, 3]);
  });

  it('a request in a later turn is not held back by an earlier batch', async () => {
    const fetch = answersPerTurn(() => new Response('ok'));
    await fetch(request(1));
    const later = await fetch(request(2));
    expect(later.status).toBe(200);
  });

  it('passes a failure on at once instead of holding it', async () => {
    const fetch = answersPerTurn(() => Promise.reject(new Error('boom')));
    await expect(fetch(request(1))).rejects.toThrow('boom');
  });
});
