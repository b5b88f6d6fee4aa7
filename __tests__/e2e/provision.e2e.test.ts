/**
 * Provision mode, end to end: the main and post bundles run as the runner runs them (state
 * handed over as STATE_* variables) against the simulator: each of the four session sources,
 * unique client names across a matrix, a re-run and two steps in one job, every failure the
 * contract names, and revocation through the instance's list of API clients, confirmed by a
 * fresh list. Every test checks that nothing secret leaked, and that DELETE /clients/{id}
 * (which nothing public uses) is never sent.
 */
import { describe, expect, test } from '@jest/globals';
import { action, runJob, runStep } from '../../dev/runner.mjs';
import type { StepResult } from '../../dev/runner.mjs';
import {
  basic,
  expectFailure,
  expectNoLeaks,
  SOURCES,
  withSimulator,
  type Simulator,
  type Source,
} from './helpers.js';

const NAME = /^github-actions octo-org\/octo-repo run 4242\.1 \S+ [0-9a-f]{6}$/;
const DESCRIPTION =
  'Created by domo-auth for https://github.com/octo-org/octo-repo/actions/runs/4242; revoked when the job ends.';
const LIST = '/api/identity/v1/developer-tokens';
const routes = (sim: Simulator) => sim.requests.map((r) => `${r.method} ${r.route}`);

const inputs = (
  sim: Simulator,
  source: Source = 'password',
  extra: Record<string, string> = {},
) => ({
  mode: 'provision',
  instance: sim.url,
  'api-url': sim.url,
  scope: 'data user',
  ...SOURCES[source],
  ...extra,
});

/** Every credential a session-based run may have seen, for the leak check. */
const sessionsOf = (sim: Simulator): string[] =>
  sim.requests.map((r) => r.headers['x-domo-authentication']).filter((s): s is string => !!s);

function expectNeverDeleteClients(sim: Simulator): void {
  expect(sim.requests.filter((r) => r.route === 'delete-client')).toEqual([]);
}

function expectClean(sim: Simulator, ...steps: StepResult[]): void {
  const extra = [
    ...sessionsOf(sim),
    ...sim.clients.map((c) => c.client_secret),
    'sim-developer-token',
  ];
  for (const step of steps) expectNoLeaks(step, extra);
  expectNeverDeleteClients(sim);
}

describe('provision mode: the four session sources', () => {
  test.each<[Source, string[], boolean]>([
    ['password', ['POST signon', 'POST create-client'], true],
    ['session-token', ['POST create-client'], false],
    ['session-cookie', ['POST signon', 'POST create-client'], false],
    ['developer-token', ['POST create-dev-token'], false],
  ])(
    '%s → new client → token; the post step revokes it and confirms with a fresh list',
    async (source, creation, debug) => {
      await withSimulator({}, async (sim) => {
        const { main, post } = await runJob({ inputs: inputs(sim, source), debug });
        expect(main.errors).toEqual([]);
        expect(main.exitCode).toBe(0);
        expect(sim.clients).toHaveLength(1);
        const client = sim.clients[0]!;
        expect(client.name).toMatch(NAME);
        expect(client.description).toBe(DESCRIPTION);
        expect(client.scope).toEqual(['data', 'user']);
        expect(client.via).toBe(source === 'developer-token' ? 'developer-token' : 'session');

        const byDeveloperToken = source === 'developer-token';
        // With a developer token the numeric id comes from creation: no list before the DELETE.
        const revocation = byDeveloperToken
          ? ['DELETE delete-dev-token', 'GET list-dev-tokens']
          : ['GET list-dev-tokens', 'DELETE delete-dev-token', 'GET list-dev-tokens'];
        expect(routes(sim)).toEqual([...creation, 'GET token', ...revocation]);

        const create = sim.requests.find((r) => r.route.startsWith('create'))!;
        if (byDeveloperToken) {
          expect(create.headers['x-domo-developer-token']).toBe('sim-developer-token');
          expect(create.json).toEqual({
            name: client.name,
            description: DESCRIPTION,
            scopes: ['data', 'user'],
          });
        } else {
          expect(create.headers['x-domo-customerdomain']).toBe('127.0.0.1');
          expect(create.json).toEqual({
            name: client.name,
            description: DESCRIPTION,
            scope: ['data', 'user'],
          });
        }
        const revoke = sim.requests.find((r) => r.route === 'delete-dev-token')!;
        expect(revoke.path).toBe(`${LIST}/${client.tokenId}`);
        // Revoked with the credential that created the client.
        const auth = byDeveloperToken ? 'x-domo-developer-token' : 'x-domo-authentication';
        expect(revoke.headers[auth]).toBe(create.headers[auth]);

        const token = sim.requests.find((r) => r.route === 'token')!;
        expect(token.headers.authorization).toBe(
          `Basic ${basic(client.client_id, client.client_secret)}`,
        );
        expect(main.outputs).toMatchObject({
          'client-id': client.client_id,
          'client-secret': client.client_secret,
          'token-type': 'bearer',
          scope: 'data user',
        });
        expect(main.exportedEnv).toEqual({
          DOMO_ACCESS_TOKEN: main.outputs['access-token'],
          DOMO_CLIENT_ID: client.client_id,
          DOMO_CLIENT_SECRET: client.client_secret,
        });
        expect(main.masks).toEqual(
          expect.arrayContaining([client.client_secret, main.outputs['access-token']]),
        );
        if (byDeveloperToken) expect(main.masks).toContain('sim-developer-token');
        for (const session of sessionsOf(sim))
          expect(Object.values(main.outputs)).not.toContain(session);

        expect(client.deleted).toBe(true);
        expect(post.exitCode).toBe(0);
        expect(post.warnings).toEqual([]);
        expect(post.stdout).toContain(
          `Revoked Domo API client "${client.name}" (${client.client_id}): ${sim.url.replace('::', ': :')} no longer lists it (id ${client.tokenId}).`,
        );
        expectClean(sim, main, post);
      });
    },
  );
});

