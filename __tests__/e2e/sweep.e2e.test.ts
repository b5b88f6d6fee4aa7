/**
 * Sweep mode, end to end: the committed bundle runs as the runner runs it (the job's token in
 * place of `${{ github.token }}`), against the simulator playing both Domo and GitHub. An
 * instance holds clients of every kind; the log, the outputs and the job summary are read as
 * GitHub's runner reads them, and nothing secret may show in any of them.
 */
import { describe, expect, test } from '@jest/globals';
import { JOB_TOKEN, runJob, runStep, summaryText } from '../../dev/runner.mjs';
import type { StepResult } from '../../dev/runner.mjs';
import {
  expectFailure,
  expectNoLeaks,
  SOURCES,
  withSimulator,
  type Simulator,
  type Source,
} from './helpers.js';

const REPO = 'octo-org/octo-repo';
const desc = (runId: string, repo = REPO) =>
  `Created by domo-auth for https://github.com/${repo}/actions/runs/${runId}; revoked when the job ends.`;
const name = (run: string, job = 'build', suffix = 'a1b2c3', repo = REPO) =>
  `github-actions ${repo} run ${run} ${job} ${suffix}`;
const runUrl = (run: string) => {
  const [id, attempt] = run.split('.');
  return `https://github.com/${REPO}/actions/runs/${id}/attempts/${attempt}`;
};

const sweepInputs = (
  sim: Simulator,
  extra: Record<string, string> = {},
  source: Source = 'developer-token',
) => ({
  mode: 'sweep',
  instance: sim.url,
  ...SOURCES[source],
  retries: '1',
  'timeout-seconds': '5',
  ...extra,
});
const env = (sim: Simulator) => ({ GITHUB_API_URL: sim.url });

/** An instance with a client of every kind, and GitHub's view of their runs. */
function mixedInstance(sim: Simulator) {
  sim.set({
    githubRuns: {
      '4242.1': 'in_progress', // the running job: this one
      '41.1': { status: 'completed', conclusion: 'success' },
      '41.2': { status: 'completed', conclusion: 'cancelled' },
      '43.1': 'queued',
      '44.1': 'waiting',
      // 40.1 is not listed: a deleted run (404)
    },
  });
  const made = sim.addClients([
    { name: name('41.1'), description: desc('41') }, // orphan
    { name: name('41.2', 'deploy', 'ffffff'), description: desc('41') }, // orphan, attempt 2
    { name: name('40.1', 'test'), description: desc('40') }, // orphan: run deleted
    { name: name('43.1'), description: desc('43') }, // kept: queued
    { name: name('44.1'), description: desc('44') }, // kept: waiting
    { name: name('4242.1'), description: desc('4242') }, // kept: the running job's own
    {
      name: name('41.1', 'build', 'a1b2c3', 'octo-org/octo-repo-two'),
      description: desc('41', 'octo-org/octo-repo-two'),
    }, // foreign
    { name: 'deploy bot', description: desc('41') }, // custom name
    {
      name: name('41.1', 'keep', '000000'),
      description:
        'Created by domo-auth for https://github.com/octo-org/octo-repo/actions/runs/41; kept after the job ends (delete-client: false).',
    },
    { name: name('41.1', 'nodesc', '000001') }, // no description
  ]);
  return made;
}

