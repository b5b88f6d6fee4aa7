/**
 * The main step: inputs, then the story of the chosen mode. Every dependency on the outside
 * world is a parameter, so tests can drive a whole run directly.
 */
import { parseConfig, readInputs, secretInputValues, type Config } from './config.js';
import { retryFor, type Context } from './context.js';
import { runEntry } from './entry.js';
import { createTransport, withLog, type Transport } from './http.js';
import { debug, fail, mask, warning } from './log.js';
import { requireRunnerFiles, type RunnerFile } from './outputs.js';
import { systemClock, type Clock, type Random } from './retry.js';
import { login } from './stories/login.js';
import { provision } from './stories/provision.js';
import { sweep } from './stories/sweep.js';
import { token } from './stories/token.js';

export interface Deps {
  env: NodeJS.ProcessEnv;
  clock: Clock;
  random: Random;
  transport: (timeoutMs: number) => Transport;
  entryDir: string;
}

export const defaultDeps = (): Deps => ({
  env: process.env,
  clock: systemClock,
  random: Math.random,
  transport: (timeoutMs) => createTransport({ timeoutMs }),
  // The runner starts `node <action>/dist/main.js`: domo-token's entry sits beside it.
  entryDir: (process.argv[1] ?? '').replace(/[\\/][^\\/]*$/, ''),
});

const STORIES = { token, provision, sweep, login } as const;

export async function run(overrides: Partial<Deps> = {}): Promise<void> {
  const deps: Deps = { ...defaultDeps(), ...overrides };
  try {
    const raw = readInputs(deps.env);
    mask(...secretInputValues(raw));
    const { config, warnings } = parseConfig(raw, deps.env, deps.random);
    for (const message of warnings) warning(message);
    requireRunnerFiles(runnerFiles(config), deps.env);
    const ctx: Context = {
      env: deps.env,
      clock: deps.clock,
      random: deps.random,
      transport: withLog(deps.transport(config.timeoutMs), debug, deps.clock.now),
      retry: retryFor(config, deps.clock, deps.random),
      entryDir: deps.entryDir,
    };
    await STORIES[config.mode](config, ctx);
  } catch (err) {
    fail(err);
  }
}

/** The runner files a run of `config` writes to. */
function runnerFiles(config: Config): RunnerFile[] {
  const files: RunnerFile[] = ['GITHUB_OUTPUT'];
  if (config.exportEnv) files.push('GITHUB_ENV');
  if (config.provision || config.login || config.tokenCommand) files.push('GITHUB_STATE');
  if (config.tokenCommand) files.push('GITHUB_PATH', 'RUNNER_TEMP');
  return files;
}

/** The main step's entry (action.yml `runs.main`). */
export const main = (): Promise<void> => runEntry(() => run());