describe('provision mode: names that never collide', () => {
  test('a matrix of four jobs in one run at once: four clients, four names, all revoked', async () => {
    await withSimulator({}, async (sim) => {
      const env = { GITHUB_JOB: 'deploy' }; // a matrix's jobs share the job id and the run id
      const jobs = await Promise.all(
        (['password', 'session-token', 'developer-token', 'developer-token'] as Source[]).map(
          (source) => runJob({ inputs: inputs(sim, source), env }),
        ),
      );
      for (const { main, post } of jobs) {
        expect(main.errors).toEqual([]);
        expect(post.warnings).toEqual([]);
      }
      expect(new Set(sim.clients.map((c) => c.name)).size).toBe(4);
      for (const c of sim.clients)
        expect(c.name).toMatch(
          /^github-actions octo-org\/octo-repo run 4242\.1 deploy [0-9a-f]{6}$/,
        );
      expect(sim.clients.every((c) => c.deleted)).toBe(true);
      expectClean(sim, ...jobs.flatMap((j) => [j.main, j.post]));
    });
  });

  test('a re-run while the first attempt left its client, and two provision steps in one job', async () => {
    await withSimulator({}, async (sim) => {
      const keep = { 'delete-client': 'false' };
      const first = await runStep({ inputs: inputs(sim, 'developer-token', keep) });
      const rerun = await runStep({
        inputs: inputs(sim, 'developer-token', keep),
        env: { GITHUB_RUN_ATTEMPT: '2' },
      });
      const second = await runStep({
        inputs: inputs(sim, 'developer-token', keep),
        env: { GITHUB_RUN_ATTEMPT: '2' },
      });
      for (const step of [first, rerun, second]) expect(step.errors).toEqual([]);
      const names = sim.clients.map((c) => c.name);
      expect(names[0]).toMatch(/ run 4242\.1 /);
      expect(names[1]).toMatch(/ run 4242\.2 /);
      expect(new Set(names).size).toBe(3);
      expect(sim.clients.every((c) => !c.deleted)).toBe(true);
      expect(sim.clients[0]!.description).toBe(
        'Created by domo-auth for https://github.com/octo-org/octo-repo/actions/runs/4242; kept after the job ends (delete-client: false).',
      );
      expectClean(sim, first, rerun, second);
    });
  });

  test.each<[Source]>([['session-token'], ['developer-token']])(
    'a client-name that is taken (%s): Domo answers 400, the error says so and what to do',
    async (source) => {
      await withSimulator({}, async (sim) => {
        const named = { 'client-name': 'deploy bot' };
        const first = await runStep({
          inputs: inputs(sim, source, { ...named, 'delete-client': 'false' }),
        });
        expect(first.exitCode).toBe(0);
        const { main, post } = await runJob({ inputs: inputs(sim, source, named) });
        expectFailure(
          main,
          /HTTP 400 \(A client named "deploy bot" already exists\)\. A Domo API client named "deploy bot" probably exists already: Domo refuses a second client of the same name\. Set another `client-name`, or leave it empty for a name unique to each run/,
        );
        expect(main.savedState).toEqual({}); // nothing to revoke
        expect(post.warnings).toEqual([]);
        expect(sim.clients).toHaveLength(1);
        expect(sim.clients[0]!.deleted).toBe(false);
        expectClean(sim, first, main, post);
      });
    },
  );
});

