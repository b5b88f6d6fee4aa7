/**
 * Sweep mode, in-process: which clients are candidates (a table of near misses), and the story
 * of one sweep against GitHub and Domo faked with nock, with a fake clock.
 */
import { beforeEach, describe, expect, test } from '@jest/globals';
import nock from './helpers/nock.js';
import { inProcess } from './helpers/inprocess.js';
import { summaryText } from '../dev/runner.mjs';

const { candidateOf } = await import('../src/stories/sweep.js');
const { clientDescription, defaultName: defaultClientName } = await import('../src/names.js');
const { run } = await import('../src/main.js');
import type { GitHubRun } from '../src/config.js';
import type { ListedClient } from '../src/domo/developerTokens.js';

const RUN: GitHubRun = {
  repository: 'acme/site',
  serverUrl: 'https://github.com',
  apiUrl: 'https://api.github.com',
  runId: '900',
  attempt: '1',
};
const desc = (runId: string, repo = 'acme/site', server = 'https://github.com') =>
  `Created by domo-auth for ${server}/${repo}/actions/runs/${runId}; revoked when the job ends.`;
const entry = (name: string | undefined, description: string | undefined): ListedClient => ({
  id: '1',
  shownId: '1',
  clientId: 'cid',
  name,
  description,
});

describe("candidateOf: only provision mode's own clients for this repository", () => {
  test.each<
    [string, string | undefined, string | undefined, string | undefined, Partial<GitHubRun>?]
  >([
    [
      'the default name and description',
      'github-actions acme/site run 41.1 build 0a1b2c',
      desc('41'),
      '41.1',
    ],
    ['attempt 3', 'github-actions acme/site run 41.3 build 0a1b2c', desc('41'), '41.3'],
    [
      'attempt 12 of a long run id',
      'github-actions acme/site run 12345678901.12 deploy ffffff',
      desc('12345678901'),
      '12345678901.12',
    ],
    [
      'a job id with - _ and .',
      'github-actions acme/site run 41.1 build-1_x.y 000000',
      desc('41'),
      '41.1',
    ],
    [
      'a repository with . - _',
      'github-actions my.org/we-b_site.io run 7.1 b 123abc',
      desc('7', 'my.org/we-b_site.io'),
      '7.1',
      { repository: 'my.org/we-b_site.io' },
    ],
    [
      'a GitHub Enterprise Server',
      'github-actions acme/site run 41.1 build 0a1b2c',
      desc('41', 'acme/site', 'https://ghe.example'),
      '41.1',
      { serverUrl: 'https://ghe.example' },
    ],
    [
      'another repository',
      'github-actions acme/site-two run 41.1 build 0a1b2c',
      desc('41', 'acme/site-two'),
      undefined,
    ],
    [
      'a repository that only starts like it',
      'github-actions acme/sitex run 41.1 build 0a1b2c',
      desc('41', 'acme/sitex'),
      undefined,
    ],
    [
      'this repository as a suffix',
      'github-actions org/acme/site run 41.1 build 0a1b2c',
      desc('41', 'org/acme/site'),
      undefined,
    ],
    [
      'a repository whose dot would match any character',
      'github-actions myXorg/site run 7.1 b 123abc',
      desc('7', 'myXorg/site'),
      undefined,
      { repository: 'my.org/site' },
    ],
    [
      'another owner',
      'github-actions acme2/site run 41.1 build 0a1b2c',
      desc('41', 'acme2/site'),
      undefined,
    ],
    [
      'the repository in another case',
      'github-actions ACME/site run 41.1 build 0a1b2c',
      desc('41', 'ACME/site'),
      undefined,
    ],
    ['a custom name', 'deploy client', desc('41'), undefined],
    ['no name', undefined, desc('41'), undefined],
    [
      'upper-case hex digits',
      'github-actions acme/site run 41.1 build 0A1B2C',
      desc('41'),
      undefined,
    ],
    ['five hex digits', 'github-actions acme/site run 41.1 build 0a1b2', desc('41'), undefined],
    ['seven hex digits', 'github-actions acme/site run 41.1 build 0a1b2c3', desc('41'), undefined],
    ['no attempt', 'github-actions acme/site run 41 build 0a1b2c', desc('41'), undefined],
    [
      'more before the run id',
      'github-actions acme/site run x 41.1 build 0a1b2c',
      desc('41'),
      undefined,
    ],
    [
      'a run id that is not a number',
      'github-actions acme/site run local.1 build 0a1b2c',
      desc('local'),
      undefined,
    ],
    [
      'a job name with a space',
      'github-actions acme/site run 41.1 my job 0a1b2c',
      desc('41'),
      undefined,
    ],
    ['no job', 'github-actions acme/site run 41.1 0a1b2c', desc('41'), undefined],
    [
      'something after the suffix',
      'github-actions acme/site run 41.1 build 0a1b2c x',
      desc('41'),
      undefined,
    ],
    ['a leading space', ' github-actions acme/site run 41.1 build 0a1b2c', desc('41'), undefined],
    ['a trailing space', 'github-actions acme/site run 41.1 build 0a1b2c ', desc('41'), undefined],
    ['two spaces', 'github-actions  acme/site run 41.1 build 0a1b2c', desc('41'), undefined],
    ['no description', 'github-actions acme/site run 41.1 build 0a1b2c', undefined, undefined],
    ['an empty description', 'github-actions acme/site run 41.1 build 0a1b2c', '', undefined],
    [
      'delete-client: false',
      'github-actions acme/site run 41.1 build 0a1b2c',
      'Created by domo-auth for https://github.com/acme/site/actions/runs/41; kept after the job ends (delete-client: false).',
      undefined,
    ],
    [
      'another run in the description',
      'github-actions acme/site run 41.1 build 0a1b2c',
      desc('42'),
      undefined,
    ],
    [
      'another repository in the description',
      'github-actions acme/site run 41.1 build 0a1b2c',
      desc('41', 'acme/site-two'),
      undefined,
    ],
    [
      'another server in the description',
      'github-actions acme/site run 41.1 build 0a1b2c',
      desc('41', 'acme/site', 'https://ghe.example'),
      undefined,
    ],
    [
      'a description without its full stop',
      'github-actions acme/site run 41.1 build 0a1b2c',
      desc('41').slice(0, -1),
      undefined,
    ],
    [
      'a description with more after it',
      'github-actions acme/site run 41.1 build 0a1b2c',
      `${desc('41')} `,
      undefined,
    ],
    [
      'a description made outside GitHub Actions',
      'github-actions acme/site run 41.1 build 0a1b2c',
      'Created by domo-auth outside GitHub Actions; revoked when the job ends.',
      undefined,
    ],
  ])('%s', (_, name, description, expected, run = {}) => {
    const made = candidateOf(entry(name, description), { ...RUN, ...run });
    expect(made && `${made.runId}.${made.attempt}`).toBe(expected);
  });
});

