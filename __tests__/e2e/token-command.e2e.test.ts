/**
 * token-command, end to end: the committed bundle's main step installs `domo-token`, a later
 * step's shell runs it from the job's path (GITHUB_PATH) as the runner would, against a
 * simulator that issues short-lived tokens, and the post step leaves nothing behind.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { action, parseCommands, runStep, type StepResult } from '../../dev/runner.mjs';
import { expectNoLeaks, SOURCES, withSimulator, type Simulator } from './helpers.js';

let job: string;
let runnerTemp: string;
let githubPath: string;
beforeEach(() => {
  // What the runner keeps for the whole job: RUNNER_TEMP and the job's path file.
  job = mkdtempSync(join(tmpdir(), 'domo-auth-token-command-'));
  runnerTemp = join(job, 'temp');
  githubPath = join(job, 'path');
  mkdirSync(runnerTemp);
  writeFileSync(githubPath, '');
});
afterEach(() => rmSync(job, { recursive: true, force: true }));

const jobEnv = () => ({ RUNNER_TEMP: runnerTemp, GITHUB_PATH: githubPath });

/** A later step's shell: the job's path added as the runner adds GITHUB_PATH lines. */
function laterStep(command: string, args: string[] = []) {
  const added = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse();
  return new Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>(
    (resolve) => {
      const started = process.hrtime.bigint();
      const child = spawn(command, args, {
        env: { PATH: [...added, process.env.PATH].join(delimiter), HOME: job },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
      child.on('close', (code) =>
        resolve({ code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 }),
      );
    },
  );
}

const tokenInputs = (sim: Simulator) => ({
  'client-id': 'sim-client-id',
  'client-secret': 'sim-client-secret',
  'api-url': sim.url,
  'token-command': 'true',
});

describe('token-command: domo-token in later steps', () => {
  test('installed beside the job path; cached while it has time left, then fresh; masked first; gone after the post step', async () => {
    await withSimulator({ tokenTtl: 200 }, async (sim) => {
      const main: StepResult = await runStep({ inputs: tokenInputs(sim), env: jobEnv() });
      expect(main.exitCode).toBe(0);
      const [folder] = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean);
      expect(folder!.startsWith(runnerTemp)).toBe(true);
      expect(readdirSync(folder!).sort()).toEqual([
        'domo-token',
        'domo-token.cmd',
        'settings.json',
      ]);
      expect(statSync(folder!).mode & 0o777).toBe(0o700);
      expect(statSync(join(folder!, 'settings.json')).mode & 0o777).toBe(0o600);
      const first = main.outputs['access-token']!;

      // 200 s left is under the 300 s domo-token wants: a new token, masked before it shows.
      const fresh = await laterStep('domo-token');
      expect(fresh.code).toBe(0);
      const token = fresh.stdout.trim();
      expect(fresh.stdout).toBe(`${token}\n`);
      expect(token).not.toBe(first);
      // Its credentials are masked before it asks Domo, the new token before it prints it.
      const basic = Buffer.from('sim-client-id:sim-client-secret').toString('base64');
      expect(parseCommands(fresh.stderr).map((c) => [c.name, c.message])).toEqual([
        ['add-mask', 'sim-client-secret'],
        ['add-mask', basic],
        ['add-mask', token],
      ]);
      // --min-seconds 100: the token just issued has enough left; no request, nothing on stderr.
      const before = sim.stats.tokensIssued;
      const cached = await laterStep('domo-token', ['--min-seconds', '100']);
      expect([cached.code, cached.stdout, cached.stderr]).toEqual([0, `${token}\n`, '']);
      expect(sim.stats.tokensIssued).toBe(before);
      // The client secret never shows but in the ::add-mask:: line the runner takes in.
      for (const out of [fresh, cached]) {
        const shown = (out.stdout + out.stderr)
          .split('\n')
          .filter((line) => !line.startsWith('::add-mask::'));
        expect(shown.join('\n')).not.toContain('sim-client-secret');
      }

      const post = await runStep({
        entry: action.runs.post,
        state: main.savedState,
        env: jobEnv(),
      });
      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      expect(existsSync(folder!)).toBe(false);
      const after = await laterStep('sh', ['-c', 'domo-token']);
      expect(after.code).not.toBe(0);
      expectNoLeaks(main, [token]);
      expectNoLeaks(post, [token]);
    });
  });

  test('parallel calls each print a valid token, and the file is never half-written', async () => {
    await withSimulator({ tokenTtl: 200 }, async (sim) => {
      const main = await runStep({ inputs: tokenInputs(sim), env: jobEnv() });
      expect(main.exitCode).toBe(0);
      const runs = await Promise.all(Array.from({ length: 6 }, () => laterStep('domo-token')));
      for (const run of runs) {
        expect(run.code).toBe(0);
        const token = run.stdout.trim();
        expect(run.stdout).toBe(`${token}\n`);
        expect(sim.requests.some((r) => r.route === 'token')).toBe(true);
        expect(parseCommands(run.stderr).map((c) => c.message)).toContain(token);
      }
      const [folder] = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean);
      const settings = JSON.parse(readFileSync(join(folder!, 'settings.json'), 'utf8'));
      expect(runs.map((r) => r.stdout.trim())).toContain(settings.accessToken);
    });
  });

  test('provision mode: the post step deletes the folder and revokes the client, so nothing outlives the job', async () => {
    await withSimulator({}, async (sim) => {
      const inputs = {
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        ...SOURCES['developer-token'],
        'token-command': 'true',
      };
      const main = await runStep({ inputs, env: jobEnv() });
      expect(main.exitCode).toBe(0);
      const [folder] = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean);
      const settings = readFileSync(join(folder!, 'settings.json'), 'utf8');
      expect(settings).toContain(sim.clients[0]!.client_id);
      const works = await laterStep('domo-token', ['--min-seconds', '3000']);
      expect(works.code).toBe(0);

      const post = await runStep({
        entry: action.runs.post,
        state: main.savedState,
        env: jobEnv(),
      });
      expect(post.warnings).toEqual([]);
      expect(existsSync(folder!)).toBe(false);
      expect(sim.clients[0]!.deleted).toBe(true);
      expectNoLeaks(main, [sim.clients[0]!.client_secret]);
      expectNoLeaks(post, [sim.clients[0]!.client_secret]);
    });
  });

  test('without token-command nothing is installed', async () => {
    await withSimulator({}, async (sim) => {
      const main = await runStep({
        inputs: { ...tokenInputs(sim), 'token-command': 'false' },
        env: jobEnv(),
      });
      expect(main.exitCode).toBe(0);
      expect(readFileSync(githubPath, 'utf8')).toBe('');
      expect(readdirSync(runnerTemp)).toEqual([]);
      expect(main.savedState).toEqual({});
    });
  });
});