describe('provision mode: failures before a client exists create nothing', () => {
  test.concurrent.each<[string, (sim: Simulator) => Record<string, string>, RegExp, number]>([
    [
      'a wrong password (200, success: false)',
      (sim) => inputs(sim, 'password', { password: 'wrong-password' }),
      /Domo refused the sign-on \(INVALID_CREDENTIALS\)\. Check `username` and `password`/,
      1,
    ],
    [
      'a locked account',
      (sim) => inputs(sim, 'password', { username: 'locked@acme.example' }),
      /\(ACCOUNT_LOCKED\)\. The Domo account is locked/,
      1,
    ],
    [
      'an expired cookie',
      (sim) => inputs(sim, 'session-cookie', { 'session-cookie': 'stale-cookie' }),
      /\(INVALID_TOKEN\)\. The `_dsidv1` cookie has expired/,
      1,
    ],
    [
      'an unknown session token',
      (sim) => inputs(sim, 'session-token', { 'session-token': 'not-a-session' }),
      /Domo client creation \(POST \/clients\) failed: HTTP 401 \(Full authentication is required to access this resource\)\. The Domo session is not valid/,
      1,
    ],
    // A developer token refused on creation (an expired one, an owner without the grant):
    // refusal.e2e.test.ts.
    [
      'two session sources',
      (sim) => inputs(sim, 'password', { 'developer-token': 'sim-developer-token' }),
      /Input `developer-token` conflicts with `username` \+ `password`/,
      0,
    ],
    [
      'no session source',
      (sim) => ({ mode: 'provision', instance: sim.url, 'api-url': sim.url }),
      /Input `developer-token` is missing: provision mode needs exactly one Domo session source: `developer-token`, `session-token`, `username` \+ `password`, or `session-cookie`\./,
      0,
    ],
    [
      'no instance',
      (sim) => ({
        mode: 'provision',
        'api-url': sim.url,
        'developer-token': 'sim-developer-token',
      }),
      /Input `instance` is required in provision mode/,
      0,
    ],
    [
      'a cookie that would smuggle a second cookie',
      (sim) => inputs(sim, 'session-cookie', { 'session-cookie': 'sim-dsid-cookie; admin=1' }),
      /Input `session-cookie` must be the bare `_dsidv1` cookie value/,
      0,
    ],
  ])('%s', async (_, given, message, requests) => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({ inputs: given(sim) });
      expectFailure(main, message);
      expect(sim.requests).toHaveLength(requests);
      expect(sim.clients).toEqual([]);
      expect(main.savedState).toEqual({}); // nothing to revoke
      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      expect(main.stdout + main.stderr).not.toMatch(/may have created/);
      expectClean(sim, main, post);
      expectNoLeaks(main, [
        'wrong-password',
        'stale-cookie',
        'not-a-session',
        'expired-dev-token',
        'sim-grantless-token',
        'admin=1',
      ]);
    });
  });
});

