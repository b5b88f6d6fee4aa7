/**
 * The whole story of a run, in-process: inputs from INPUT_* variables, Domo faked with nock,
 * a fake clock (no real waits), and the runner's files read back.
 */
import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock, { socketError } from './helpers/nock.js';
// The runner emulator's parsers, so that these tests read files exactly as the e2e tests do.
import { parseCommands, parseFileCommands } from '../dev/runner.mjs';

const { run } = await import('../src/main.js');
const { cleanup } = await import('../src/cleanup.js');
const { resetMasks } = await import('../src/publish.js');
const { createTransport } = await import('../src/http.js');

const API = 'https://api.domo.test';
const INSTANCE = 'https://acme.domo.test';
const tokenAnswer = {
  access_token: 'tok-SECRET',
  customer: 'acmecompany',
  expires_in: 3599,
  role: 'Admin',
  scope: 'data',
  token_type: 'bearer',
  userId: 964382593,
};

let dir: string;
let stdout: string;
const savedEnv = { ...process.env };
const sleeps: number[] = [];
let now = Date.UTC(2026, 10, 23, 12, 0, 0);
const deps = {
  clock: {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  },
  random: () => 0.5,
  transport: (timeoutMs: number) => createTransport({ timeoutMs }),
};

function setInputs(inputs: Record<string, string>, state: Record<string, string> = {}): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('INPUT_') || key.startsWith('STATE_')) delete process.env[key];
  }
  for (const [name, value] of Object.entries(inputs))
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  for (const [name, value] of Object.entries(state)) process.env[`STATE_${name}`] = value;
}

const file = (name: string) => readFileSync(join(dir, name), 'utf8');
const outputs = () => parseFileCommands(file('output'));
const commands = () => parseCommands(stdout);
const errors = () => commands().filter((c: { name: string }) => c.name === 'error');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'domo-auth-main-'));
  for (const name of ['output', 'env', 'state', 'summary']) writeFileSync(join(dir, name), '');
  Object.assign(process.env, {
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_ENV: join(dir, 'env'),
    GITHUB_STATE: join(dir, 'state'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_REPOSITORY: 'octo-org/octo-repo',
    GITHUB_RUN_ID: '4242',
  });
  delete process.env.RUNNER_DEBUG;
  stdout = '';
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  sleeps.length = 0;
  resetMasks();
});

afterEach(() => {
  jest.restoreAllMocks();
  nock.cleanAll();
  rmSync(dir, { recursive: true, force: true });
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
  process.exitCode = undefined;
});

const tokenInputs = { 'client-id': 'cid', 'client-secret': 'csecret', 'api-url': API };