const live = (sim: Simulator) => sim.clients.filter((c) => !c.deleted).map((c) => c.name);
const githubAsked = (sim: Simulator) =>
  sim.requests
    .filter((r) => r.route === 'github-run')
    .map((r) => r.path.replace(/^.*\/runs\//, ''));
const domoCalls = (sim: Simulator) =>
  sim.requests.filter((r) => r.route !== 'github-run').map((r) => `${r.method} ${r.route}`);
const lines = (step: StepResult) => step.stdout.split('\n');

function expectClean(sim: Simulator, ...steps: StepResult[]) {
  const sessions = sim.requests
    .map((r) => r.headers['x-domo-authentication'])
    .filter((s): s is string => !!s);
  for (const step of steps) expectNoLeaks(step, [...sessions, 'sim-developer-token', JOB_TOKEN]);
}

describe('sweep: a mixed instance', () => {
  test.each([false, true])(
    'revokes the orphans of finished and deleted runs, keeps the rest (debug: %s)',
    async (debug) => {
      await withSimulator({}, async (sim) => {
        mixedInstance(sim);
        const { main, post } = await runJob({ inputs: sweepInputs(sim), env: env(sim), debug });
        expect(main.errors).toEqual([]);
        expect(main.warnings).toEqual([]);
        expect(main.exitCode).toBe(0);
        expect(main.outputs).toEqual({ orphans: '3', revoked: '3' });
        expect(live(sim).sort()).toEqual(
          [
            name('43.1'),
            name('44.1'),
            name('4242.1'),
            name('41.1', 'build', 'a1b2c3', 'octo-org/octo-repo-two'),
            'deploy bot',
            name('41.1', 'keep', '000000'),
            name('41.1', 'nodesc', '000001'),
          ].sort(),
        );
        // Once per attempt, the current one first, never twice.
        expect(githubAsked(sim)).toEqual([
          '4242/attempts/1',
          '41/attempts/1',
          '41/attempts/2',
          '40/attempts/1',
          '40', // one 404 is not enough: the run itself is asked too
          '43/attempts/1',
          '44/attempts/1',
        ]);
        const gh = sim.requests.find((r) => r.route === 'github-run')!;
        expect(gh.path).toBe(`/repos/${REPO}/actions/runs/4242/attempts/1`);
        expect(gh.headers).toMatchObject({
          authorization: `Bearer ${JOB_TOKEN}`,
          accept: 'application/vnd.github+json',
          'x-github-api-version': '2022-11-28',
          'user-agent': expect.stringMatching(/./),
        });
        expect(domoCalls(sim)).toEqual([
          'GET list-dev-tokens',
          'GET list-access-tokens',
          'DELETE delete-dev-token',
          'DELETE delete-dev-token',
          'DELETE delete-dev-token',
          'GET list-dev-tokens',
        ]);
        const ids = Object.fromEntries(sim.clients.map((c) => [c.name, c.tokenId]));
        for (const run of ['41.1', '40.1']) {
          const n = run === '40.1' ? name(run, 'test') : name(run);
          const status = run === '40.1' ? 'deleted' : 'completed';
          expect(lines(main)).toContain(
            `Orphaned Domo API client "${n}" (id ${ids[n]}), run ${runUrl(run)} ${status}: revoked.`,
          );
        }
        const summary = summaryText(main.summary);
        expect(summary).toContain('Domo sweep: 3 orphaned, 3 revoked');
        for (const outcome of ['revoked', 'kept: run not finished'])
          expect(summary).toContain(outcome);
        expect(main.summary).toContain(`<a href="${runUrl('43.1')}">`);
        expect(summary).not.toContain('deploy bot');
        expect(post.exitCode).toBe(0);
        expect(post.warnings).toEqual([]);
        expect(post.outputs).toEqual({});
        expectClean(sim, main, post);
      });
    },
  );

  test('a dry run revokes nothing and says what it would revoke', async () => {
    await withSimulator({}, async (sim) => {
      mixedInstance(sim);
      const step = await runStep({
        inputs: sweepInputs(sim, { 'dry-run': 'true' }),
        env: env(sim),
      });
      expect(step.exitCode).toBe(0);
      expect(step.outputs).toEqual({ orphans: '3', revoked: '0' });
      expect(sim.clients.filter((c) => c.deleted)).toEqual([]);
      expect(domoCalls(sim)).toEqual(['GET list-dev-tokens', 'GET list-access-tokens']);
      expect(lines(step).filter((l) => l.endsWith(': would revoke (dry run).'))).toHaveLength(3);
      expect(summaryText(step.summary)).toContain('would revoke (dry run)');
      expectClean(sim, step);
    });
  });

  test.each(['array', 'entries'] as const)('a list under the %s shape', async (listShape) => {
    await withSimulator({ listShape }, async (sim) => {
      mixedInstance(sim);
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expect(step.outputs).toEqual({ orphans: '3', revoked: '3' });
      expectClean(sim, step);
    });
  });

  test('an instance with nothing to sweep is a success', async () => {
    await withSimulator({}, async (sim) => {
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expect(step.exitCode).toBe(0);
      expect(step.errors).toEqual([]);
      expect(step.outputs).toEqual({ orphans: '0', revoked: '0' });
      expect(summaryText(step.summary)).toContain(
        'Nothing of this repository is waiting to be revoked.',
      );
      expectClean(sim, step);
    });
  });
});

describe('sweep: each session source', () => {
  test.each(Object.keys(SOURCES) as Source[])('%s', async (source) => {
    await withSimulator({}, async (sim) => {
      mixedInstance(sim);
      const step = await runStep({ inputs: sweepInputs(sim, {}, source), env: env(sim) });
      expect(step.errors).toEqual([]);
      expect(step.outputs).toEqual({ orphans: '3', revoked: '3' });
      const signon = ['password', 'session-cookie'].includes(source) ? ['POST signon'] : [];
      expect(domoCalls(sim).slice(0, signon.length + 1)).toEqual([
        ...signon,
        'GET list-dev-tokens',
      ]);
      expectClean(sim, step);
    });
  });
});

describe('sweep: a token that cannot read the current run revokes nothing', () => {
  test.each<[string, Parameters<Simulator['set']>[0], RegExp]>([
    ['an unknown token (401)', { githubTokens: {} }, /HTTP 401 \(Bad credentials\)/],
    [
      'a token without actions: read (403)',
      { githubTokens: { [JOB_TOKEN]: 'no-actions' } },
      /HTTP 403 \(Resource not accessible by integration\)/,
    ],
    [
      'a token that cannot see the repository (404)',
      { githubTokens: { [JOB_TOKEN]: 'no-repo' } },
      /GitHub answered 404 for the current run/,
    ],
    [
      'a current run GitHub fails on',
      { githubRuns: { '4242.1': { httpStatus: 502 } } },
      /HTTP 502/,
    ],
  ])('%s', async (_, change, message) => {
    await withSimulator({}, async (sim) => {
      mixedInstance(sim);
      sim.set(change);
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expectFailure(step, message);
      expect(step.errors[0]).toContain('`github-token`');
      expect(step.errors[0]).toContain('permissions: actions: read');
      expect(domoCalls(sim)).toEqual([]);
      expect(step.outputs).toEqual({});
      expectClean(sim, step);
    });
  });

  test('GitHub never answering within the time limit', async () => {
    await withSimulator({}, async (sim) => {
      sim.fault('github-run', { kind: 'hang', times: Infinity });
      const step = await runStep({
        inputs: sweepInputs(sim, { retries: '0', 'timeout-seconds': '0.5' }),
        env: env(sim),
      });
      expectFailure(step, /no complete answer within 0\.5 s/);
      expect(domoCalls(sim)).toEqual([]);
      expectClean(sim, step);
    });
  });
});

describe('sweep: what goes wrong after the current run is seen', () => {
  test('GitHub not answering for one run keeps its client, with a warning; the others go', async () => {
    await withSimulator({}, async (sim) => {
      mixedInstance(sim);
      sim.set({
        githubRuns: {
          '4242.1': 'in_progress',
          '41.1': { httpStatus: 503, message: 'Service Unavailable' },
          '41.2': 'completed',
          '43.1': 'queued',
          '44.1': 'in_progress',
        },
      });
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expect(step.errors).toEqual([]);
      expect(step.outputs).toEqual({ orphans: '2', revoked: '2' });
      expect(step.warnings).toEqual([
        expect.stringContaining(`Keeping Domo API client "${name('41.1')}"`),
      ]);
      expect(step.warnings[0]).toContain('HTTP 503 (Service Unavailable)');
      expect(live(sim)).toContain(name('41.1'));
      expect(live(sim)).not.toContain(name('41.2', 'deploy', 'ffffff'));
      expect(summaryText(step.summary)).toContain('kept: GitHub did not answer');
      expectClean(sim, step);
    });
  });

  test('a DELETE that fails: one error naming that client; the others are still revoked', async () => {
    await withSimulator({}, async (sim) => {
      mixedInstance(sim);
      sim.fault('delete-dev-token', { kind: 'status', status: 500, times: 2 });
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expectFailure(step, /^1 of 3 orphan\(s\) not revoked: API client /);
      expect(step.errors[0]).toContain(`"${name('41.1')}"`);
      expect(step.errors[0]).toContain('HTTP 500');
      expect(step.outputs).toEqual({ orphans: '3', revoked: '2' });
      expect(live(sim)).toContain(name('41.1'));
      expect(summaryText(step.summary)).toContain('not revoked (');
      expectClean(sim, step);
    });
  });

  test('a list that cannot be read fails the step without outputs', async () => {
    await withSimulator({}, async (sim) => {
      mixedInstance(sim);
      sim.fault('list-dev-tokens', { kind: 'status', status: 403, times: Infinity });
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expectFailure(step, /^Domo API client list .* HTTP 403/);
      expect(step.outputs).toEqual({});
      expectClean(sim, step);
    });
  });
});

describe('sweep: hostile text from GitHub and Domo', () => {
  const hostile = '::error::forged%0A\r##[warning]forged\u2028<b>x</b>|`$y`';
  test.each([false, true])(
    'is printed as one harmless line everywhere (debug: %s)',
    async (debug) => {
      await withSimulator({}, async (sim) => {
        sim.set({
          githubRuns: {
            '4242.1': 'in_progress',
            '41.1': { status: hostile },
            '41.2': 'completed',
            '43.1': { httpStatus: 500, message: hostile },
          },
        });
        const made = sim.addClients([
          { name: name('41.1', '::error::forged'), description: desc('41') },
          { name: name('41.2', '##[error]forged'), description: desc('41') },
          { name: name('41.2', '%0A::warning::x', 'abcdef'), description: desc('41') },
          { name: name('43.1', '<script>', '123456'), description: desc('43') },
        ]);
        sim.fault('delete-dev-token', {
          kind: 'status',
          status: 500,
          body: { message: hostile },
          times: Infinity,
        });
        // The list as the instance would show it, plus an orphan under a hostile id, twice:
        // before the DELETEs and to confirm them.
        const listed = [
          ...made.map((c) => ({ id: c.tokenId, name: c.name, description: c.description })),
          { id: hostile, name: name('41.2', 'odd-id', 'fedcba'), description: desc('41') },
        ];
        sim.fault('list-dev-tokens', { kind: 'body', body: listed, times: 2 });
        const step = await runStep({
          inputs: sweepInputs(sim, { retries: '0' }),
          env: env(sim),
          debug,
        });
        // Every DELETE failed, with Domo's hostile words, and the odd id is never sent.
        expectFailure(step, /^3 of 3 orphan\(s\) not revoked: API client /);
        expect(step.errors[0]).toContain('under an id that is not a plain number');
        expect(step.errors[0]).toContain('HTTP 500 (');
        expect(sim.requests.filter((r) => r.route === 'delete-dev-token')).toHaveLength(2);
        expect(step.outputs).toEqual({ orphans: '3', revoked: '0' });
        expect(step.warnings).toHaveLength(1);
        const everything = `${step.stdout}\n${step.stderr}`;
        expect(everything).not.toContain('##[');
        expect(everything).not.toContain('\r');
        expect(everything).not.toContain('\u2028');
        expect(step.summary).not.toMatch(/<script>|<b>|##\[/);
        expect(summaryText(step.summary)).toContain(made[3]!.name);
        expectClean(sim, step);
      });
    },
  );
});

describe('the filled-in github-token is never warned about', () => {
  // In token and provision mode, the whole logs of main and post: logs.e2e.test.ts.
  test('but dry-run is, outside sweep mode', async () => {
    await withSimulator({}, async (sim) => {
      const step = await runStep({
        inputs: {
          'client-id': 'sim-client-id',
          'client-secret': 'sim-client-secret',
          'api-url': sim.url,
          'dry-run': 'true',
        },
      });
      expect(step.warnings).toEqual([
        'Input `dry-run` applies only to mode: sweep; it is ignored.',
      ]);
    });
  });
});

describe('sweep: what GitHub says twice, and access tokens', () => {
  test('an attempt GitHub answers 404 for while it shows the run (a lagging replica) is kept; a deleted run takes both 404s', async () => {
    await withSimulator({}, async (sim) => {
      sim.set({
        githubRuns: {
          '4242.1': 'in_progress',
          '45.1': { status: 'completed', attemptMissing: true },
          // 46.1 is not listed: the attempt and the run answer 404.
        },
      });
      sim.addClients([
        { name: name('45.1'), description: desc('45') },
        { name: name('46.1'), description: desc('46') },
      ]);
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expect(step.exitCode).toBe(0);
      expect(githubAsked(sim)).toEqual([
        '4242/attempts/1',
        '45/attempts/1',
        '45',
        '46/attempts/1',
        '46',
      ]);
      expect(live(sim)).toEqual([name('45.1')]);
      expect(step.outputs).toEqual({ orphans: '1', revoked: '1' });
      expect(step.warnings).toEqual([
        expect.stringMatching(
          new RegExp(
            `^Keeping Domo API client "${name('45.1')}" \\(id \\d+\\): GitHub answered 404 for the run attempt, but shows run 45 \\(completed\\); it is revoked once GitHub agrees\\.$`,
          ),
        ),
      ]);
      expectClean(sim, step);
    });
  });

  test('access tokens login mode left are swept like API clients, in one report', async () => {
    await withSimulator({}, async (sim) => {
      sim.set({ githubRuns: { '4242.1': 'in_progress', '41.1': 'completed', '43.1': 'queued' } });
      const [orphan, running, byHand, foreign] = sim.addAccessTokens([
        { name: name('41.1') },
        { name: name('43.1') },
        { name: 'made by hand' },
        { name: name('41.1', 'build', 'a1b2c3', 'octo-org/octo-repo-two') },
      ]);
      sim.addClients([{ name: name('41.1', 'deploy', 'ffffff'), description: desc('41') }]);
      const step = await runStep({ inputs: sweepInputs(sim), env: env(sim) });
      expect(step.exitCode).toBe(0);
      expect(step.outputs).toEqual({ orphans: '2', revoked: '2' });
      expect(sim.accessTokens.filter((t) => !t.deleted).map((t) => t.id)).toEqual([
        running!.id,
        byHand!.id,
        foreign!.id,
      ]);
      expect(live(sim)).toEqual([]);
      // Its log, line by line: logs.e2e.test.ts.
      const summary = summaryText(step.summary);
      expect(summary).toContain('access token');
      expect(summary).toContain('API client');
      // Asked once for run 41's attempt, though two of its leftovers were found.
      expect(githubAsked(sim)).toEqual(['4242/attempts/1', '41/attempts/1', '43/attempts/1']);
      expectClean(sim, step, ...[orphan, running, byHand, foreign].map(() => step));
      expectNoLeaks(step, [orphan!.token, running!.token]);
    });
  });

  test('access tokens the credential may not list (403): a warning naming the grant; the API clients are still swept', async () => {
    await withSimulator({}, async (sim) => {
      sim.set({ githubRuns: { '4242.1': 'in_progress', '41.1': 'completed' } });
      sim.addClients([{ name: name('41.1'), description: desc('41'), user: 1002 }]);
      const step = await runStep({
        inputs: { ...sweepInputs(sim), 'developer-token': 'sim-grantless-token' },
        env: env(sim),
      });
      expect(step.exitCode).toBe(0);
      expect(step.warnings).toEqual([
        expect.stringContaining('the access tokens login mode mints were not swept'),
      ]);
      expect(step.warnings[0]).toContain('Manage all access tokens');
      expect(step.outputs).toEqual({ orphans: '1', revoked: '1' });
      expectNoLeaks(step, ['sim-grantless-token']);
    });
  });
});
