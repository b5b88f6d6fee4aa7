import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { DomoError, type FailureKind } from '../src/errors.js';
import {
  backoffMs,
  isRetryable,
  mayHaveActed,
  parseRetryAfter,
  retryDelayMs,
  retryLine,
  systemClock,
  withRetry,
  type Clock,
} from '../src/retry.js';

const httpError = (status: number, retryAfter?: string) =>
  new DomoError({ call: 'Domo token request', kind: 'http', status, retryAfter });
const kindError = (kind: FailureKind) =>
  new DomoError({ call: 'Domo token request', kind, detail: kind });

/** A clock whose sleeps only advance time, and record how long each was. */
function fakeClock(start = Date.UTC(2026, 10, 23, 12)): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('what is retried', () => {
  test.each([
    [408, true, false],
    [429, true, true],
    [500, true, false],
    [502, true, false],
    [503, true, true],
    [504, true, false],
    [400, false, false],
    [401, false, false],
    [403, false, false],
    [404, false, false],
    [405, false, false],
    [409, false, false],
    [501, false, false],
  ])('HTTP %d: idempotent %s, creating %s', (status, idempotent, creates) => {
    expect(isRetryable(httpError(status), 'idempotent')).toBe(idempotent);
    expect(isRetryable(httpError(status), 'creates')).toBe(creates);
  });

  test.each<[number, string | undefined, boolean]>([
    [403, '5', true],
    [403, undefined, false],
    [401, '5', false],
    [404, '5', false],
  ])(
    'HTTP %d with Retry-After %j (a spent GitHub rate limit): idempotent %s, creating never',
    (status, after, idempotent) => {
      expect(isRetryable(httpError(status, after), 'idempotent')).toBe(idempotent);
      expect(isRetryable(httpError(status, after), 'creates')).toBe(false);
    },
  );

  test.each<[FailureKind, boolean, boolean, boolean]>([
    ['refused', true, true, false],
    ['dns', true, true, false],
    ['reset', true, false, true],
    ['timeout', true, false, true],
    ['network', true, false, true],
    ['tls', false, false, false],
    ['redirect', false, false, false],
    ['response', false, false, false],
  ])('%s: idempotent %s, creating %s, may have acted %s', (kind, idempotent, creates, acted) => {
    expect(isRetryable(kindError(kind), 'idempotent')).toBe(idempotent);
    expect(isRetryable(kindError(kind), 'creates')).toBe(creates);
    expect(mayHaveActed(kindError(kind))).toBe(acted);
  });

  test.each([
    [408, true],
    [429, false],
    [500, true],
    [503, false],
    [504, true],
    [400, false],
  ])('after HTTP %d Domo may have acted: %s', (status, acted) => {
    expect(mayHaveActed(httpError(status))).toBe(acted);
  });

  test('errors that are not DomoErrors are never retried', () => {
    expect(isRetryable(new Error('bug'), 'idempotent')).toBe(false);
  });

  // A bug thrown while creating a client says nothing about what Domo did: assume the worst,
  // so that the created client is looked for and revoked.
  test.each([new TypeError('bug'), 'a string', undefined])(
    'after %p, which is not a DomoError, Domo may have acted',
    (err) => {
      expect(mayHaveActed(err)).toBe(true);
    },
  );
});

describe('how long to wait', () => {
  test.each([
    [1, 0, 500],
    [1, 0.5, 1000],
    [1, 0.999, 1499],
    [2, 0.5, 2000],
    [3, 0.5, 4000],
    [4, 0.5, 8000],
    [5, 0.5, 16000],
    [6, 0.5, 30000],
    [6, 0, 15000],
    [20, 0.999, 30000],
  ])('backoff before retry %d with random %d is %d ms', (retry, r, ms) => {
    expect(backoffMs(retry, () => r)).toBe(ms);
  });

  test('backoff never exceeds 30 s nor falls below half the base', () => {
    for (let retry = 1; retry <= 20; retry++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.9999]) {
        const ms = backoffMs(retry, () => r);
        expect(ms).toBeLessThanOrEqual(30_000);
        expect(ms).toBeGreaterThanOrEqual(Math.min(15_000, 500 * 2 ** (retry - 1)));
      }
    }
  });

  const now = Date.UTC(2026, 10, 23, 12, 0, 0);
  test.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['1', 1000],
    ['2.5', 2500],
    ['2.25', 2250],
    ['0.001', 1],
    [' 7 ', 7000],
    ['120', 60_000],
    ['99999999999999999999', 60_000],
    ['-5', undefined],
    ['soon', undefined],
    ['1e3', undefined],
    [new Date(now + 10_000).toUTCString(), 10_000],
    [new Date(now - 10_000).toUTCString(), 0],
    [new Date(now + 3_600_000).toUTCString(), 60_000],
  ])('Retry-After %j → %j ms', (header, ms) => {
    expect(parseRetryAfter(header, now)).toBe(ms);
  });

  test.each([
    // retry, Retry-After ms, random, expected: max(Retry-After, backoff) + up to 1 s
    [1, undefined, 0.5, 1000],
    [1, 5000, 0.5, 5500],
    [1, 0, 0.5, 1500],
    [4, 1000, 0.5, 8500],
    [1, 60_000, 0, 60_000],
  ])('retry %d, Retry-After %j, random %d → %d ms', (retry, ra, r, ms) => {
    expect(retryDelayMs(retry, ra, () => r)).toBe(ms);
  });

  test('with the same Retry-After, different random draws spread the retries over a second', () => {
    const waits = [0, 0.25, 0.5, 0.75, 0.99].map((r) => retryDelayMs(1, 1000, () => r));
    expect(new Set(waits).size).toBe(waits.length);
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThanOrEqual(900);
  });
});