describe('token mode', () => {
  test('masks first, then sets every output, the env var and the summary', async () => {
    setInputs({ ...tokenInputs, scope: 'data' });
    nock(API)
      .get('/oauth/token')
      .query({ grant_type: 'client_credentials', scope: 'data' })
      .reply(200, tokenAnswer);
    await run(deps);

    const basic = Buffer.from('cid:csecret').toString('base64');
    const lines = stdout.split('\n').filter((line) => line && !line.startsWith('::debug::'));
    expect(lines.slice(0, 3)).toEqual([
      '::add-mask::csecret',
      `::add-mask::${basic}`,
      '::add-mask::tok-SECRET',
    ]);
    expect(outputs()).toEqual({
      'access-token': 'tok-SECRET',
      'token-type': 'bearer',
      'expires-in': '3599',
      'expires-at': '2026-11-23T12:59:59Z',
      scope: 'data',
      customer: 'acmecompany',
      'user-id': '964382593',
      role: 'Admin',
    });
    expect(parseFileCommands(file('env'))).toEqual({ DOMO_ACCESS_TOKEN: 'tok-SECRET' });
    expect(file('summary')).toContain('<td>Expires at (UTC)</td><td>2026-11-23T12:59:59Z</td>');
    expect(file('summary')).not.toContain('tok-SECRET');
    expect(process.exitCode).toBeUndefined();
  });

  test('each attempt is a debug line: method, URL, outcome and time, no credential', async () => {
    setInputs({ ...tokenInputs, scope: 'data', retries: '1' });
    nock(API).get('/oauth/token').query(true).reply(503, '');
    nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    const url = `${API}/oauth/token?grant_type=client_credentials&scope=data`;
    const debugLines = commands()
      .filter((c: { name: string }) => c.name === 'debug')
      .map((c: { message: string }) => c.message);
    expect(debugLines.filter((m: string) => m.startsWith('GET '))).toEqual([
      `GET ${url}: HTTP 503 in 0 ms`,
      `GET ${url}: HTTP 200 in 0 ms`,
    ]);
    expect(debugLines.join('\n')).not.toMatch(/csecret|tok-SECRET|Basic/);
  });

  test('export-env false, a custom env-var name and summary false', async () => {
    setInputs({ ...tokenInputs, 'export-env': 'false', summary: 'false' });
    nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    expect(file('env')).toBe('');
    expect(file('summary')).toBe('');
    expect(outputs()['access-token']).toBe('tok-SECRET');

    setInputs({ ...tokenInputs, 'env-var': 'MY_TOKEN' });
    nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    expect(parseFileCommands(file('env'))).toEqual({ MY_TOKEN: 'tok-SECRET' });
  });

  test.each([
    ['503 ×3, then success', [503, 503, 503, 200], '5', 4, [1000, 2000, 4000], true],
    ['429 with Retry-After: 3, then success', [429, 200], '5', 2, [3500], true],
    ['503 forever with retries 2', [503, 503, 503, 503], '2', 3, [1000, 2000], false],
    ['retries 0', [500, 200], '0', 1, [], false],
    ['401 at once', [401, 200], '5', 1, [], false],
  ])('%s', async (_, statuses, retries, requests, waits, ok) => {
    setInputs({ ...tokenInputs, retries });
    let count = 0;
    nock(API)
      .get('/oauth/token')
      .query(true)
      .times(statuses.length)
      .reply(() => {
        const status = statuses[count++]!;
        return status === 200
          ? [200, tokenAnswer]
          : [status, { message: `status ${status}` }, status === 429 ? { 'retry-after': '3' } : {}];
      });
    await run(deps);
    expect(count).toBe(requests);
    expect(sleeps).toEqual(waits);
    // One short line per retry: what failed and when the next try comes, not the final advice.
    const retryLines = stdout.split('\n').filter((l) => l.includes('Retrying'));
    expect(retryLines).toHaveLength(waits.length);
    retryLines.forEach((line, i) =>
      expect(line).toBe(
        `Domo token request: HTTP ${statuses[i]} (status ${statuses[i]}). ` +
          `Retrying in ${(waits[i]! / 1000).toFixed(1)} s (attempt ${i + 2} of ${Number(retries) + 1}).`,
      ),
    );
    expect(errors()).toHaveLength(ok ? 0 : 1);
    expect(process.exitCode).toBe(ok ? undefined : 1);
  });

  test('after a 405, GET is not tried again on retries', async () => {
    setInputs(tokenInputs);
    const seen: string[] = [];
    nock(API)
      .get('/oauth/token')
      .query(true)
      .times(5)
      .reply(() => (seen.push('GET'), [405, '']));
    nock(API)
      .post('/oauth/token')
      .times(2)
      .reply(() => (seen.push('POST'), seen.length < 3 ? [503, ''] : [200, tokenAnswer]));
    await run(deps);
    expect(seen).toEqual(['GET', 'POST', 'POST']);
    expect(outputs()['access-token']).toBe('tok-SECRET');
  });

  test('one ::error:: naming the input, before any request', async () => {
    setInputs({ 'client-id': 'cid', 'api-url': API });
    await run(deps);
    expect(errors().map((c: { message: string }) => c.message)).toEqual([
      'Input `client-secret` is required in token mode.',
    ]);
    expect(process.exitCode).toBe(1);
  });

  test('without GITHUB_OUTPUT it refuses rather than print the token', async () => {
    setInputs(tokenInputs);
    delete process.env.GITHUB_OUTPUT;
    const scope = nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    expect(errors()[0]?.message).toMatch(/did not provide GITHUB_OUTPUT/);
    expect(scope.isDone()).toBe(false);
    expect(stdout).not.toContain('tok-SECRET');
  });

  test('a stack trace only in debug mode, and never the secret', async () => {
    setInputs(tokenInputs);
    process.env.RUNNER_DEBUG = '1';
    nock(API)
      .get('/oauth/token')
      .query(true)
      .reply(200, { ...tokenAnswer, expires_in: 'never' });
    await run(deps);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]?.message).toMatch(/`expires_in` is missing, not a whole number/);
    expect(stdout).not.toMatch(/at .*\.ts:\d+/);
  });

  test('Domo echoing the secret back is redacted from the error', async () => {
    setInputs(tokenInputs);
    nock(API)
      .get('/oauth/token')
      .query(true)
      .reply(400, { error_description: 'bad client csecret' });
    await run(deps);
    expect(errors()[0]?.message).toContain('(bad client ***)');
  });
});