describe('provision mode: never a duplicate client', () => {
  test.concurrent.each<[Source, string, Parameters<Simulator['fault']>[1], boolean, number]>([
    [
      'password',
      'Domo created it, then the connection reset',
      { kind: 'act-then-fail', then: 'reset' },
      false,
      1,
    ],
    [
      'password',
      'Domo created it, then answered 500',
      { kind: 'act-then-fail', then: 500 },
      false,
      1,
    ],
    [
      'developer-token',
      'Domo created it, then answered 504',
      { kind: 'act-then-fail', then: 504 },
      false,
      1,
    ],
    ['password', '503 (turned away): retried once', { kind: 'status', status: 503 }, true, 2],
    [
      'developer-token',
      '429 (turned away): retried once',
      { kind: 'retry-after', value: '1' },
      true,
      2,
    ],
    [
      'developer-token',
      '500 before acting: still not retried',
      { kind: 'status', status: 500 },
      false,
      1,
    ],
  ])('%s: %s', async (source, _, fault, ok, posts) => {
    await withSimulator({}, async (sim) => {
      const route = source === 'developer-token' ? 'create-dev-token' : 'create-client';
      sim.fault(route, fault);
      const { main, post } = await runJob({ inputs: inputs(sim, source, { retries: '2' }) });
      expect(sim.requests.filter((r) => r.route === route)).toHaveLength(posts);
      expect(sim.clients.length).toBeLessThanOrEqual(1);
      if (ok) {
        expect(main.exitCode).toBe(0);
        expect(sim.clients.map((c) => c.deleted)).toEqual([true]);
      } else {
        expectFailure(
          main,
          /Domo may have created the client "github-actions [^"]+" anyway; it was not retried, to avoid a duplicate\./,
        );
        expect(main.savedState).toEqual({}); // nothing to revoke
      }
      expect(post.exitCode).toBe(0);
      expectClean(sim, main, post);
    });
  });
});

