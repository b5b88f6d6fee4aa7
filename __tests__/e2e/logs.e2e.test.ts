/**
 * Whole step logs, end to end: the committed bundle run through the runner emulator against
 * the simulator, each step's stdout and stderr held to a snapshot (__snapshots__/), line for
 * line, as a reader of the job's log sees it. What changes from run to run is replaced by a
 * placeholder first: each ::add-mask:: value (named after what it is where that is known),
 * the simulator's port, UUIDs, the random suffix of default names, times, durations, temporary
 * paths and the ids the simulator hands out. A change to any log line shows as a diff; update
 * the snapshots with `-u` when the change is meant.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_TOKEN, runJob, runStep, type StepResult } from '../../dev/runner.mjs';
import { basic, expectNoLeaks, SOURCES, withSimulator, type Simulator } from './helpers.js';

/** What the simulator's fixed credentials are, and what a step hands out. */
const NAMED: Record<string, string> = {
  'sim-client-secret': 'client-secret input',
  [basic('sim-client-id', 'sim-client-secret')]: 'Basic credential of the client-id input',
  'sim-password': 'password input',
  'sim-session-token': 'session-token input',
  'sim-dsid-cookie': 'session-cookie input',
  'sim-developer-token': 'developer-token input',
  [JOB_TOKEN]: 'github-token',
};

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The steps' logs (stdout, then stderr) with every value that differs between runs replaced,
 * the same value by the same placeholder in every step. `home` is the job's HOME.
 */
function logsOf(sim: Simulator, steps: StepResult[], home?: string): string[] {
  const names = new Map(Object.entries(NAMED));
  for (const { outputs } of steps) {
    const { 'access-token': token, 'client-id': id, 'client-secret': secret } = outputs;
    if (token) names.set(token, 'access-token');
    if (secret) names.set(secret, 'client-secret');
    if (id && secret) names.set(basic(id, secret), 'Basic credential of the new client');
    const developer = outputs['developer-token'];
    if (developer && !names.has(developer)) names.set(developer, 'minted developer-token');
  }
  const masks = [...new Set(steps.flatMap((step) => step.masks))];
  let others = 0;
  for (const value of masks) if (!names.has(value)) names.set(value, `secret-${++others}`);
  // Longest first: a secret may hold a shorter one.
  const secrets = masks.sort((a, b) => b.length - a.length);

  /** A placeholder for each distinct value of a kind, numbered in the order first met. */
  const counters = new Map<string, Map<string, number>>();
  const numbered = (label: string) => (match: string) => {
    const seen = counters.get(label) ?? new Map<string, number>();
    counters.set(label, seen);
    if (!seen.has(match)) seen.set(match, seen.size + 1);
    return `<${label}-${seen.get(match)}>`;
  };
  // Met in the order the simulator handed them out.
  const ids: Array<[number, string]> = [
    ...sim.clients.map((c) => [c.tokenId, 'list-id'] as [number, string]),
    ...sim.accessTokens.map((t) => [t.id, 'token-id'] as [number, string]),
  ];

  return steps.map((step) => {
    let text = `${step.stdout}--- stderr ---\n${step.stderr}`;
    for (const value of secrets) text = text.replaceAll(value, `<${names.get(value)}>`);
    if (home) text = text.replaceAll(home, '<home>');
    text = text
      .replace(new RegExp(`${escape(tmpdir())}/domo-auth-[\\w.-]+`, 'g'), '<tmp>')
      .replaceAll(`127.0.0.1:${sim.port}`, '127.0.0.1:<port>')
      .replace(
        /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g,
        numbered('uuid'),
      )
      // The suffix of the names this job's steps give what they create.
      .replace(/(?<=run 4242\.1 build )[0-9a-f]{6}\b/g, numbered('hex'))
      .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/\bin \d+ ms\b/g, 'in <n> ms');
    for (const [id, label] of ids)
      text = text.replace(new RegExp(`\\b${id}\\b`, 'g'), numbered(label));
    return text;
  });
}

/** Every credential a step of `sim` may have seen, for the leak check. */
const seenBy = (sim: Simulator) => [
  ...sim.requests.map((r) => r.headers['x-domo-authentication']).filter((s): s is string => !!s),
  ...sim.clients.map((c) => c.client_secret),
  ...sim.accessTokens.map((t) => t.token),
];

