/**
 * Provision mode, end to end: main and post bundles run as the runner runs them (state handed
 * over as STATE_* variables), against the simulator: each session source, each failure the
 * contract names, revocation and its fallback, and the number of clients created.
 */
import { describe, expect, test } from '@jest/globals';
import { runJob, runStep } from '../../dev/runner.mjs';
import { basic, expectFailure, expectNoLeaks, withSimulator, type Simulator } from './helpers.js';

const DEFAULT_NAME = 'github-actions octo-org/octo-repo run 4242';
const routes = (sim: Simulator) => sim.requests.map((r) => `${r.method} ${r.route}`);
const passwordInputs = (sim: Simulator) => ({
  mode: 'provision',
  instance: sim.url,
  'api-url': sim.url,
  username: 'ci@acme.example',
  password: 'sim-password',
  scope: 'data user',
});

describe('provision mode: the three session sources', () => {
  test('password sign-on → client → token; the post step revokes the client (debug on)', async () => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({ inputs: passwordInputs(sim), debug: true });
      expect(main.exitCode).toBe(0);
      expect(main.errors).toEqual([]);
      expect(sim.clients).toHaveLength(1);
      const client = sim.clients[0]!;

      const signon = sim.requests.find((r) => r.route === 'signon')!;
      expect(signon.headers.origin).toBe(sim.url);
      expect(signon.headers['content-type']).toBe('application/json');
      expect(signon.json).toEqual({
        method: 'password',
        emailAddress: 'ci@acme.example',
        password: 'sim-password',
      });

      const create = sim.requests.find((r) => r.route === 'create-client')!;
      const sessionToken = create.headers['x-domo-authentication']!;
      expect(create.headers['x-domo-customerdomain']).toBe('127.0.0.1');
      expect(create.json).toEqual({ name: DEFAULT_NAME, scope: ['data', 'user'] });

      const token = sim.requests.find((r) => r.route === 'token')!;
      expect(token.headers.authorization).toBe(
        `Basic ${basic(client.client_id, client.client_secret)}`,
      );
      expect(token.query).toEqual({ grant_type: 'client_credentials', scope: 'data user' });

      expect(main.masks).toEqual(
        expect.arrayContaining([
          'sim-password',
          sessionToken,
          client.client_secret,
          main.outputs['access-token'],
        ]),
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
      expect(Object.values(main.outputs)).not.toContain(sessionToken);
      expect(main.summary).toContain(client.client_id);

      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      expect(post.stdout).toContain(
        `Revoked Domo API client "${DEFAULT_NAME}" (${client.client_id}).`,
      );
      expect(client.deleted).toBe(true);
      const del = sim.requests.find((r) => r.route === 'delete-client')!;
      expect(del.path).toBe(`/clients/${client.client_id}`);
      expect(del.headers['x-domo-authentication']).toBe(sessionToken);
      expect(del.headers['x-domo-customerdomain']).toBe('127.0.0.1');

      expectNoLeaks(main, [sessionToken]);
      expectNoLeaks(post, [sessionToken, client.client_secret]);
    });
  });

  test('a session token is used as it is: no sign-on', async () => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({
        inputs: {
          mode: 'provision',
          instance: sim.url,
          'api-url': sim.url,
          'session-token': 'sim-session-token',
          'client-name': 'deploy bot',
        },
      });
      expect(main.exitCode).toBe(0);
      expect(routes(sim)).toEqual(['POST create-client', 'GET token', 'DELETE delete-client']);
      expect(sim.requests[0]!.headers['x-domo-authentication']).toBe('sim-session-token');
      expect(sim.clients.map((c) => [c.name, c.deleted])).toEqual([['deploy bot', true]]);
      expectNoLeaks(main);
      expectNoLeaks(post, [main.outputs['client-secret']!]);
    });
  });

  test('an SSO cookie: exptoken sign-on with Cookie: _dsidv1', async () => {
    await withSimulator({}, async (sim) => {
      const { main } = await runJob({
        inputs: {
          mode: 'provision',
          instance: sim.url,
          'api-url': sim.url,
          'session-cookie': 'sim-dsid-cookie',
        },
      });
      expect(main.exitCode).toBe(0);
      const signon = sim.requests.find((r) => r.route === 'signon')!;
      expect(signon.json).toEqual({ method: 'exptoken' });
      expect(signon.headers.cookie).toBe('_dsidv1=sim-dsid-cookie');
      expect(signon.headers.origin).toBe(sim.url);
      expect(sim.clients.map((c) => c.deleted)).toEqual([true]);
      expectNoLeaks(main, [
        sim.requests.find((r) => r.route === 'create-client')!.headers['x-domo-authentication']!,
      ]);
    });
  });
});