describe('provision mode: the post step', () => {
  test('the token call fails after the client exists: the job fails, the post step still revokes it', async () => {
    await withSimulator({}, async (sim) => {
      sim.fault('token', { kind: 'status', status: 401, times: Infinity });
      const { main, post } = await runJob({ inputs: inputs(sim) });
      expectFailure(main, /Domo token request failed: HTTP 401/);
      expect(sim.clients.map((c) => c.deleted)).toEqual([true]);
      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      expectClean(sim, main, post);
    });
  });

  test.each<['array' | 'entries', 'full' | 'shortened']>([
    ['array', 'shortened'],
    ['entries', 'full'],
    ['entries', 'shortened'],
  ])(
    'the list as %s with %s client ids: found, revoked, confirmed',
    async (listShape, listClientIds) => {
      await withSimulator({ listShape, listClientIds }, async (sim) => {
        const { main, post } = await runJob({ inputs: inputs(sim, 'session-token') });
        const client = sim.clients[0]!;
        expect(main.exitCode).toBe(0);
        expect(client.deleted).toBe(true);
        expect(sim.requests.find((r) => r.route === 'delete-dev-token')!.path).toBe(
          `${LIST}/${client.tokenId}`,
        );
        expect(post.stdout).toContain(
          `Revoked Domo API client "${client.name}" (${client.client_id})`,
        );
        expect(post.warnings).toEqual([]);
        expectClean(sim, main, post);
      });
    },
  );

  test.each<[Source]>([['password'], ['developer-token']])(
    'a client revoked by someone else during the job (%s): "already gone", not a warning',
    async (source) => {
      await withSimulator({}, async (sim) => {
        const main = await runStep({ inputs: inputs(sim, source) });
        const client = sim.clients[0]!;
        client.deleted = true;
        const post = await runStep({
          entry: action.runs.post,
          inputs: inputs(sim, source),
          state: main.savedState,
        });
        expect(post.exitCode).toBe(0);
        expect(post.warnings).toEqual([]);
        expect(post.stdout).toMatch(
          new RegExp(
            `Domo API client "${client.name}" \\(${client.client_id}\\) is already gone: \\S+ no longer lists it`,
          ),
        );
        expect(post.stdout).not.toContain('Revoked');
        // With a session it looks first and sends no DELETE; with a developer token the DELETE
        // by the creation id answers 400, and a fresh list confirms.
        expect(sim.requests.filter((r) => r.route === 'delete-dev-token')).toHaveLength(
          source === 'developer-token' ? 1 : 0,
        );
        expectClean(sim, main, post);
      });
    },
  );

  test.each<[Source, number, RegExp]>([
    ['password', 204, /is still listed \(id \d+\) after the DELETE\. Revoke it by hand in /],
    [
      'developer-token',
      400,
      /is still listed \(id \d+\) after the DELETE \(Domo answered that it has no such id\)\. Revoke it by hand in /,
    ],
  ])(
    '%s: still listed after a DELETE that answered %i: a warning that says so',
    async (source, status, message) => {
      await withSimulator({}, async (sim) => {
        sim.fault('delete-dev-token', {
          kind: 'status',
          status,
          body: status === 204 ? undefined : { message: 'x' },
          times: Infinity,
        });
        const { main, post } = await runJob({ inputs: inputs(sim, source) });
        const client = sim.clients[0]!;
        expect(main.exitCode).toBe(0);
        expect(client.deleted).toBe(false);
        expect(post.exitCode).toBe(0);
        expect(post.warnings).toHaveLength(1);
        expect(post.warnings[0]).toMatch(
          new RegExp(`^Domo API client "${client.name}" \\(${client.client_id}\\) `),
        );
        expect(post.warnings[0]).toMatch(message);
        expect(post.warnings[0]).toContain('Admin > Security > Access tokens');
        expectClean(sim, main, post);
      });
    },
  );

  test.each<[string, Source, (sim: Simulator) => void, RegExp]>([
    [
      'the list fails',
      'password',
      (sim) => sim.fault('list-dev-tokens', { kind: 'status', status: 500, times: Infinity }),
      /Domo API client list \(GET \/api\/identity\/v1\/developer-tokens\) failed after 2 attempts: HTTP 500/,
    ],
    [
      'the DELETE is refused',
      'developer-token',
      (sim) => sim.fault('delete-dev-token', { kind: 'status', status: 403, times: Infinity }),
      /Domo API client revocation \(DELETE \/api\/identity\/v1\/developer-tokens\/\{id\}\) failed: HTTP 403/,
    ],
    [
      'Domo is unreachable in the post step',
      'session-token',
      (sim) => sim.fault('list-dev-tokens', { kind: 'reset', times: Infinity }),
      /after 2 attempts: connection to \S+ broken/,
    ],
  ])(
    '%s: one warning naming the client and how to revoke it by hand; the job is not failed',
    async (_, source, arrange, message) => {
      await withSimulator({}, async (sim) => {
        const main = await runStep({ inputs: inputs(sim, source, { retries: '1' }) });
        expect(main.exitCode).toBe(0);
        arrange(sim);
        const post = await runStep({
          entry: action.runs.post,
          inputs: inputs(sim, source),
          state: main.savedState,
        });
        const client = sim.clients[0]!;
        expect(post.exitCode).toBe(0);
        expect(post.errors).toEqual([]);
        expect(post.warnings).toHaveLength(1);
        expect(post.warnings[0]).toContain(
          `Could not revoke Domo API client "${client.name}" (${client.client_id}): `,
        );
        expect(post.warnings[0]).toMatch(message);
        expect(post.warnings[0]).toContain('Revoke it by hand in ');
        expect(client.deleted).toBe(false);
        expectClean(sim, main, post);
      });
    },
  );

  test('Domo echoing the created client secret in the post step: redacted there too', async () => {
    await withSimulator({}, async (sim) => {
      const main = await runStep({ inputs: inputs(sim, 'developer-token', { retries: '0' }) });
      const secret = main.outputs['client-secret']!;
      sim.fault('delete-dev-token', {
        kind: 'status',
        status: 403,
        body: {
          message: `not yours: ${secret} ${encodeURIComponent(secret)} ${JSON.stringify(secret)}`,
        },
      });
      const post = await runStep({
        entry: action.runs.post,
        inputs: inputs(sim, 'developer-token'),
        state: main.savedState,
      });
      expect(post.warnings).toHaveLength(1);
      expect(post.warnings[0]).toContain('not yours: ***');
      expectClean(sim, main, post);
    });
  });

  test('delete-client false: the client stays, and no credential is kept', async () => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({
        inputs: inputs(sim, 'developer-token', { 'delete-client': 'false' }),
      });
      expect(main.exitCode).toBe(0);
      expect(main.savedState.credential).toBe('');
      expect(sim.clients.map((c) => c.deleted)).toEqual([false]);
      expect(post.stdout).toContain('in place, as delete-client is false');
      expect(
        sim.requests.filter((r) => r.route !== 'create-dev-token' && r.route !== 'token'),
      ).toEqual([]);
      expectClean(sim, main, post);
    });
  });
});
