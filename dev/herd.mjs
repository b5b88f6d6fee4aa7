// @ts-check
// `npm run bench:herd`: a thundering herd. Many copies of the committed bundle (as a big
// matrix of jobs would) ask the simulator for a token at the same moment, while the simulator
// allows only `--per-second` token requests per second and answers the rest with
// 429 + Retry-After: 1. Reports how the retry policy (src/retry.ts) spreads them out, and
// whether any secret leaked into a log on the way.
//   node dev/herd.mjs [--copies 100] [--per-second 20] [--node PATH] [--retries N]
// Default node: Node 24 (GitHub's runtime for `node24` actions, installed on demand by
// dev/node24.mjs), or this Node when that cannot be installed.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureNode24 } from './node24.mjs';
import { findLeaks, runStep } from './runner.mjs';
import { startSimulator } from './simulator.mjs';

const CLIENT_ID = 'sim-client-id';
const CLIENT_SECRET = 'sim-client-secret';
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');

/**
 * @typedef {object} HerdOptions
 * @property {number} [copies] Runs of dist/index.js started at once; default 100.
 * @property {number} [perSecond] Token requests the simulator allows per second (the rest get
 *   429); default 20.
 * @property {string} [node] Node binary to run the bundle with; default this process's.
 * @property {number} [retries] The action's `retries` input; default: action.yml's default.
 * @property {number} [timeoutMs] Limit for each run; default 120 000 ms.
 */

/**
 * @typedef {object} HerdFailure
 * @property {number} job
 * @property {number | null} exitCode
 * @property {number} attempts
 * @property {string} error
 */

/**
 * @typedef {object} HerdResult
 * @property {number} copies
 * @property {number} perSecond
 * @property {string} node
 * @property {number} successes
 * @property {HerdFailure[]} failures
 * @property {number} wallMs First start → last exit, ms.
 * @property {number} rateLimited 429s the simulator sent.
 * @property {number} tokenRequests Token requests the simulator saw (429s included).
 * @property {number} tokensIssued
 * @property {number[]} tokenRequestsPerSecond Token requests in each second since the first
 *   job started.
 * @property {Record<string, number>} attempts Attempts per job (1 + its "Retrying in" lines) →
 *   number of jobs.
 * @property {{ p50: number, p95: number, max: number }} durationMs Job (process) durations, ms.
 * @property {Array<{ job: number, where: string }>} leaks
 */

/**
 * The value at quantile q (0..1) of an ascending list, nearest-rank.
 * @param {number[]} sorted
 * @param {number} q
 */
function quantile(sorted, q) {
  if (sorted.length === 0) return 0;
  return /** @type {number} */ (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]
  );
}

/**
 * Starts `copies` runs of dist/index.js at once against a rate-limited simulator and waits
 * for all of them. Durations are in milliseconds.
 * @param {HerdOptions} [options]
 * @returns {Promise<HerdResult>}
 */
