// Types for dev/herd.mjs, the thundering-herd benchmark (TypeScript resolves `./herd.mjs` here).
export interface HerdOptions {
  /** Runs of dist/index.js started at once; default 100. */
  copies?: number;
  /** Token requests the simulator allows per second (the rest get 429); default 20. */
  perSecond?: number;
  /** Node binary to run the bundle with; default this process's. */
  node?: string;
  /** The action's `retries` input; default: action.yml's default. */
  retries?: number;
  /** Limit for each run; default 120 000 ms. */
  timeoutMs?: number;
}

export interface HerdFailure {
  job: number;
  exitCode: number | null;
  attempts: number;
  error: string;
}

export interface HerdResult {
  copies: number;
  perSecond: number;
  node: string;
  successes: number;
  failures: HerdFailure[];
  /** First start → last exit, ms. */
  wallMs: number;
  /** 429s the simulator sent. */
  rateLimited: number;
  /** Token requests the simulator saw (429s included). */
  tokenRequests: number;
  tokensIssued: number;
  /** Token requests in each second since the first job started. */
  tokenRequestsPerSecond: number[];
  /** Attempts per job (1 + its "Retrying in" lines) → number of jobs. */
  attempts: Record<string, number>;
  /** Job (process) durations, ms. */
  durationMs: { p50: number; p95: number; max: number };
  leaks: Array<{ job: number; where: string }>;
}

export function runHerd(options?: HerdOptions): Promise<HerdResult>;