describe('provision mode: sign-on and input failures create nothing', () => {
  test.concurrent.each<[string, (sim: Simulator) => Record<string, string>, RegExp, number]>([
    [
      'a wrong password (200, success: false)',
      (sim) => ({ ...passwordInputs(sim), password: 'wrong-password' }),
      /Domo refused the sign-on \(INVALID_CREDENTIALS\)\. Check `username` and `password`/,
      1,
    ],
    [
      'a locked account',
      (sim) => ({ ...passwordInputs(sim), username: 'locked@acme.example' }),
      /\(ACCOUNT_LOCKED\)\. The Domo account is locked/,
      1,
    ],
    [
      'an expired cookie',
      (sim) => ({
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        'session-cookie': 'stale-cookie',
      }),
      /\(INVALID_TOKEN\)\. The `_dsidv1` cookie has expired/,
      1,
    ],
    [
      'an unknown session token',
      (sim) => ({
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        'session-token': 'not-a-session',
      }),
      /Domo client creation \(POST \/clients\) failed: HTTP 401 \(Full authentication is required to access this resource\)\. The Domo session is not valid/,
      1,
    ],
    [
      'two session sources',
      (sim) => ({ ...passwordInputs(sim), 'session-token': 'sim-session-token' }),
      /Input `session-token` conflicts with `username` \+ `password`/,
      0,
    ],
    [
      'no session source',
      (sim) => ({ mode: 'provision', instance: sim.url, 'api-url': sim.url }),
      /Input `session-token` is missing: provision mode needs exactly one Domo session source/,
      0,
    ],
    [
      'no instance',
      (sim) => ({ mode: 'provision', 'api-url': sim.url, 'session-token': 'sim-session-token' }),
      /Input `instance` is required in provision mode/,
      0,
    ],
    [
      'password without username',
      (sim) => ({
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        password: 'hunter2-pw',
      }),
      /Input `username` is required with `password`/,
      0,
    ],
  ])('%s', async (_, inputs, message, requests) => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({ inputs: inputs(sim) });
      expectFailure(main, message);
      expect(sim.requests).toHaveLength(requests);
      expect(sim.clients).toEqual([]);
      expect(main.savedState).toEqual({});
      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      expectNoLeaks(main, ['wrong-password', 'stale-cookie', 'not-a-session']);
      expectNoLeaks(post);
    });
  });
});

describe('provision mode: never a duplicate client', () => {
  test.concurrent.each<[string, Parameters<Simulator['fault']>[1], boolean, number]>([
    [
      'Domo created it, then the connection reset',
      { kind: 'act-then-fail', then: 'reset' },
      false,
      1,
    ],
    ['Domo created it, then answered 500', { kind: 'act-then-fail', then: 500 }, false, 1],
    ['Domo created it, then answered 504', { kind: 'act-then-fail', then: 504 }, false, 1],
    ['503 (turned away): retried once', { kind: 'status', status: 503 }, true, 2],
    ['429 (turned away): retried once', { kind: 'retry-after', value: '1' }, true, 2],
    ['500 before acting: still not retried', { kind: 'status', status: 500 }, false, 1],
  ])('%s', async (_, fault, ok, posts) => {
    await withSimulator({}, async (sim) => {
      sim.fault('create-client', fault);
      const { main, post } = await runJob({ inputs: { ...passwordInputs(sim), retries: '2' } });
      expect(sim.requests.filter((r) => r.route === 'create-client')).toHaveLength(posts);
      expect(sim.clients.length).toBeLessThanOrEqual(1);
      if (ok) {
        expect(main.exitCode).toBe(0);
        expect(sim.clients.map((c) => c.deleted)).toEqual([true]);
      } else {
        expectFailure(
          main,
          `Domo may have created the client "${DEFAULT_NAME}" anyway; it was not retried, to avoid a duplicate.`,
        );
        expect(main.savedState).toEqual({});
      }
      expect(post.exitCode).toBe(0);
      expectNoLeaks(
        main,
        sim.clients.map((c) => c.client_secret),
      );
      expectNoLeaks(
        post,
        sim.clients.map((c) => c.client_secret),
      );
    });
  });
});