test.each<[string, NodeJS.ProcessEnv]>([
  ['github.com', { GITHUB_SERVER_URL: 'https://github.com' }],
  ['GitHub Enterprise Server', { GITHUB_SERVER_URL: 'https://ghe.example/' }],
  ['no GITHUB_SERVER_URL', {}],
])(
  'what provision mode writes for a client it revokes is a candidate, on %s; kept clients are not',
  (_, server) => {
    const env: NodeJS.ProcessEnv = {
      GITHUB_REPOSITORY: 'acme/site',
      GITHUB_RUN_ID: '41',
      GITHUB_RUN_ATTEMPT: '3',
      GITHUB_JOB: 'deploy',
      ...server,
    };
    const run = {
      ...RUN,
      serverUrl: (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/$/, ''),
    };
    for (const draw of [0, 0.5, 0.999999]) {
      const made = entry(
        defaultClientName(env, () => draw),
        clientDescription(env, true),
      );
      expect(candidateOf(made, run)).toEqual({ runId: '41', attempt: '3' });
      const kept = entry(
        defaultClientName(env, () => draw),
        clientDescription(env, false),
      );
      expect(candidateOf(kept, run)).toBeUndefined();
    }
  },
);

// ---------------------------------------------------------------------------------------------
// The story, in-process
// ---------------------------------------------------------------------------------------------

const GITHUB = 'https://api.github.test';
const INSTANCE = 'https://acme.domo.test';
const LIST = '/api/identity/v1/developer-tokens';
const TOKENS = '/api/data/v1/accesstokens';
const runPath = (id: string, attempt: string) =>
  `/repos/acme/site/actions/runs/${id}/attempts/${attempt}`;
const name = (run: string, suffix = 'abcdef') =>
  `github-actions acme/site run ${run} build ${suffix}`;
