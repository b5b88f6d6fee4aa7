/** What every story is given: the run's configuration aside, its ways to the outside world. */
import type { Config } from './config.js';
import type { DomoError } from './errors.js';
import type { Transport } from './http.js';
import { info } from './log.js';
import { retryLine, type Clock, type Random, type RetryFor, type Safety } from './retry.js';

export interface Context {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  random: Random;
  transport: Transport;
  retry: RetryFor;
  /** The folder of the bundle's entries, where the domo-token command's entry is. */
  entryDir: string;
}

/** Retry options for a call of the given safety: the run's retries, each wait logged. */
export function retryFor(config: Pick<Config, 'retries'>, clock: Clock, random: Random): RetryFor {
  return (safety: Safety) => ({
    retries: config.retries,
    safety,
    clock,
    random,
    onRetry: (err: DomoError, waitMs: number, next: number) =>
      info(retryLine(err, waitMs, next, config.retries)),
  });
}
