/**
 * When to try a call again, and how long to wait first. The clock and the random source are
 * parameters so that tests can check every wait without sleeping.
 */
import { DomoError } from './errors.js';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A number in [0, 1), like Math.random. */
export type Random = () => number;

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;
export const RETRY_AFTER_CAP_MS = 60_000;
export const RETRY_AFTER_JITTER_MS = 1_000;

/**
 * `idempotent`: sending the request twice does no harm (token, sign-on, deletions).
 * `creates`: a second request would create a second client, so only failures where Domo
 * surely did not act are retried.
 */
export type Safety = 'idempotent' | 'creates';

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
// 429 and 503 mean the request was turned away before any work was done.
const NOT_ACTED_STATUS = new Set([429, 503]);

export function isRetryable(err: unknown, safety: Safety): boolean {
  if (!(err instanceof DomoError)) return false;
  switch (err.kind) {
    case 'http': {
      const status = err.status ?? 0;
      if (safety === 'creates') return NOT_ACTED_STATUS.has(status);
      // GitHub answers a spent rate limit with 403 and a time to come back.
      return RETRYABLE_STATUS.has(status) || (status === 403 && err.retryAfter !== undefined);
    }
    case 'refused':
    case 'dns':
      return true;
    case 'reset':
    case 'timeout':
    case 'network':
      return safety === 'idempotent';
    default:
      return false;
  }
}

/** True when a failed creating call may still have created something on Domo's side. */
export function mayHaveActed(err: unknown): boolean {
  if (!(err instanceof DomoError)) return true;
  if (err.kind === 'http')
    return err.status === 408 || ((err.status ?? 0) >= 500 && err.status !== 503);
  return err.kind === 'reset' || err.kind === 'timeout' || err.kind === 'network';
}

/**
 * Exponential backoff: about 1 s before the first retry, doubling, capped at 30 s. Each wait
 * is drawn from [base/2, 3·base/2) so that jobs that failed together come back apart.
 */
export function backoffMs(retry: number, random: Random): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, retry - 1));
  return Math.min(BACKOFF_CAP_MS, Math.round(base * (0.5 + random())));
}

/**
 * Retry-After as seconds or an HTTP date, in ms from now; undefined when absent or unreadable.
 * A date in the past means "now"; anything over a minute is capped at a minute.
 */
export function parseRetryAfter(header: string | undefined, now: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (/[a-z]/i.test(text) && !Number.isNaN(Date.parse(text))) {
    ms = Date.parse(text) - now;
  } else {
    return undefined;
  }
  return Math.min(RETRY_AFTER_CAP_MS, Math.max(0, Math.round(ms)));
}

/**
 * The wait before retry number `retry` (1 for the first retry). With Retry-After, the larger
 * of it and the backoff, plus up to a second of jitter: when Domo tells a whole matrix of jobs
 * the same Retry-After, the jitter keeps them from all coming back in the same instant.
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  random: Random,
): number {
  const backoff = backoffMs(retry, random);
  if (retryAfterMs === undefined) return backoff;
  return Math.max(retryAfterMs, backoff) + Math.round(random() * RETRY_AFTER_JITTER_MS);
}

/** The log line before a wait: what failed, how long until the next attempt, and which it is. */
export function retryLine(err: DomoError, waitMs: number, next: number, retries: number): string {
  return `${err.summary}. Retrying in ${(waitMs / 1000).toFixed(1)} s (attempt ${next} of ${retries + 1}).`;
}

export interface RetryOptions {
  retries: number;
  safety: Safety;
  clock: Clock;
  random: Random;
  /** Told before each wait, to log it. */
  onRetry?: (err: DomoError, waitMs: number, nextAttempt: number) => void;
}

/** The options for a call of the given safety, as a run's configuration sets them. */
export type RetryFor = (safety: Safety) => RetryOptions;

/** Runs `attempt` until it succeeds, fails for good, or the retries are spent. */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof DomoError)) throw err;
      if (n > options.retries || !isRetryable(err, options.safety)) {
        throw err.update({ attempts: n });
      }
      const retryAfterMs = parseRetryAfter(err.retryAfter, options.clock.now());
      const waitMs = retryDelayMs(n, retryAfterMs, options.random);
      options.onRetry?.(err, waitMs, n + 1);
      await options.clock.sleep(waitMs);
    }
  }
}