describe('provision mode', () => {
  const provisionInputs = {
    mode: 'provision',
    'api-url': API,
    instance: INSTANCE,
    username: 'ci@acme.example',
    password: 'pw-SECRET',
    scope: 'data user',
  };
  const created = {
    name: 'github-actions octo-org/octo-repo run 4242',
    scope: ['data', 'user'],
    client_id: 'cid-new',
    client_secret: 'csec-NEW',
  };

  test('sign-on → new client → token; state saved for the post step', async () => {
    setInputs(provisionInputs);
    nock(INSTANCE)
      .post('/api/content/v2/authentication')
      .reply(200, { success: true, sessionToken: 'sess-SECRET', userId: 7 });
    nock(API, {
      reqheaders: {
        'x-domo-authentication': 'sess-SECRET',
        'x-domo-customerdomain': 'acme.domo.test',
      },
    })
      .post('/clients', {
        name: 'github-actions octo-org/octo-repo run 4242',
        scope: ['data', 'user'],
      })
      .reply(200, created);
    nock(API, {
      reqheaders: { authorization: `Basic ${Buffer.from('cid-new:csec-NEW').toString('base64')}` },
    })
      .get('/oauth/token')
      .query({ grant_type: 'client_credentials', scope: 'data user' })
      .reply(200, tokenAnswer);
    await run(deps);

    expect(errors()).toEqual([]);
    const masks = commands()
      .filter((c: { name: string }) => c.name === 'add-mask')
      .map((c: { message: string }) => c.message);
    expect(masks).toEqual(
      expect.arrayContaining(['pw-SECRET', 'sess-SECRET', 'csec-NEW', 'tok-SECRET']),
    );
    expect(outputs()).toMatchObject({
      'client-id': 'cid-new',
      'client-secret': 'csec-NEW',
      'access-token': 'tok-SECRET',
    });
    expect(parseFileCommands(file('env'))).toEqual({
      DOMO_ACCESS_TOKEN: 'tok-SECRET',
      DOMO_CLIENT_ID: 'cid-new',
      DOMO_CLIENT_SECRET: 'csec-NEW',
    });
    expect(parseFileCommands(file('state'))).toMatchObject({
      'client-id': 'cid-new',
      'client-name': 'github-actions octo-org/octo-repo run 4242',
      'session-token': 'sess-SECRET',
      'delete-client': 'true',
    });
    expect(stdout.replace(/^::add-mask::.*$/gm, '')).not.toMatch(
      /pw-SECRET|sess-SECRET|csec-NEW|tok-SECRET/,
    );
  });

  test.each([
    ['503 (Domo surely did not act)', () => nock(API).post('/clients').reply(503, {}), 2, false],
    [
      'a refused connection',
      () => nock(API).post('/clients').replyWithError(socketError('ECONNREFUSED')),
      2,
      false,
    ],
    ['500 (ambiguous)', () => nock(API).post('/clients').reply(500, {}), 1, true],
    [
      'a reset (ambiguous)',
      () => nock(API).post('/clients').replyWithError(socketError('ECONNRESET')),
      1,
      true,
    ],
  ])('creation after %s', async (_, fault, posts, named) => {
    setInputs({
      ...provisionInputs,
      'session-token': 'sess-1',
      username: '',
      password: '',
      retries: '3',
    });
    let count = 0;
    fault().on('request', () => count++);
    nock(API)
      .post('/clients')
      .optionally()
      .reply(() => (count++, [200, created]));
    nock(API).get('/oauth/token').query(true).optionally().reply(200, tokenAnswer);
    await run(deps);
    expect(count).toBe(posts);
    expect(errors()).toHaveLength(named ? 1 : 0);
    if (named) {
      expect(errors()[0]?.message).toContain(
        'Domo may have created the client "github-actions octo-org/octo-repo run 4242" anyway; it was not retried',
      );
      expect(file('state')).toBe('');
    }
  });
});

