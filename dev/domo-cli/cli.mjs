// @ts-check
// Domo's CLI (npm package ryuu, command `domo`) for the end-to-end tests. It has its own
// package.json here because it is heavy (about 300 packages): the action's `npm ci` stays
// light, and the tests that need it are skipped, saying why, when it is not installed.
//   npm ci --prefix dev/domo-cli --no-audit --no-fund
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {object} DomoRunOptions
 * @property {string} home HOME (and USERPROFILE): the CLI finds its logins in
 *   <home>/.config/configstore/ryuu.
 * @property {string} [xdgConfigHome] XDG_CONFIG_HOME, or unset when absent.
 * @property {string} [caFile] A certificate the CLI trusts as well (NODE_EXTRA_CA_CERTS).
 * @property {string} cwd
 * @property {Record<string, string>} [env] More variables, or overrides of the ones above.
 * @property {number} [timeoutMs] The CLI is killed after this long; default 60 s.
 */

/**
 * @typedef {object} DomoRun
 * @property {number | null} code null when it was killed.
 * @property {string} stdout
 * @property {string} stderr
 * @property {boolean} timedOut
 */

const entry = fileURLToPath(new URL('node_modules/ryuu/bin/runner', import.meta.url));

/** The CLI's entry script (run it with Node), or undefined when it is not installed. */
export function domoCliPath() {
  return existsSync(entry) ? entry : undefined;
}

/**
 * Runs `domo ARGS` in `cwd` with a home of its own and resolves when it ends (it is killed
 * after `timeoutMs`: a CLI that waits for an answer on a prompt would otherwise never end).
 * The environment is built from scratch, so that nothing of the caller's (its HOME, a proxy,
 * an XDG_CONFIG_HOME) reaches the CLI unless `env` says so. The CLI takes its login from
 * files under `home` (and `xdgConfigHome`); it talks https only, trusting `caFile` too.
 * @param {string[]} args
 * @param {DomoRunOptions} options
 * @returns {Promise<DomoRun>}
 */
export function runDomo(args, options) {
  const { home, xdgConfigHome, caFile, cwd, env = {}, timeoutMs = 60_000 } = options;
  const cli = domoCliPath();
  if (!cli) throw new Error('The Domo CLI is not installed: npm ci --prefix dev/domo-cli');
  const childEnv = {
    PATH: process.env.PATH ?? '',
    ...(process.platform === 'win32' ? { SystemRoot: process.env.SystemRoot ?? '' } : {}),
    // The CLI reads HOME (USERPROFILE on Windows) to find logins; configstore reads and
    // writes them through XDG_CONFIG_HOME when it is set.
    HOME: home,
    USERPROFILE: home,
    ...(xdgConfigHome ? { XDG_CONFIG_HOME: xdgConfigHome } : {}),
    ...(caFile ? { NODE_EXTRA_CA_CERTS: caFile } : {}),
    NO_UPDATE_NOTIFIER: '1',
    ...env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}