const listed = (id: number, run: string, suffix?: string) => ({
  id,
  name: name(run, suffix),
  clientId: `cid-${id}`,
  description: desc(run.split('.')[0]!),
});

const h = inProcess({
  env: {
    GITHUB_REPOSITORY: 'acme/site',
    GITHUB_RUN_ID: '900',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: GITHUB,
  },
  // Sweep mode needs no GITHUB_ENV or GITHUB_STATE.
  files: ['output', 'summary'],
  start: 0,
});
const { deps, sleeps, outputs, named } = h;

beforeEach(() => {
  h.setInputs({
    mode: 'sweep',
    instance: INSTANCE,
    'developer-token': 'dev-SECRET',
    'github-token': 'ghs_SECRET',
    retries: '1',
  });
  // No access tokens unless a test says otherwise: these tests are about API clients.
  nock(INSTANCE).persist().get(TOKENS).optionally().reply(200, []);
});

const github = () =>
  nock(GITHUB, {
    reqheaders: {
      authorization: 'Bearer ghs_SECRET',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': /./,
    },
  });
const domo = () => nock(INSTANCE, { reqheaders: { 'x-domo-developer-token': 'dev-SECRET' } });
/** GitHub shows the current run in progress, then answers once for the given run attempt. */
const githubSays = (run: string, status: number, body: nock.Body) => {
  const [id, attempt] = run.split('.') as [string, string];
  github()
    .get(runPath('900', '1'))
    .reply(200, { status: 'in_progress' })
    .get(runPath(id, attempt))
    .reply(status, body);
};

