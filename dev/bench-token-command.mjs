// @ts-check
// How long `domo-token` takes to answer from its cache, as a later step of a job runs it: a
// shell finds the launcher on the path, which starts Node.js on the bundle. A script that calls
// `$(domo-token)` before each batch of requests pays this every time.
//   node dev/bench-token-command.mjs BUNDLE [--runs 21] [--warmup 3] [--node PATH] [--budget 60]
// BUNDLE is a built domo-token entry (dist/domo-token.js). Node 24 (GitHub's runtime for node24
// actions) is used when dev/node24.mjs finds or installs it, else this Node.js. Beside it, the
// floor: the same launcher starting the same Node.js on an empty file. Exits 1 when the median
// is not under the budget (ms).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureNode24, findNode24 } from './node24.mjs';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '21' },
    warmup: { type: 'string', default: '3' },
    node: { type: 'string' },
    budget: { type: 'string', default: '60' },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node dev/bench-token-command.mjs BUNDLE [--runs 21] [--node PATH]');
  process.exit(2);
}
const bundle = resolve(/** @type {string} */ (positionals[0]));

function pickNode() {
  if (args.node) return args.node;
  try {
    return findNode24() ?? ensureNode24();
  } catch (err) {
    const { message } = /** @type {Error} */ (err);
    console.error(`Node 24 unavailable (${message.split('\n')[0]}); using ${process.version}.`);
    return process.execPath;
  }
}
const node = pickNode();
const version = execFileSync(node, ['--version']).toString().trim();

// The folder as src/tokenCommandFiles.ts installs it (installTokenCommand): a settings file
// and a POSIX launcher that hands the settings' path over in DOMO_TOKEN_SETTINGS.
const quote = (/** @type {string} */ path) => `'${path.replace(/'/g, `'\\''`)}'`;
const dir = mkdtempSync(join(tmpdir(), 'domo-token-bench-'));
/**
 * @param {string} name
 * @param {string} entry
 */
function install(name, entry) {
  const folder = join(dir, name);
  mkdirSync(folder, { mode: 0o700 });
  const settingsFile = join(folder, 'settings.json');
  const settings = {
    clientId: 'bench-client-id',
    clientSecret: 'bench-client-secret',
    scopes: ['data'],
    // Nothing listens there: a run that asked Domo for a token would fail, not measure.
    apiUrl: 'http://127.0.0.1:9',
    retries: 0,
    timeoutMs: 1000,
    accessToken: 'bench-cached-access-token-0123456789',
    expiresAtMs: Date.now() + 3_600_000,
  };
  writeFileSync(settingsFile, `${JSON.stringify(settings)}\n`, { mode: 0o600 });
  const script = join(folder, 'domo-token');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      `DOMO_TOKEN_SETTINGS=${quote(settingsFile)}`,
      'export DOMO_TOKEN_SETTINGS',
      `exec ${quote(node)} ${quote(entry)} "$@"`,
      '',
    ].join('\n'),
  );
  chmodSync(script, 0o700);
  return { script, token: settings.accessToken };
}

const empty = join(dir, 'empty.cjs');
writeFileSync(empty, '');
const command = install('command', bundle);
const floor = install('floor', empty);

/**
 * One run; resolves with its wall time in ms, after checking what it printed.
 * @param {{ script: string, token: string }} launcher
 * @param {boolean} expectToken
 * @returns {Promise<number>}
 */
function once({ script, token }, expectToken) {
  const started = process.hrtime.bigint();
  const child = spawn(script, [], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const expected = expectToken ? `${token}\n` : '';
      if (code !== 0 || out !== expected || err !== '') {
        reject(new Error(`${script} exited ${code}: stdout ${JSON.stringify(out)}, stderr ${err}`));
      } else resolve(ms);
    }),
  );
}

const median = (/** @type {number[]} */ xs) =>
  /** @type {number} */ ([...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1]);
/** @type {{ command: number[], floor: number[] }} */
const times = { command: [], floor: [] };
try {
  for (let i = 0; i < Number(args.warmup); i++) {
    await once(command, true);
    await once(floor, false);
  }
  for (let i = 0; i < Number(args.runs); i++) {
    // Alternate which goes first, so that neither always follows the other.
    /** @type {Array<'command' | 'floor'>} */
    const pair = i % 2 ? ['floor', 'command'] : ['command', 'floor'];
    for (const name of pair) {
      times[name].push(await once(name === 'command' ? command : floor, name === 'command'));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const result = {
  node: version,
  runs: Number(args.runs),
  commandMedianMs: +median(times.command).toFixed(1),
  commandMinMs: +Math.min(...times.command).toFixed(1),
  commandMaxMs: +Math.max(...times.command).toFixed(1),
  floorMedianMs: +median(times.floor).toFixed(1),
  // Paired by round: what the command adds to Node's own start-up, steadier on a busy machine.
  overFloorMedianMs: +median(
    times.command.map((ms, i) => ms - /** @type {number} */ (times.floor[i])),
  ).toFixed(1),
  budgetMs: Number(args.budget),
};
console.log(
  `domo-token from its cache: Node ${version}, median ${result.commandMedianMs} ms over ${result.runs} runs (min ${result.commandMinMs}, max ${result.commandMaxMs}); Node on an empty file through the same launcher: ${result.floorMedianMs} ms; the command adds ${result.overFloorMedianMs} ms (median of the rounds' differences)`,
);
console.log(JSON.stringify(result));
if (!(result.commandMedianMs < result.budgetMs)) {
  console.error(`Over budget: the median is not under ${result.budgetMs} ms.`);
  process.exitCode = 1;
}