describe('provision mode: the post step', () => {
  test('the token call fails after the client exists: the job fails, the post step still revokes it', async () => {
    await withSimulator({}, async (sim) => {
      sim.fault('token', { kind: 'status', status: 401, times: Infinity });
      const { main, post } = await runJob({ inputs: passwordInputs(sim) });
      expectFailure(main, /Domo token request failed: HTTP 401/);
      expect(sim.clients.map((c) => c.deleted)).toEqual([true]);
      expect(post.exitCode).toBe(0);
      expectNoLeaks(main, [sim.clients[0]!.client_secret]);
    });
  });

  test.each<[string, 404 | 405]>([
    ['404', 404],
    ['405', 405],
  ])(
    'DELETE /clients answers %s: revoked through the instance developer-tokens API',
    async (_, status) => {
      await withSimulator({ clientDelete: status }, async (sim) => {
        const { main, post } = await runJob({ inputs: passwordInputs(sim) });
        expect(main.exitCode).toBe(0);
        expect(routes(sim).slice(-3)).toEqual([
          'DELETE delete-client',
          'GET list-dev-tokens',
          'DELETE delete-dev-token',
        ]);
        const client = sim.clients[0]!;
        expect(sim.requests.at(-1)!.path).toBe(
          `/api/identity/v1/developer-tokens/${client.tokenId}`,
        );
        expect(client.deleted).toBe(true);
        expect(post.stdout).toContain(`(developer token ${client.tokenId})`);
        expect(post.warnings).toEqual([]);
        expectNoLeaks(post, [client.client_secret]);
      });
    },
  );

  test.each<[string, (sim: Simulator) => void, RegExp]>([
    [
      'the fallback list fails',
      (sim) => {
        sim.set({ clientDelete: 405 });
        sim.fault('list-dev-tokens', { kind: 'status', status: 500, times: Infinity });
      },
      /Domo developer-token list .* failed after 2 attempts: HTTP 500/,
    ],
    [
      'the deletion is refused',
      (sim) => sim.fault('delete-client', { kind: 'status', status: 403, times: Infinity }),
      /Domo client deletion .* failed: HTTP 403/,
    ],
    [
      'Domo is unreachable in the post step',
      (sim) => sim.fault('delete-client', { kind: 'reset', times: Infinity }),
      /after 2 attempts: connection to 127\.0\.0\.1:\d+ broken/,
    ],
  ])(
    '%s: one warning naming the client, and the job is not failed',
    async (_, arrange, message) => {
      await withSimulator({}, async (sim) => {
        const main = await runStep({ inputs: { ...passwordInputs(sim), retries: '1' } });
        expect(main.exitCode).toBe(0);
        arrange(sim);
        const post = await runStep({
          entry: 'dist/post/index.js',
          inputs: { ...passwordInputs(sim), retries: '1' },
          state: main.savedState,
        });
        const client = sim.clients[0]!;
        expect(post.exitCode).toBe(0);
        expect(post.errors).toEqual([]);
        expect(post.warnings).toHaveLength(1);
        expect(post.warnings[0]).toContain(
          `Could not revoke Domo API client "${DEFAULT_NAME}" (${client.client_id})`,
        );
        expect(post.warnings[0]).toMatch(message);
        expect(post.warnings[0]).toContain('Revoke it by hand');
        expect(client.deleted).toBe(false);
        expectNoLeaks(post, [client.client_secret, main.savedState['session-token']!]);
      });
    },
  );

  test('delete-client false: the client stays, and the session is not kept', async () => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({
        inputs: { ...passwordInputs(sim), 'delete-client': 'false' },
      });
      expect(main.exitCode).toBe(0);
      expect(main.savedState['session-token']).toBe('');
      expect(sim.clients.map((c) => c.deleted)).toEqual([false]);
      expect(post.stdout).toContain('in place, as delete-client is false');
      expect(sim.requests.filter((r) => r.route === 'delete-client')).toEqual([]);
    });
  });
});