describe('post step (cleanup)', () => {
  const state = {
    'client-id': 'cid-new',
    'client-name': 'ci bot',
    'session-token': 'sess-SECRET',
    'api-url': API,
    'instance-url': INSTANCE,
    'customer-domain': 'acme.domo.test',
    'delete-client': 'true',
    retries: '1',
    'timeout-ms': '2000',
  };

  test('nothing to do without state', async () => {
    setInputs({}, {});
    await cleanup(deps);
    expect(commands().map((c: { name: string }) => c.name)).toEqual(['debug']);
  });

  test('DELETE /clients/{id} with the session', async () => {
    setInputs({}, state);
    const scope = nock(API, { reqheaders: { 'x-domo-authentication': 'sess-SECRET' } })
      .delete('/clients/cid-new')
      .reply(204);
    await cleanup(deps);
    scope.done();
    expect(stdout).toContain('::add-mask::sess-SECRET');
    expect(stdout).toContain('Revoked Domo API client "ci bot" (cid-new).');
    expect(process.exitCode).toBeUndefined();
  });

  test('falls back to the developer-tokens API on 405', async () => {
    setInputs({}, state);
    nock(API).delete('/clients/cid-new').reply(405);
    nock(INSTANCE)
      .get('/api/identity/v1/developer-tokens')
      .reply(200, { entries: [{ id: 31, clientId: 'cid-new' }] });
    const revoke = nock(INSTANCE).delete('/api/identity/v1/developer-tokens/31').reply(204);
    await cleanup(deps);
    revoke.done();
    expect(stdout).toContain('Revoked Domo API client "ci bot" (cid-new) (developer token 31).');
  });

  test.each([
    [
      'not listed',
      () => {
        nock(API).delete('/clients/cid-new').reply(404);
        nock(INSTANCE).get('/api/identity/v1/developer-tokens').reply(200, []);
      },
      /lists no developer token for it/,
    ],
    [
      'session expired',
      () => {
        nock(API).delete('/clients/cid-new').reply(401, { message: 'expired' });
      },
      /HTTP 401 \(expired\)/,
    ],
    [
      'Domo down',
      () => {
        nock(API).delete('/clients/cid-new').times(2).reply(503, {});
      },
      /after 2 attempts: HTTP 503/,
    ],
  ])('%s: a warning naming the client, never a failure', async (_, arrange, message) => {
    setInputs({}, state);
    arrange();
    await cleanup(deps);
    const warnings = commands().filter((c: { name: string }) => c.name === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      /^Could not revoke Domo API client "ci bot" \(cid-new\): /,
    );
    expect(warnings[0]?.message).toMatch(message);
    expect(warnings[0]?.message).toMatch(/Revoke it by hand/);
    expect(errors()).toHaveLength(0);
    expect(process.exitCode).toBeUndefined();
    expect(stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('sess-SECRET');
  });

  test('delete-client false leaves the client, says so, and kept no session', async () => {
    setInputs({}, { ...state, 'delete-client': 'false', 'session-token': '' });
    await cleanup(deps);
    expect(stdout).toContain(
      'Leaving Domo API client "ci bot" (cid-new) in place, as delete-client is false.',
    );
  });
});