describe('sweep', () => {
  test('revokes the clients of finished and deleted runs, keeps the rest, asks once per attempt', async () => {
    github()
      .get(runPath('900', '1'))
      .reply(200, { status: 'in_progress' })
      .get(runPath('41', '1'))
      .reply(200, { status: 'completed', conclusion: 'failure' })
      .get(runPath('42', '2'))
      .reply(404, { message: 'Not Found' })
      // One 404 is not enough: the run itself is gone too.
      .get('/repos/acme/site/actions/runs/42')
      .reply(404, { message: 'Not Found' })
      .get(runPath('43', '1'))
      .reply(200, { status: 'queued' });
    const before = [
      listed(1, '41.1'),
      listed(2, '41.1', '123456'),
      listed(3, '42.2'),
      listed(4, '43.1'),
      listed(5, '900.1'),
      { id: 6, name: 'custom', description: desc('41') },
    ];
    domo()
      .get(LIST)
      .reply(200, before)
      .delete(`${LIST}/1`)
      .reply(204)
      .delete(`${LIST}/2`)
      .reply(204)
      .delete(`${LIST}/3`)
      .reply(204)
      .get(LIST)
      .reply(200, [before[3], before[4], before[5]]);

    await run(deps);

    expect(named('error')).toEqual([]);
    expect(outputs()).toEqual({ orphans: '3', revoked: '3' });
    expect(nock.isDone()).toBe(true);
    const lines = h.stdout.split('\n').filter((l) => l.startsWith('Orphaned'));
    expect(lines).toEqual([
      `Orphaned Domo API client "${name('41.1')}" (id 1), run https://github.com/acme/site/actions/runs/41/attempts/1 completed: revoked.`,
      `Orphaned Domo API client "${name('41.1', '123456')}" (id 2), run https://github.com/acme/site/actions/runs/41/attempts/1 completed: revoked.`,
      `Orphaned Domo API client "${name('42.2')}" (id 3), run https://github.com/acme/site/actions/runs/42/attempts/2 deleted: revoked.`,
    ]);
    const summary = summaryText(h.summary());
    expect(summary).toContain('kept: run not finished');
    expect(h.summary()).toContain(
      '<a href="https://github.com/acme/site/actions/runs/43/attempts/1">',
    );
    expect(h.stdout.replace(/^::add-mask::.*$/gm, '')).not.toMatch(/dev-SECRET|ghs_SECRET/);
    expect(h.stdout).toContain(
      `Keeping Domo API client "${name('43.1')}" (id 4): its run https://github.com/acme/site/actions/runs/43/attempts/1 is queued.`,
    );
  });

  test.each<[string, number, Record<string, string>, RegExp]>([
    ['401', 401, {}, /GitHub refused `github-token`/],
    ['403 without actions: read', 403, {}, /`permissions: actions: read`/],
    ['404', 404, {}, /GitHub answered 404 for the current run/],
  ])(
    'the current run answered %s: fails before any Domo call',
    async (_, status, headers, message) => {
      github().get(runPath('900', '1')).reply(status, { message: 'nope' }, headers);
      await run(deps);
      expect(named('error')).toHaveLength(1);
      expect(named('error')[0]).toMatch(message);
      expect(named('error')[0]).toContain(
        "Sweep mode revokes nothing unless `github-token` can read this repository's workflow runs: give the job `permissions: actions: read`",
      );
      expect(outputs()).toEqual({});
      expect(nock.isDone()).toBe(true);
    },
  );

  test("GitHub's spent rate limit is waited out until its reset, then asked again", async () => {
    github()
      .get(runPath('900', '1'))
      .reply(
        403,
        { message: 'API rate limit exceeded' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': '20',
        },
      )
      .get(runPath('900', '1'))
      .reply(200, { status: 'in_progress' });
    domo().get(LIST).reply(200, []);
    await run(deps);
    expect(named('error')).toEqual([]);
    expect(sleeps).toEqual([20_000 + 500]);
    expect(outputs()).toEqual({ orphans: '0', revoked: '0' });
  });

  test('a run GitHub does not answer for keeps its client, with a warning', async () => {
    github()
      .get(runPath('900', '1'))
      .reply(200, { status: 'in_progress' })
      .get(runPath('41', '1'))
      .times(2)
      .reply(502, 'Bad gateway');
    domo()
      .get(LIST)
      .reply(200, [listed(1, '41.1')]);
    await run(deps);
    expect(named('error')).toEqual([]);
    expect(named('warning')).toEqual([
      expect.stringMatching(
        /^Keeping Domo API client ".*" \(id 1\): GitHub did not say whether its run https:\/\/github.com\/acme\/site\/actions\/runs\/41\/attempts\/1 has finished\. GitHub run check .* HTTP 502/,
      ),
    ]);
    expect(outputs()).toEqual({ orphans: '0', revoked: '0' });
  });

  test('a dry run revokes nothing', async () => {
    githubSays('41.1', 200, { status: 'completed' });
    domo()
      .get(LIST)
      .reply(200, [listed(1, '41.1')]);
    process.env['INPUT_DRY-RUN'] = 'true';
    await run(deps);
    expect(outputs()).toEqual({ orphans: '1', revoked: '0' });
    expect(h.stdout).toContain(': would revoke (dry run).');
    expect(nock.isDone()).toBe(true);
  });

  test.each<[string, (scope: nock.Scope) => nock.Scope, string]>([
    [
      'a DELETE that fails, and the client is still listed',
      (s) =>
        s
          .delete(`${LIST}/1`)
          .reply(401, { message: 'expired' })
          .get(LIST)
          .reply(200, [listed(1, '41.1')]),
      'HTTP 401 (expired)',
    ],
    [
      'a DELETE that succeeds, and the client is still listed',
      (s) =>
        s
          .delete(`${LIST}/1`)
          .reply(204)
          .get(LIST)
          .reply(200, [listed(1, '41.1')]),
      'still listed after the DELETE',
    ],
    [
      'a list that cannot be read again',
      (s) => s.delete(`${LIST}/1`).reply(204).get(LIST).reply(401, { message: 'gone' }),
      'not confirmed: the list could not be read again',
    ],
  ])('%s: one error naming it; the outputs are still set', async (_, rest, why) => {
    githubSays('41.1', 200, { status: 'completed' });
    rest(
      domo()
        .get(LIST)
        .reply(200, [listed(1, '41.1')]),
    );
    await run(deps);
    expect(named('error')).toHaveLength(1);
    expect(named('error')[0]).toContain(
      `1 of 1 orphan(s) not revoked: API client "${name('41.1')}" (id 1): `,
    );
    expect(named('error')[0]).toContain(why);
    expect(outputs()).toEqual({ orphans: '1', revoked: '0' });
  });

  test('an orphan listed under an id that is not a number is not deleted', async () => {
    githubSays('41.1', 200, { status: 'completed' });
    const hostile = { ...listed(1, '41.1'), id: '../1' };
    domo().get(LIST).reply(200, [hostile]).get(LIST).reply(200, [hostile]);
    await run(deps);
    expect(named('error')[0]).toContain('under an id that is not a plain number ("../1")');
    expect(outputs()).toEqual({ orphans: '1', revoked: '0' });
    expect(nock.isDone()).toBe(true);
  });

  test.each<[number, string]>([
    [401, 'Domo refused the session source'],
    [403, 'use the credential your provision jobs use'],
    [404, 'HTTP 404 (Forbidden).'],
  ])('a list that cannot be read (%d) fails the step and sets no outputs', async (status, hint) => {
    // 404 has no advice of its own: the message ends with Domo's words.
    github().get(runPath('900', '1')).reply(200, { status: 'in_progress' });
    domo().get(LIST).reply(status, { message: 'Forbidden' });
    await run(deps);
    expect(named('error')).toEqual([
      expect.stringMatching(new RegExp(`^Domo API client list .* HTTP ${status} \\(Forbidden\\)`)),
    ]);
    expect(named('error')[0]).toContain(hint);
    if (status === 404) expect(named('error')[0]).toMatch(/HTTP 404 \(Forbidden\)\.$/);
    expect(outputs()).toEqual({});
  });

  test('with a session token, the instance API is asked with X-DOMO-Authentication', async () => {
    delete process.env['INPUT_DEVELOPER-TOKEN'];
    process.env['INPUT_SESSION-TOKEN'] = 'sess-SECRET';
    github().get(runPath('900', '1')).reply(200, { status: 'in_progress' });
    const scope = nock(INSTANCE, {
      reqheaders: { 'x-domo-authentication': 'sess-SECRET' },
      badheaders: ['x-domo-developer-token'],
    })
      .get(LIST)
      .reply(200, []);
    await run(deps);
    expect(named('error')).toEqual([]);
    scope.done();
  });

  test('two orphans not revoked: both named, each with why, in the log and the error', async () => {
    githubSays('41.1', 200, { status: 'completed' });
    const both = [listed(1, '41.1'), listed(2, '41.1', '222222')];
    domo()
      .get(LIST)
      .reply(200, both)
      .delete(`${LIST}/1`)
      .reply(403, { message: 'no' })
      .delete(`${LIST}/2`)
      .reply(403, { message: 'no' })
      .get(LIST)
      .reply(200, both);
    await run(deps);
    const why =
      'Domo API client revocation (DELETE /api/identity/v1/developer-tokens/{id}) failed: HTTP 403 (no).';
    expect(named('error')).toEqual([
      `2 of 2 orphan(s) not revoked: API client "${name('41.1')}" (id 1): ${why}; API client "${name('41.1', '222222')}" (id 2): ${why}. Revoke them by hand in ${INSTANCE}: Admin > Security > Access tokens.`,
    ]);
    expect(h.stdout).toContain(
      `Orphaned Domo API client "${name('41.1')}" (id 1), run https://github.com/acme/site/actions/runs/41/attempts/1 completed: not revoked (${why}).`,
    );
  });

  test('the summary: the run as a link named by its id and attempt; a status GitHub did not give is unknown', async () => {
    github()
      .get(runPath('900', '1'))
      .reply(200, { status: 'in_progress' })
      .get(runPath('41', '2'))
      .times(2)
      .reply(500, '');
    domo()
      .get(LIST)
      .reply(200, [listed(1, '41.2')]);
    await run(deps);
    const html = h.summary();
    expect(html).toContain(
      '<td><a href="https://github.com/acme/site/actions/runs/41/attempts/2">41 (attempt 2)</a></td><td>unknown</td><td>kept: GitHub did not answer</td>',
    );
  });

  test('an orphan under an unusable id that the list no longer shows counts as revoked, whatever else has no id', async () => {
    githubSays('41.1', 200, { status: 'completed' });
    const other = { name: 'someone else', description: 'x' };
    domo()
      .get(LIST)
      .reply(200, [{ ...listed(1, '41.1'), id: '1.5' }, other])
      .get(LIST)
      .reply(200, [other]);
    await run(deps);
    expect(named('error')).toEqual([]);
    expect(outputs()).toEqual({ orphans: '1', revoked: '1' });
  });

  test('an orphan still listed under its id, though renamed, is not revoked', async () => {
    githubSays('41.1', 200, { status: 'completed' });
    domo()
      .get(LIST)
      .reply(200, [listed(7, '41.1')])
      .delete(`${LIST}/7`)
      .reply(204)
      .get(LIST)
      .reply(200, [{ id: 7, name: 'renamed' }]);
    await run(deps);
    expect(named('error')[0]).toContain('still listed after the DELETE');
    expect(outputs()).toEqual({ orphans: '1', revoked: '0' });
  });
});