/** Checks what the snapshot cannot: the exit codes, and that no secret leaked in any form. */
function expectSteps(sim: Simulator, steps: StepResult[], exitCodes: number[]): void {
  expect(steps.map((step) => step.exitCode)).toEqual(exitCodes);
  for (const step of steps) expectNoLeaks(step, seenBy(sim));
}

/** A HOME of its own for the job: login mode writes the Domo CLI's login under it. */
async function withHome<T>(body: (home: string) => Promise<T>): Promise<T> {
  const home = mkdtempSync(join(tmpdir(), 'domo-auth-logs-home-'));
  try {
    return await body(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const token = (sim: Simulator) => ({
  'client-id': 'sim-client-id',
  'client-secret': 'sim-client-secret',
  'api-url': sim.url,
});

describe('the whole log of each step', () => {
  test('token mode: main and post', async () => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({ inputs: token(sim) });
      expectSteps(sim, [main, post], [0, 0]);
      const [mainLog, postLog] = logsOf(sim, [main, post]);
      expect(mainLog).toMatchSnapshot('main');
      expect(postLog).toMatchSnapshot('post');
    });
  });

  test('provision mode with a developer token: main and post', async () => {
    await withSimulator({}, async (sim) => {
      const inputs = {
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        ...SOURCES['developer-token'],
      };
      const { main, post } = await runJob({ inputs });
      expectSteps(sim, [main, post], [0, 0]);
      const [mainLog, postLog] = logsOf(sim, [main, post]);
      expect(mainLog).toMatchSnapshot('main');
      expect(postLog).toMatchSnapshot('post');
    });
  });

  test.each([
    ['handing over a developer token', SOURCES['developer-token']],
    ['minting a token from a session token', SOURCES['session-token']],
  ])('login mode %s: main and post', async (_, source) => {
    await withSimulator({}, async (sim) => {
      await withHome(async (home) => {
        const inputs = { mode: 'login', instance: sim.url, ...source };
        const { main, post } = await runJob({ inputs, env: { HOME: home } });
        expectSteps(sim, [main, post], [0, 0]);
        const [mainLog, postLog] = logsOf(sim, [main, post], home);
        expect(mainLog).toMatchSnapshot('main');
        expect(postLog).toMatchSnapshot('post');
      });
    });
  });

  test('login mode with a credential the instance refuses', async () => {
    await withSimulator({ developerTokens: {} }, async (sim) => {
      await withHome(async (home) => {
        const inputs = { mode: 'login', instance: sim.url, ...SOURCES['developer-token'] };
        const main = await runStep({ inputs, env: { HOME: home } });
        expectSteps(sim, [main], [1]);
        expect(logsOf(sim, [main], home)[0]).toMatchSnapshot('main');
      });
    });
  });

  test('a sweep of a small mixed instance: an API client and access tokens, finished, running, foreign and made by hand', async () => {
    await withSimulator({}, async (sim) => {
      const name = (run: string, job = 'build', suffix = 'a1b2c3', repo = 'octo-org/octo-repo') =>
        `github-actions ${repo} run ${run} ${job} ${suffix}`;
      sim.set({ githubRuns: { '4242.1': 'in_progress', '41.1': 'completed', '43.1': 'queued' } });
      sim.addAccessTokens([
        { name: name('41.1') },
        { name: name('43.1') },
        { name: 'made by hand' },
        { name: name('41.1', 'build', 'a1b2c3', 'octo-org/octo-repo-two') },
      ]);
      sim.addClients([
        {
          name: name('41.1', 'deploy', 'ffffff'),
          description:
            'Created by domo-auth for https://github.com/octo-org/octo-repo/actions/runs/41; revoked when the job ends.',
        },
      ]);
      const inputs = {
        mode: 'sweep',
        instance: sim.url,
        ...SOURCES['developer-token'],
        retries: '1',
        'timeout-seconds': '5',
      };
      const step = await runStep({ inputs, env: { GITHUB_API_URL: sim.url } });
      expectSteps(sim, [step], [0]);
      expect(logsOf(sim, [step])[0]).toMatchSnapshot('main');
    });
  });
});