// What failed and when the next attempt comes: never the attempt count nor the advice of the
// final message, which would read as if the run had already failed.
describe('the log line before a retry', () => {
  const signOnTimeout = new DomoError({
    call: 'Domo sign-on',
    kind: 'timeout',
    detail: 'no complete answer within 30 s',
    attempts: 2,
    hint: 'Raise `timeout-seconds`.',
  });
  const rateLimited = new DomoError({
    call: 'Domo token request',
    kind: 'http',
    status: 429,
    domoMessage: 'Too many requests',
    retryAfter: '12',
  });
  test.each<[string, DomoError, number, number, number]>([
    [
      'Domo token request: HTTP 503. Retrying in 1.0 s (attempt 2 of 4).',
      httpError(503),
      1000,
      2,
      3,
    ],
    [
      'Domo token request: HTTP 429 (Too many requests). Retrying in 12.3 s (attempt 3 of 6).',
      rateLimited,
      12_345,
      3,
      5,
    ],
    [
      'Domo sign-on: no complete answer within 30 s. Retrying in 30.0 s (attempt 2 of 2).',
      signOnTimeout,
      30_000,
      2,
      1,
    ],
    [
      'Domo token request: refused. Retrying in 0.4 s (attempt 2 of 5).',
      kindError('refused'),
      449,
      2,
      4,
    ],
  ])('%s', (line, err, wait, next, retries) => {
    expect(retryLine(err, wait, next, retries)).toBe(line);
  });
});

describe('the system clock', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('reads the time from Date.now', () => {
    jest.useFakeTimers({ now: Date.UTC(2026, 10, 23, 12) });
    expect(systemClock.now()).toBe(Date.UTC(2026, 10, 23, 12));
    jest.advanceTimersByTime(1234);
    expect(systemClock.now()).toBe(Date.UTC(2026, 10, 23, 12) + 1234);
  });

  test('sleeps for as long as it is told, no shorter', async () => {
    jest.useFakeTimers();
    let woke = false;
    const sleeping = systemClock.sleep(1500).then(() => {
      woke = true;
    });
    await jest.advanceTimersByTimeAsync(1499);
    expect(woke).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await sleeping;
    expect(woke).toBe(true);
  });
});

describe('withRetry', () => {
  test('retries until success, waiting as the policy says', async () => {
    const clock = fakeClock();
    const failures = [httpError(503), httpError(429, '3'), kindError('reset')];
    const seen: number[] = [];
    const result = await withRetry(
      async (n) => {
        seen.push(n);
        const failure = failures.shift();
        if (failure) throw failure;
        return 'ok';
      },
      { retries: 5, safety: 'idempotent', clock, random: () => 0.5 },
    );
    expect(result).toBe('ok');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(clock.sleeps).toEqual([1000, 3500, 4000]);
  });

  test('stops after `retries` extra attempts and counts them in the message', async () => {
    const clock = fakeClock();
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw httpError(502);
      },
      { retries: 2, safety: 'idempotent', clock, random: () => 0 },
    ).catch((e: unknown) => e as DomoError);
    expect(calls).toBe(3);
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(err.attempts).toBe(3);
    expect(err.message).toBe('Domo token request failed after 3 attempts: HTTP 502.');
  });

  test('retries: 0 means one attempt', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw httpError(503);
        },
        { retries: 0, safety: 'idempotent', clock: fakeClock(), random: () => 0 },
      ),
    ).rejects.toThrow('HTTP 503');
    expect(calls).toBe(1);
  });

  test.each([400, 401, 403, 404])('HTTP %d fails at once', async (status) => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw httpError(status);
        },
        { retries: 5, safety: 'idempotent', clock, random: () => 0 },
      ),
    ).rejects.toBeInstanceOf(DomoError);
    expect([calls, clock.sleeps.length]).toEqual([1, 0]);
  });

  test('a creating call is not retried after an ambiguous failure', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw kindError('timeout');
        },
        { retries: 5, safety: 'creates', clock: fakeClock(), random: () => 0 },
      ),
    ).rejects.toThrow('timeout');
    expect(calls).toBe(1);
  });

  test('reports each retry before waiting', async () => {
    const told: Array<[number, number]> = [];
    await withRetry(
      async (n) => {
        if (n < 3) throw httpError(500);
        return n;
      },
      {
        retries: 5,
        safety: 'idempotent',
        clock: fakeClock(),
        random: () => 0.5,
        onRetry: (_, wait, next) => told.push([wait, next]),
      },
    );
    expect(told).toEqual([
      [1000, 2],
      [2000, 3],
    ]);
  });

  test('bugs are thrown as they are, never retried', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TypeError('bug');
        },
        { retries: 5, safety: 'idempotent', clock: fakeClock(), random: () => 0 },
      ),
    ).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });
});
