// @ts-check
// `npm run bench`: how long the committed bundle takes to do its job, as GitHub runs it
// (a fresh Node process per step), against the floor (dev/floor.cjs) doing the same request.
// Rounds alternate action/floor so that machine noise falls on both alike.
//   node dev/bench.mjs [--rounds 30] [--warmup 5] [--node PATH] [--http] [--action FILE] [--mode login]
// --action measures another build (say, one written elsewhere to compare) instead of dist/main.js.
// --mode login measures login mode handing over a developer token (one users/me call and the
// Domo CLI's login file) beside the same floor, instead of token mode.
// Default: Node 24 (GitHub's runtime for `node24` actions, installed on demand by
// dev/node24.mjs) and HTTPS to the simulator with a throwaway certificate, since the action
// only ever talks https to Domo; --http measures plain http to loopback instead.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { selfSignedCertificate } from './certificate.mjs';
import { ensureNode24 } from './node24.mjs';
import { inputEnv, root } from './runner.mjs';
import { startSimulator } from './simulator.mjs';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    node: { type: 'string' },
    http: { type: 'boolean', default: false },
    action: { type: 'string' },
    mode: { type: 'string', default: 'token' },
  },
});
if (!['token', 'login'].includes(args.mode)) throw new Error('--mode is token or login');
const rounds = Number(args.rounds);
const node = args.node ?? ensureNode24();
const dir = mkdtempSync(join(tmpdir(), 'domo-auth-bench-'));

const tls = args.http ? undefined : selfSignedCertificate(dir);
const sim = await startSimulator(tls ? { tls: { key: tls.key, cert: tls.cert } } : {});
const tokenInputs = {
  'client-id': 'sim-client-id',
  'client-secret': 'sim-client-secret',
  'api-url': sim.url,
  scope: 'data',
  summary: 'true',
};
const loginInputs = {
  mode: 'login',
  instance: sim.url,
  'developer-token': 'sim-developer-token',
  summary: 'true',
};
/** The floor always does token mode's work. */
const inputsOf = (/** @type {string} */ file) =>
  file === floor || args.mode === 'token' ? tokenInputs : loginInputs;
/** The output that says a run worked: the floor always hands over an access token. */
const outputOf = (/** @type {string} */ file) =>
  file === floor || args.mode === 'token' ? 'access-token' : 'developer-token';

/**
 * One step as the runner starts it; resolves with wall milliseconds.
 * @param {string} file
 * @param {{ argv?: string[], target?: string }} [how]
 * @returns {Promise<{ ms: number, out: string }>}
 */
function step(file, { argv, target = file } = {}) {
  /** @type {Record<string, string>} */
  const files = {};
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) {
    files[name] = join(dir, name);
    writeFileSync(files[name], '');
  }
  const env = {
    PATH: process.env.PATH,
    // Login mode writes the Domo CLI's login file under HOME.
    HOME: dir,
    ...files,
    ...inputEnv(inputsOf(target)),
    ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}),
  };
  const started = process.hrtime.bigint();
  const child = argv
    ? spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'inherit'] })
    : spawn(node, [file], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const output = readFileSync(/** @type {string} */ (files.GITHUB_OUTPUT), 'utf8');
      if (code !== 0 || !output.includes(outputOf(target)))
        reject(new Error(`${file} failed (${code}): ${out}`));
      else resolve({ ms, out });
    }),
  );
}

/**
 * Peak memory (max RSS) of one run, read by GNU time in a separate, untimed run.
 * @param {string} file
 */
async function peakKb(file) {
  if (!existsSync('/usr/bin/time')) return undefined;
  const report = join(dir, 'time.txt');
  // Async: the simulator runs in this process and must keep answering.
  await step('/usr/bin/time', { argv: ['-f', '%M', '-o', report, node, file], target: file });
  return Number(readFileSync(report, 'utf8').trim());
}

const action = args.action ? resolve(args.action) : join(root, 'dist/main.js');
// The entry is a line that loads the bundle beside it: the bundle is what a job downloads.
// One of the two is there: the action runs below.
const bundle = /** @type {string} */ (
  [join(dirname(action), 'index.js'), action].find((f) => existsSync(f))
);
const floor = join(root, 'dev/floor.cjs');
/** @type {{ action: number[], floor: number[] }} */
const times = { action: [], floor: [] };
for (let i = 0; i < Number(args.warmup); i++) {
  await step(action);
  await step(floor);
}
for (let i = 0; i < rounds; i++) {
  // Alternate which goes first, so that neither always follows the other.
  /** @type {Array<['action' | 'floor', string]>} */
  const order =
    i % 2
      ? [
          ['floor', floor],
          ['action', action],
        ]
      : [
          ['action', action],
          ['floor', floor],
        ];
  for (const [name, file] of order) times[name].push((await step(file)).ms);
}

const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (/** @type {number} */ i) => /** @type {number} */ (s[i]);
  return s.length % 2 ? at((s.length - 1) / 2) : (at(s.length / 2 - 1) + at(s.length / 2)) / 2;
};
const actionMs = median(times.action);
const floorMs = median(times.floor);
const version = execFileSync(node, ['--version']).toString().trim();
const result = {
  mode: args.mode,
  node: version,
  transport: tls ? 'https' : 'http',
  rounds,
  actionMedianMs: +actionMs.toFixed(1),
  floorMedianMs: +floorMs.toFixed(1),
  ratio: +(actionMs / floorMs).toFixed(2),
  actionPeakRssKb: await peakKb(action),
  floorPeakRssKb: await peakKb(floor),
  bundleBytes: statSync(bundle).size,
};
await sim.close();
rmSync(dir, { recursive: true, force: true });

console.log(
  `domo-auth benchmark: ${args.mode} mode, Node ${version}, ${result.transport} to the local simulator, ${rounds} rounds each after ${args.warmup} warm-up`,
);
console.log(
  `  action (${args.action ?? 'dist/main.js'})  median ${result.actionMedianMs} ms   peak RSS ${result.actionPeakRssKb ?? '?'} KB`,
);
console.log(
  `  floor  (dev/floor.cjs)  median ${result.floorMedianMs} ms   peak RSS ${result.floorPeakRssKb ?? '?'} KB`,
);
console.log(
  `  ratio ${result.ratio}×   bundle ${result.bundleBytes} bytes (dist/index.js, which every entry loads)`,
);
console.log(JSON.stringify(result));