export async function runHerd({
  copies = 100,
  perSecond = 20,
  node = process.execPath,
  retries,
  timeoutMs = 120_000,
} = {}) {
  const sim = await startSimulator({ rateLimit: { perSecond, retryAfter: '1' } });
  try {
    /** @type {Record<string, string>} */
    const inputs = { 'client-id': CLIENT_ID, 'client-secret': CLIENT_SECRET, 'api-url': sim.url };
    if (retries !== undefined) inputs.retries = String(retries);

    const jobs = await Promise.all(
      Array.from({ length: copies }, async (_, index) => {
        const startedAt = Date.now();
        const step = await runStep({ inputs, node, timeoutMs });
        return { index, step, startedAt, endedAt: Date.now() };
      }),
    );

    const first = Math.min(...jobs.map((j) => j.startedAt));
    const last = Math.max(...jobs.map((j) => j.endedAt));
    const tokens = jobs.map((j) => j.step.outputs['access-token']).filter(Boolean);
    const secrets = [CLIENT_SECRET, BASIC, ...tokens];

    /** @type {HerdResult['attempts']} */
    const attempts = {};
    /** @type {HerdFailure[]} */
    const failures = [];
    /** @type {HerdResult['leaks']} */
    const leaks = [];
    for (const { index, step } of jobs) {
      const retried = step.stdout.split('\n').filter((l) => l.includes('Retrying in')).length;
      attempts[retried + 1] = (attempts[retried + 1] ?? 0) + 1;
      const ok = step.exitCode === 0 && Boolean(step.outputs['access-token']);
      if (!ok) {
        const why = step.timedOut ? 'timed out' : (step.errors[0] ?? step.stderr.trim());
        failures.push({ job: index, exitCode: step.exitCode, attempts: retried + 1, error: why });
      }
      for (const where of findLeaks(step, secrets)) leaks.push({ job: index, where });
    }

    const tokenRequests = sim.requests.filter((r) => r.route === 'token');
    // Token requests per second since the first job started, to show how the herd spread: every
    // request the simulator saw, the ones it refused with 429 included.
    /** @type {number[]} */
    const perSecondSeen = [];
    for (const r of tokenRequests) {
      const s = Math.max(0, Math.floor((r.at - first) / 1000));
      while (perSecondSeen.length <= s) perSecondSeen.push(0);
      /** @type {number} */ (perSecondSeen[s]) += 1;
    }
    const durations = jobs.map((j) => j.step.durationMs).sort((a, b) => a - b);
    return {
      copies,
      perSecond,
      node,
      successes: copies - failures.length,
      failures,
      wallMs: last - first,
      rateLimited: sim.stats.rateLimited,
      tokenRequests: tokenRequests.length,
      tokensIssued: sim.stats.tokensIssued,
      tokenRequestsPerSecond: perSecondSeen,
      attempts,
      durationMs: {
        p50: quantile(durations, 0.5),
        p95: quantile(durations, 0.95),
        max: durations.at(-1) ?? 0,
      },
      leaks,
    };
  } finally {
    await sim.close();
  }
}

/** @param {HerdResult} r */
function report(r) {
  const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
  const dist = Object.entries(r.attempts)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([n, count]) => `${n}×${count}`)
    .join('  ');
  const lines = [
    `herd: ${r.copies} copies of dist/index.js, limit ${r.perSecond} token requests/s (429 + Retry-After: 1)`,
    `node:           ${r.node}`,
    `succeeded:      ${r.successes}/${r.copies}${r.failures.length ? `  (${r.failures.length} failed)` : ''}`,
    `wall time:      ${s(r.wallMs)}  (first start → last exit)`,
    `429s:           ${r.rateLimited}`,
    `token requests: ${r.tokenRequests} seen, ${r.tokensIssued} tokens issued`,
    `per second:     ${r.tokenRequestsPerSecond.join(' ')}  (token requests seen each second, 429s included)`,
    `attempts/job:   ${dist}   (attempts×jobs)`,
    `job duration:   p50 ${s(r.durationMs.p50)}  p95 ${s(r.durationMs.p95)}  max ${s(r.durationMs.max)}`,
    `leaks:          ${r.leaks.length === 0 ? 'none' : r.leaks.length}`,
  ];
  for (const f of r.failures.slice(0, 5)) {
    lines.push(`  job ${f.job}: exit ${f.exitCode} after ${f.attempts} attempt(s): ${f.error}`);
  }
  for (const l of r.leaks.slice(0, 5)) lines.push(`  leak in job ${l.job}: ${l.where}`);
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      copies: { type: 'string', default: '100' },
      'per-second': { type: 'string', default: '20' },
      node: { type: 'string' },
      retries: { type: 'string' },
    },
  });
  const copies = Number(values.copies);
  const perSecond = Number(values['per-second']);
  if (!(Number.isInteger(copies) && copies >= 1)) throw new Error('--copies: a whole number ≥ 1');
  if (!(Number.isInteger(perSecond) && perSecond >= 1)) {
    throw new Error('--per-second: a whole number ≥ 1');
  }
  let node = values.node;
  if (!node) {
    try {
      node = ensureNode24();
    } catch (err) {
      node = process.execPath;
      console.log(
        `note: Node 24 is not available (${err instanceof Error ? err.message : err}); using ${process.version} at ${node}.`,
      );
    }
  }
  const retries = values.retries === undefined ? undefined : Number(values.retries);
  const result = await runHerd({ copies, perSecond, node, retries });
  console.log(report(result));
  const ok = result.successes === result.copies && result.leaks.length === 0;
  process.exitCode = ok ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
