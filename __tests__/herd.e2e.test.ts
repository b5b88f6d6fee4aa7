/**
 * A small thundering herd inside `npm test`: 20 copies of the committed bundle ask a
 * simulator that allows 5 token requests a second for a token at the same moment. Every job
 * must still get its token (by honouring 429 + Retry-After), nothing may leak, and the
 * limiter must actually have turned requests away, or the test proves nothing.
 * The full herd (100 copies at 20/s on Node 24) is `npm run bench:herd`.
 */
import { expect, test } from '@jest/globals';
import { runHerd } from '../dev/herd.mjs';

test('20 jobs at once against 5 token requests/s: all succeed, spread out, leak nothing', async () => {
  const herd = await runHerd({ copies: 20, perSecond: 5, node: process.execPath });

  expect(herd.failures).toEqual([]);
  expect(herd.successes).toBe(20);
  expect(herd.leaks).toEqual([]);
  expect(herd.tokensIssued).toBe(20);

  // The limiter was exercised: 20 requests within a couple of seconds cannot all fit in 5/s.
  expect(herd.rateLimited).toBeGreaterThan(0);
  expect(herd.tokenRequests).toBe(20 + herd.rateLimited);
  // Every 429 was followed by exactly one logged retry, and no job needed all of its retries.
  const attempts = Object.entries(herd.attempts).map(([n, jobs]) => ({ n: Number(n), jobs }));
  expect(attempts.reduce((sum, a) => sum + a.jobs, 0)).toBe(20);
  expect(attempts.reduce((sum, a) => sum + (a.n - 1) * a.jobs, 0)).toBe(herd.rateLimited);
  expect(Math.max(...attempts.map((a) => a.n))).toBeLessThan(6);
}, 30_000);
