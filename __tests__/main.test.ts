/**
 * The whole story of a run, in-process: inputs from INPUT_* variables, Domo faked with nock,
 * a fake clock (no real waits), and the runner's files read back.
 */
import { describe, expect, test } from '@jest/globals';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import nock, { socketError } from './helpers/nock.js';
import { GITHUB_RUN, inProcess } from './helpers/inprocess.js';

const { run } = await import('../src/main.js');
const { cleanup } = await import('../src/stories/cleanup.js');
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

const h = inProcess({ env: { ...GITHUB_RUN, GITHUB_RUN_ATTEMPT: '2' } });
const { deps, sleeps, setInputs, outputs, commands } = h;
const errors = () => commands().filter((c: { name: string }) => c.name === 'error');

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
    const lines = h.stdout.split('\n').filter((line) => line && !line.startsWith('::debug::'));
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
    expect(h.env()).toEqual({ DOMO_ACCESS_TOKEN: 'tok-SECRET' });
    expect(h.summary()).toContain('<td>Expires at (UTC)</td><td>2026-11-23T12:59:59Z</td>');
    expect(h.summary()).not.toContain('tok-SECRET');
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
    expect(h.file('env')).toBe('');
    expect(h.summary()).toBe('');
    expect(h.stdout).toContain('\nOutputs set; nothing exported (export-env: false).\n');
    expect(outputs()['access-token']).toBe('tok-SECRET');

    setInputs({ ...tokenInputs, 'env-var': 'MY_TOKEN' });
    nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    expect(h.env()).toEqual({ MY_TOKEN: 'tok-SECRET' });
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
    const retryLines = h.stdout.split('\n').filter((l) => l.includes('Retrying'));
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
    expect(h.stdout).toContain(
      '::debug::Domo answered 405 to GET /oauth/token; sending the token request as a form POST.',
    );
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
    expect(h.stdout).not.toMatch(/at .*\.ts:\d+/);
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
  // random() is 0.5 in these tests: the suffix is 0x800000.
  const NAME = 'github-actions octo-org/octo-repo run 4242.2 deploy 800000';
  const DESCRIPTION =
    'Created by domo-auth for https://github.com/octo-org/octo-repo/actions/runs/4242; revoked when the job ends.';
  const provisionInputs = {
    mode: 'provision',
    'api-url': API,
    instance: INSTANCE,
    username: 'ci@acme.example',
    password: 'pw-SECRET',
    scope: 'data user',
  };
  const created = {
    name: NAME,
    scope: ['data', 'user'],
    client_id: 'cid-new',
    client_secret: 'csec-NEW',
  };
  const basicNew = Buffer.from('cid-new:csec-NEW').toString('base64');
  const state = h.state;

  test('sign-on → new client (unique name, description) → token; state saved for the post step', async () => {
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
      .post('/clients', { name: NAME, description: DESCRIPTION, scope: ['data', 'user'] })
      .reply(201, created);
    nock(API, { reqheaders: { authorization: `Basic ${basicNew}` } })
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
    expect(h.env()).toEqual({
      DOMO_ACCESS_TOKEN: 'tok-SECRET',
      DOMO_CLIENT_ID: 'cid-new',
      DOMO_CLIENT_SECRET: 'csec-NEW',
    });
    expect(state()).toEqual({
      'client-id': 'cid-new',
      'client-name': NAME,
      'list-id': '',
      'auth-kind': 'session',
      credential: 'sess-SECRET',
      'instance-url': INSTANCE,
      'delete-client': 'true',
      retries: '5',
      'timeout-ms': '30000',
      secrets: expect.any(String),
    });
    // Every secret of this step, for the post step's redaction.
    expect(JSON.parse(state().secrets!)).toEqual(
      expect.arrayContaining(['pw-SECRET', 'sess-SECRET', 'csec-NEW', basicNew, 'tok-SECRET']),
    );
    expect(h.stdout).toContain(`Signed on to ${INSTANCE} as user 7.`);
    expect(h.stdout).toContain(`Creating Domo API client "${NAME}" with scope "data user".`);
    expect(h.stdout).toContain(`Created Domo API client "${NAME}" (cid-new).`);
    expect(h.stdout.replace(/^::add-mask::.*$/gm, '')).not.toMatch(
      /pw-SECRET|sess-SECRET|csec-NEW|tok-SECRET/,
    );
  });

  test('a sign-on answer without a user id: the log names the instance only', async () => {
    setInputs(provisionInputs);
    nock(INSTANCE)
      .post('/api/content/v2/authentication')
      .reply(200, { success: true, sessionToken: 'sess-SECRET' });
    nock(API).post('/clients').reply(201, created);
    nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    expect(errors()).toEqual([]);
    expect(h.stdout).toContain(`\nSigned on to ${INSTANCE}.\n`);
  });

  test('developer token: created on the instance, no sign-on; the numeric id is kept', async () => {
    setInputs({
      mode: 'provision',
      'api-url': API,
      instance: INSTANCE,
      'developer-token': 'dev-SECRET',
      'client-name': 'my ci client',
      'delete-client': 'false',
    });
    nock(INSTANCE, {
      reqheaders: { 'x-domo-developer-token': 'dev-SECRET' },
      badheaders: ['x-domo-authentication'],
    })
      .post('/api/identity/v1/developer-tokens', {
        name: 'my ci client',
        description:
          'Created by domo-auth for https://github.com/octo-org/octo-repo/actions/runs/4242; kept after the job ends (delete-client: false).',
        scopes: ['data'],
      })
      .reply(201, { id: 321, clientId: 'cid-new', clientSecret: 'csec-NEW' });
    nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    expect(errors()).toEqual([]);
    expect(h.stdout).toContain('::add-mask::dev-SECRET');
    expect(h.stdout).toContain(
      'Creating Domo API client "my ci client" with scope "data" (developer token).',
    );
    expect(h.stdout).toContain('Created Domo API client "my ci client" (cid-new, id 321).');
    expect(h.stdout).not.toContain('Signed on');
    // delete-client false: the credential is not kept for a post step that will not use it.
    expect(state()).toMatchObject({
      'list-id': '321',
      'auth-kind': 'developer-token',
      credential: '',
      'delete-client': 'false',
    });
    expect(outputs()['client-id']).toBe('cid-new');
  });

  // A creation refused with 401 or 403: see 'a refused developer token' below.
  test.each<[string, Record<string, string>, number, RegExp]>([
    [
      'a taken client-name',
      { 'developer-token': 'dev-SECRET', 'client-name': 'taken' },
      400,
      /A Domo API client named "taken" probably exists already: Domo refuses a second client of the same name\. Set another `client-name`, or leave it empty/,
    ],
  ])('%s: one actionable error, no retry, nothing to revoke', async (_, inputs, status, hint) => {
    setInputs({ mode: 'provision', 'api-url': API, instance: INSTANCE, ...inputs });
    const scope = nock(INSTANCE)
      .post('/api/identity/v1/developer-tokens')
      .reply(status, { status, message: 'no' });
    await run(deps);
    scope.done();
    expect(errors()).toHaveLength(1);
    expect(errors()[0]?.message).toMatch(
      /^Domo client creation \(POST \/api\/identity\/v1\/developer-tokens\) failed: HTTP \d+ \(no\)\. /,
    );
    expect(errors()[0]?.message).toMatch(hint);
    expect(errors()[0]?.message).not.toContain('dev-SECRET');
    expect(h.file('state')).toBe('');
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
      .reply(() => (count++, [201, created]));
    nock(API).get('/oauth/token').query(true).optionally().reply(200, tokenAnswer);
    await run(deps);
    expect(count).toBe(posts);
    expect(errors()).toHaveLength(named ? 1 : 0);
    if (named) {
      expect(errors()[0]?.message).toContain(
        `Domo may have created the client "${NAME}" anyway; it was not retried`,
      );
      expect(h.file('state')).toBe('');
    }
  });

  test.each<[string, () => nock.Scope, string[]]>([
    [
      'a 401',
      () =>
        nock(API)
          .get('/oauth/token')
          .query(true)
          .reply(401, { error_description: 'Bad credentials' }),
      [],
    ],
    [
      'a token the action refuses',
      () =>
        nock(API)
          .get('/oauth/token')
          .query(true)
          .reply(200, { access_token: 'tok-REFUSED-1', expires_in: 0 }),
      ['tok-REFUSED-1'],
    ],
  ])(
    'the token call fails after creation (%s): the post step still gets what it needs',
    async (_, reply, seen) => {
      setInputs({ ...provisionInputs, username: '', password: '', 'session-token': 'sess-1' });
      nock(API).post('/clients').reply(201, created);
      reply();
      await run(deps);
      expect(errors()).toHaveLength(1);
      expect(state()).toMatchObject({ 'client-id': 'cid-new', credential: 'sess-1' });
      // Every secret seen by the end of the step, for the post step's redaction.
      expect(JSON.parse(state().secrets!)).toEqual(
        expect.arrayContaining(['sess-1', 'csec-NEW', basicNew, ...seen]),
      );
    },
  );
});

describe('a refused developer token: Domo is asked once who it belongs to', () => {
  const CREATE = '/api/identity/v1/developer-tokens';
  const ME = '/api/content/v2/users/me';
  const FAILED = 'Domo client creation (POST /api/identity/v1/developer-tokens) failed';
  const TOKEN_REFUSED = (status: number) =>
    `Domo refused the developer token itself: when asked who the token belongs to, the instance answered HTTP ${status} too. The token has expired or been revoked, or it was made on another instance than \`instance\`. Make a new one in Admin > Security > Access tokens and update the secret.`;
  const CREATION_REFUSED =
    'The developer token works (it acts as user 964382593), but this instance did not let it create an API client. Give that user\'s role the "Create API OAuth Clients" grant (Admin > Roles). If the role has it already, this instance does not let developer tokens create clients: use a session of a user with that grant instead (`username` + `password`, or `session-token`), which creates clients on Domo\'s documented route (POST /clients).';
  const UNKNOWN = (why: string) =>
    `Could not tell which was refused, the token or only the creation: asking Domo who the token belongs to failed too (Domo user check (GET /api/content/v2/users/me): ${why}).`;
  // What the status alone suggests, kept when the question gets no clear answer.
  const BY_STATUS: Record<number, string> = {
    401: 'Domo refused the developer token: it has expired or been revoked, or it belongs to another instance than `instance`. Make a new one in Admin > Security > Access tokens and update the secret.',
    403: 'The developer token\'s owner may not create API clients: give that user the "Create API OAuth Clients" grant (Admin > Roles), or use a token of a user who has it.',
  };
  // Domo echoing the token back, as a hostile or careless answer could: it must not show.
  const echo = { message: 'token dev-SECRET-0123 is not valid' };
  type Probe = [string, (scope: nock.Interceptor) => nock.Scope, (status: number) => string];
  const probes: Probe[] = [
    [
      '200 with the user',
      (i) => i.reply(200, { id: 964382593, displayName: 'CI Robot', role: 'Admin' }),
      () => CREATION_REFUSED,
    ],
    ['401', (i) => i.reply(401, echo), () => TOKEN_REFUSED(401)],
    ['403', (i) => i.reply(403, echo), () => TOKEN_REFUSED(403)],
    [
      '500',
      (i) => i.reply(500, echo),
      (s) => `${UNKNOWN('HTTP 500 (token *** is not valid)')} ${BY_STATUS[s]}`,
    ],
    [
      'no answer in time',
      (i) => i.replyWithError(socketError('ETIMEDOUT')),
      (s) => `${UNKNOWN('no complete answer within 30 s')} ${BY_STATUS[s]}`,
    ],
    [
      '200 with a page that is not JSON',
      (i) => i.reply(200, '<html><title>Sign in</title></html>'),
      (s) =>
        `${UNKNOWN('HTTP 200 with a body that is not JSON (an HTML page titled "Sign in", not JSON: a proxy or gateway answered instead of Domo\'s API)')} ${BY_STATUS[s]}`,
    ],
    [
      '200 without a user',
      (i) => i.reply(200, { displayName: 'CI Robot' }),
      (s) => `${UNKNOWN('HTTP 200 without a user id')} ${BY_STATUS[s]}`,
    ],
  ];
  const cases = [401, 403].flatMap((status) =>
    probes.map(([name, answer, hint]) => [status, name, answer, hint(status)] as const),
  );

  test.each(cases)(
    'creation %i, users/me %s: one error that says which, one request each, no token shown',
    async (status, _, answer, hint) => {
      setInputs({
        mode: 'provision',
        'api-url': API,
        instance: INSTANCE,
        'developer-token': 'dev-SECRET-0123',
        retries: '3',
      });
      let created = 0;
      let asked = 0;
      nock(INSTANCE)
        .post(CREATE)
        .times(2)
        .reply(() => (created++, [status, { status, message: 'no' }]));
      answer(
        nock(INSTANCE, {
          reqheaders: { 'x-domo-developer-token': 'dev-SECRET-0123' },
          badheaders: ['x-domo-authentication', 'cookie'],
        })
          .get(ME)
          .times(5),
      ).on('request', () => asked++);
      await run(deps);
      expect(errors().map((c: { message: string }) => c.message)).toEqual([
        `${FAILED}: HTTP ${status} (no). ${hint}`,
      ]);
      expect(process.exitCode).toBe(1);
      // The creation is never sent twice, the question is asked once, and nothing waits.
      expect([created, asked]).toEqual([1, 1]);
      expect(sleeps).toEqual([]);
      expect(h.stdout).toContain(`::debug::GET ${INSTANCE}${ME}: `);
      expect(h.stdout.replace(/^::add-mask::.*$/gm, '')).not.toContain('dev-SECRET-0123');
      expect(h.file('state')).toBe('');
    },
  );

  test('a creation that failed otherwise asks nothing', async () => {
    setInputs({
      mode: 'provision',
      'api-url': API,
      instance: INSTANCE,
      'developer-token': 'dev-SECRET-0123',
    });
    nock(INSTANCE).post(CREATE).reply(404, {});
    const me = nock(INSTANCE).get(ME).reply(200, { id: 1 });
    await run(deps);
    expect(errors()[0]?.message).toBe(
      `${FAILED}: HTTP 404. Nothing answers at this address: check \`instance\`.`,
    );
    expect(me.isDone()).toBe(false);
  });

  test('a session refused with 403 asks nothing: its advice stays', async () => {
    setInputs({ mode: 'provision', 'api-url': API, instance: INSTANCE, 'session-token': 's-1' });
    nock(API).post('/clients').reply(403, { message: 'Forbidden' });
    const me = nock(INSTANCE).get(ME).reply(200, { id: 1 });
    await run(deps);
    expect(errors()[0]?.message).toBe(
      'Domo client creation (POST /clients) failed: HTTP 403 (Forbidden). The user needs the "Create API OAuth Clients" grant in Domo (Admin > Roles).',
    );
    expect(me.isDone()).toBe(false);
  });
});

describe('post step (cleanup)', () => {
  const LIST = '/api/identity/v1/developer-tokens';
  const state = {
    'client-id': 'cid-new-0000-1111',
    'client-name': 'ci bot',
    'list-id': '',
    'auth-kind': 'session',
    credential: 'sess-SECRET',
    'instance-url': INSTANCE,
    'delete-client': 'true',
    retries: '1',
    'timeout-ms': '2000',
    secrets: JSON.stringify(['csec-NEW', 'sess-SECRET']),
  };
  const LABEL = '"ci bot" (cid-new-0000-1111)';
  const warnings = () => commands().filter((c: { name: string }) => c.name === 'warning');
  const session = { reqheaders: { 'x-domo-authentication': 'sess-SECRET' } };

  test('nothing to do without state', async () => {
    setInputs({}, {});
    await cleanup(deps);
    expect(commands().map((c: { name: string; message: string }) => [c.name, c.message])).toEqual([
      ['debug', 'The main step left nothing to clean up.'],
    ]);
  });

  test.each<[string, unknown]>([
    [
      'a bare list, full client id',
      [
        { id: 30, clientId: 'other' },
        { id: 31, clientId: 'cid-new-0000-1111' },
      ],
    ],
    [
      'entries, client id shortened',
      { entries: [{ id: 31, clientId: 'cid-new-…', name: 'ci bot' }] },
    ],
  ])('session: %s → found, deleted by numeric id, confirmed gone', async (_, listed) => {
    setInputs({}, state);
    const list = nock(INSTANCE, session)
      .get(LIST)
      .reply(200, listed as nock.Body);
    const revoke = nock(INSTANCE, session).delete(`${LIST}/31`).reply(204);
    const confirm = nock(INSTANCE, session)
      .get(LIST)
      .reply(200, [{ id: 30, clientId: 'other' }]);
    await cleanup(deps);
    list.done();
    revoke.done();
    confirm.done();
    expect(h.stdout).toContain('::add-mask::sess-SECRET');
    expect(h.stdout).toContain('::add-mask::csec-NEW');
    expect(h.stdout).toContain(
      `Revoked Domo API client ${LABEL}: ${INSTANCE} no longer lists it (id 31).`,
    );
    expect(warnings()).toEqual([]);
    expect(process.exitCode).toBeUndefined();
  });

  test('developer token: deleted by the id from creation, with X-DOMO-Developer-Token, then confirmed', async () => {
    setInputs(
      {},
      { ...state, 'list-id': '77', 'auth-kind': 'developer-token', credential: 'dev-SECRET' },
    );
    const dev = {
      reqheaders: { 'x-domo-developer-token': 'dev-SECRET' },
      badheaders: ['x-domo-authentication'],
    };
    const revoke = nock(INSTANCE, dev).delete(`${LIST}/77`).reply(204);
    const confirm = nock(INSTANCE, dev).get(LIST).reply(200, []);
    await cleanup(deps);
    revoke.done();
    confirm.done();
    expect(h.stdout).toContain('::add-mask::dev-SECRET');
    expect(h.stdout).toContain(
      `Revoked Domo API client ${LABEL}: ${INSTANCE} no longer lists it (id 77).`,
    );
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a string with a slash', { id: '31/../32' }, '"31/../32"'],
    ['a string with ..', { id: '..' }, '".."'],
    ['a negative number', { id: -31 }, '-31'],
    ['a fraction', { id: 31.5 }, '31.5'],
    ['no id at all', {}, 'none'],
    ['an id that is an object', { id: { value: 31 } }, '{"value":31}'],
  ])(
    'listed under %s: nothing is deleted, and the warning names the client and what to do',
    async (_, id, shown) => {
      setInputs({}, state);
      for (const by of [{ clientId: 'cid-new-0000-1111' }, { name: 'ci bot' }]) {
        h.stdout = '';
        nock(INSTANCE, session)
          .get(LIST)
          .reply(200, [{ ...id, ...by }]);
        await cleanup(deps);
        expect(nock.pendingMocks()).toEqual([]);
        expect(warnings().map((c: { message: string }) => c.message)).toEqual([
          `Domo API client ${LABEL} is still listed, but under an id that is not a plain number (${shown}); nothing was deleted. Revoke it by hand in ${INSTANCE}: Admin > Security > Access tokens (API clients), or Domo's developer portal (My Account > Clients).`,
        ]);
        expect(h.stdout).not.toContain('already gone');
      }
    },
  );

  test('listed twice, once under an unusable id: the usable one is revoked', async () => {
    setInputs({}, state);
    nock(INSTANCE, session)
      .get(LIST)
      .reply(200, [
        { id: '../31', clientId: 'cid-new-0000-1111' },
        { id: 31, clientId: 'cid-new-0000-1111' },
      ])
      .delete(`${LIST}/31`)
      .reply(204)
      .get(LIST)
      .reply(200, []);
    await cleanup(deps);
    expect(nock.pendingMocks()).toEqual([]);
    expect(warnings()).toEqual([]);
  });

  test('not listed before the DELETE: already gone, and no DELETE is sent', async () => {
    setInputs({}, state);
    nock(INSTANCE)
      .get(LIST)
      .reply(200, [{ id: 5, clientId: 'someone-else', name: 'their bot' }]);
    await cleanup(deps);
    expect(h.stdout).toContain(
      `Domo API client ${LABEL} is already gone: ${INSTANCE} no longer lists it.`,
    );
    expect(warnings()).toEqual([]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  test('a DELETE answered 400 for the creation id, and not listed: already gone', async () => {
    setInputs(
      {},
      { ...state, 'list-id': '77', 'auth-kind': 'developer-token', credential: 'dev-SECRET' },
    );
    nock(INSTANCE).delete(`${LIST}/77`).reply(400, { message: 'no such token' });
    nock(INSTANCE).get(LIST).reply(200, []);
    await cleanup(deps);
    expect(h.stdout).toContain(
      `Domo API client ${LABEL} is already gone: ${INSTANCE} no longer lists it (id 77).`,
    );
    expect(warnings()).toEqual([]);
  });

  test('a DELETE retried after a lost answer that then finds nothing counts as revoked', async () => {
    setInputs(
      {},
      { ...state, 'list-id': '77', 'auth-kind': 'developer-token', credential: 'dev-SECRET' },
    );
    nock(INSTANCE).delete(`${LIST}/77`).reply(502, {});
    nock(INSTANCE).delete(`${LIST}/77`).reply(400, {});
    nock(INSTANCE).get(LIST).reply(200, []);
    await cleanup(deps);
    expect(h.stdout).toContain(
      `Revoked Domo API client ${LABEL}: ${INSTANCE} no longer lists it (id 77).`,
    );
  });

  test('still listed after the DELETE: a warning that says so, never a failure', async () => {
    setInputs({}, state);
    nock(INSTANCE)
      .get(LIST)
      .reply(200, [{ id: 31, clientId: 'cid-new-0000-1111' }]);
    nock(INSTANCE).delete(`${LIST}/31`).reply(204);
    nock(INSTANCE)
      .get(LIST)
      .reply(200, [{ id: 31, clientId: 'cid-new-0000-1111' }]);
    await cleanup(deps);
    expect(warnings().map((w: { message: string }) => w.message)).toEqual([
      `Domo API client ${LABEL} is still listed (id 31) after the DELETE. Revoke it by hand in ${INSTANCE}: Admin > Security > Access tokens (API clients), or Domo's developer portal (My Account > Clients).`,
    ]);
    expect(process.exitCode).toBeUndefined();
  });

  test.each([
    [
      'session expired',
      () => nock(INSTANCE).get(LIST).reply(401, { message: 'expired' }),
      /Domo API client list \(GET \/api\/identity\/v1\/developer-tokens\) failed: HTTP 401 \(expired\)/,
    ],
    [
      'Domo down',
      () => nock(INSTANCE).get(LIST).times(2).reply(503, {}),
      /after 2 attempts: HTTP 503/,
    ],
    [
      'the DELETE refused',
      () => {
        nock(INSTANCE)
          .get(LIST)
          .reply(200, [{ id: 31, clientId: 'cid-new-0000-1111' }]);
        nock(INSTANCE).delete(`${LIST}/31`).reply(403, { message: 'not yours' });
      },
      /Domo API client revocation \(DELETE \/api\/identity\/v1\/developer-tokens\/\{id\}\) failed: HTTP 403 \(not yours\)/,
    ],
    [
      'Domo echoing the client secret',
      () => nock(INSTANCE).get(LIST).reply(401, { message: 'bad: csec-NEW' }),
      /HTTP 401 \(bad: \*\*\*\)/,
    ],
  ])('%s: a warning naming the client, never a failure', async (_, arrange, message) => {
    setInputs({}, state);
    arrange();
    await cleanup(deps);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]?.message).toMatch(
      /^Could not revoke Domo API client "ci bot" \(cid-new-0000-1111\): /,
    );
    expect(warnings()[0]?.message).toMatch(message);
    expect(warnings()[0]?.message).toMatch(/Revoke it by hand in https:\/\/acme\.domo\.test: /);
    expect(errors()).toHaveLength(0);
    expect(process.exitCode).toBeUndefined();
    expect(h.stdout.replace(/^::add-mask::.*$/gm, '')).not.toMatch(/sess-SECRET|csec-NEW/);
  });

  test('no DELETE /clients/{id} on api.domo.com, ever', async () => {
    setInputs({}, state);
    const never = nock(API).delete(/.*/).reply(204);
    nock(INSTANCE)
      .get(LIST)
      .reply(200, [{ id: 31, clientId: 'cid-new-0000-1111' }]);
    nock(INSTANCE).delete(`${LIST}/31`).reply(204);
    nock(INSTANCE).get(LIST).reply(200, []);
    await cleanup(deps);
    expect(never.isDone()).toBe(false);
  });

  test('a DELETE answered 400 while the client is still listed: a warning that says both', async () => {
    setInputs(
      {},
      { ...state, 'list-id': '77', 'auth-kind': 'developer-token', credential: 'dev-SECRET' },
    );
    nock(INSTANCE).delete(`${LIST}/77`).reply(400, {});
    nock(INSTANCE)
      .get(LIST)
      .reply(200, [{ id: 77, clientId: 'cid-new-…', name: 'ci bot' }]);
    await cleanup(deps);
    expect(warnings().map((w: { message: string }) => w.message)).toEqual([
      `Domo API client ${LABEL} is still listed (id 77) after the DELETE (Domo answered that it has no such id). Revoke it by hand in ${INSTANCE}: Admin > Security > Access tokens (API clients), or Domo's developer portal (My Account > Clients).`,
    ]);
  });

  test('no credential kept although delete-client is true: a warning, and no request', async () => {
    setInputs({}, { ...state, credential: '', 'instance-url': '' });
    await cleanup(deps);
    expect(warnings().map((w: { message: string }) => w.message)).toEqual([
      `Could not revoke Domo API client ${LABEL}: the credential that created it was not kept. Revoke it by hand in Domo: Admin > Security > Access tokens (API clients), or Domo's developer portal (My Account > Clients).`,
    ]);
  });

  test.each<[string, Record<string, string>, number, number, string[]]>([
    ['good state', { retries: '2', 'timeout-ms': '1500' }, 3, 1500, []],
    ['retries above 20 and no timeout', { retries: '99', 'timeout-ms': '' }, 6, 30000, []],
    ['negative retries and a zero timeout', { retries: '-1', 'timeout-ms': '0' }, 6, 30000, []],
    ['words', { retries: 'x', 'timeout-ms': 'y' }, 6, 30000, []],
    ['a timeout above ten minutes', { retries: '0', 'timeout-ms': '600001' }, 1, 30000, []],
    ['the longest timeout', { retries: '20', 'timeout-ms': '600000' }, 21, 600000, []],
    ['secrets that are not JSON', { secrets: 'csec-NEW' }, 2, 2000, []],
    ['secrets not a list', { secrets: '{"a":"csec-NEW"}' }, 2, 2000, []],
    ['secrets with a non-string', { secrets: '["csec-NEW", 5]' }, 2, 2000, ['csec-NEW']],
  ])(
    'saved state with %s: the post step uses what is sound, defaults for the rest',
    async (_, saved, attempts, timeout, masked) => {
      setInputs({}, { ...state, secrets: '[]', ...saved });
      const timeouts: number[] = [];
      const transport = (ms: number) => (timeouts.push(ms), createTransport({ timeoutMs: ms }));
      let lists = 0;
      nock(INSTANCE)
        .get(LIST)
        .times(attempts + 1)
        .reply(() => (lists++, [503, {}]));
      await cleanup({ ...deps, transport });
      expect(lists).toBe(attempts);
      expect(timeouts).toEqual([timeout]);
      // Each retry is a line saying what failed and when the next attempt comes.
      const retried = h.stdout.match(/HTTP 503\. Retrying in \d+\.\d s \(attempt \d+ of \d+\)\./g);
      expect(retried ?? []).toHaveLength(attempts - 1);
      const masks = commands()
        .filter((c: { name: string }) => c.name === 'add-mask')
        .map((c: { message: string }) => c.message);
      expect(masks).toEqual(['sess-SECRET', ...masked]);
      expect(warnings()[0]?.message).toMatch(
        attempts > 1
          ? new RegExp(`failed after ${attempts} attempts: HTTP 503`)
          : /failed: HTTP 503/,
      );
    },
  );

  test.each(['31/../../x', '../../31'])(
    'a saved list id that is not a number (%s) is not trusted: the list is read first',
    async (listId) => {
      setInputs({}, { ...state, 'list-id': listId });
      const list = nock(INSTANCE)
        .get(LIST)
        .reply(200, [{ id: 31, clientId: 'cid-new-0000-1111' }]);
      nock(INSTANCE).delete(`${LIST}/31`).reply(204);
      nock(INSTANCE).get(LIST).reply(200, []);
      await cleanup(deps);
      list.done();
      expect(h.stdout).toContain(
        `Revoked Domo API client ${LABEL}: ${INSTANCE} no longer lists it (id 31).`,
      );
    },
  );

  test('delete-client false leaves the client, says so, and kept no credential', async () => {
    setInputs({}, { ...state, 'delete-client': 'false', credential: '' });
    await cleanup(deps);
    expect(h.stdout).toContain(
      'Leaving Domo API client "ci bot" (cid-new-0000-1111) in place, as delete-client is false.',
    );
  });
});

describe('job summary', () => {
  const table = () => {
    const summary = h.summary();
    const heading = summary.match(/<h3>(.*?)<\/h3>/)?.[1];
    const rows = [...summary.matchAll(/<tr>(.*?)<\/tr>/g)].map((row) =>
      [...row[1]!.matchAll(/<t[hd]>(.*?)<\/t[hd]>/g)].map((c) => c[1]),
    );
    return { heading, rows };
  };
  const developer = {
    mode: 'provision',
    'api-url': API,
    instance: INSTANCE,
    'developer-token': 'dev-SECRET',
    'client-name': 'ci bot',
  };
  const common = (environment: string) => [
    ['Customer', 'acmecompany'],
    ['User id', '964382593'],
    ['Role', 'Admin'],
    ['Scope granted', 'data'],
    ['Token type', 'bearer'],
    ['Expires at (UTC)', '2026-11-23T12:59:59Z'],
    ['Environment', environment],
  ];

  test.each<[string, Record<string, string>, string[][]]>([
    ['token mode', tokenInputs, [['Mode', 'token'], ...common('DOMO_ACCESS_TOKEN')]],
    [
      'provision mode, revoked in the post step',
      developer,
      [
        ['Mode', 'provision'],
        ...common('DOMO_ACCESS_TOKEN, DOMO_CLIENT_ID, DOMO_CLIENT_SECRET'),
        ['API client', 'ci bot (cid-new)'],
        ['Revocation', 'in the post step'],
      ],
    ],
    [
      'provision mode, kept, nothing exported',
      { ...developer, 'delete-client': 'false', 'export-env': 'false' },
      [
        ['Mode', 'provision'],
        ...common('—'),
        ['API client', 'ci bot (cid-new)'],
        ['Revocation', 'none (delete-client: false)'],
      ],
    ],
  ])('%s: every row, in order', async (_, inputs, rows) => {
    setInputs(inputs);
    nock(INSTANCE)
      .post('/api/identity/v1/developer-tokens')
      .reply(201, { id: 321, clientId: 'cid-new', clientSecret: 'csec-NEW' });
    nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
    await run(deps);
    expect(errors()).toEqual([]);
    expect(h.summary()).toContain('<tr><th>Field</th><th>Value</th></tr>');
    expect(table()).toEqual({ heading: 'Domo access token', rows: [['Field', 'Value'], ...rows] });
  });

  test('fields Domo left out read as a dash', async () => {
    setInputs(tokenInputs);
    nock(API)
      .get('/oauth/token')
      .query(true)
      .reply(200, { access_token: 'tok-SECRET', token_type: 'bearer', expires_in: 60 });
    await run(deps);
    expect(table().rows.slice(1, 6)).toEqual([
      ['Mode', 'token'],
      ['Customer', '—'],
      ['User id', '—'],
      ['Role', '—'],
      ['Scope granted', '—'],
    ]);
    expect(h.stdout).toContain(
      'Domo access token ready: scope "", expires 2026-11-23T12:01:00Z (in 60 s).',
    );
  });

  test('no summary file (a local run): a debug line, and the run still succeeds', async () => {
    setInputs(tokenInputs);
    rmSync(dirname(h.path('summary')), { recursive: true, force: true });
    try {
      nock(API).get('/oauth/token').query(true).reply(200, tokenAnswer);
      process.env.RUNNER_DEBUG = '1';
      await run(deps);
    } finally {
      mkdirSync(dirname(h.path('summary')));
    }
    expect(errors()).toEqual([]);
    expect(outputs()['access-token']).toBe('tok-SECRET');
    expect(
      commands()
        .filter((c: { name: string }) => c.name === 'debug')
        .map((c: { message: string }) => c.message),
    ).toContainEqual(expect.stringMatching(/^No job summary written: /));
  });
});

describe('runner files', () => {
  test.each<[string, Record<string, string>, string[], string | undefined]>([
    ['token mode without GITHUB_OUTPUT', tokenInputs, ['GITHUB_OUTPUT'], 'GITHUB_OUTPUT'],
    ['token mode without GITHUB_ENV', tokenInputs, ['GITHUB_ENV'], 'GITHUB_ENV'],
    [
      'token mode without GITHUB_ENV, export-env false',
      { ...tokenInputs, 'export-env': 'false' },
      ['GITHUB_ENV', 'GITHUB_STATE'],
      undefined,
    ],
    [
      'provision mode without GITHUB_STATE',
      { mode: 'provision', 'api-url': API, instance: INSTANCE, 'developer-token': 'dev-SECRET' },
      ['GITHUB_STATE'],
      'GITHUB_STATE',
    ],
    [
      'provision mode without any',
      { mode: 'provision', 'api-url': API, instance: INSTANCE, 'developer-token': 'dev-SECRET' },
      ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_STATE'],
      'GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE',
    ],
  ])('%s', async (_, inputs, missing, named) => {
    setInputs(inputs);
    for (const name of missing) delete process.env[name];
    let requests = 0;
    nock(API)
      .get('/oauth/token')
      .query(true)
      .optionally()
      .reply(() => (requests++, [200, tokenAnswer]));
    nock(INSTANCE)
      .post('/api/identity/v1/developer-tokens')
      .optionally()
      .reply(() => (requests++, [201, { id: 321, clientId: 'cid-new', clientSecret: 'csec-NEW' }]));
    await run(deps);
    if (named) {
      expect(errors().map((c: { message: string }) => c.message)).toEqual([
        `The runner did not provide ${named}; domo-auth will not fall back to printing secrets in the log. Run it on GitHub Actions runner 2.297.0 or newer (or an emulator that provides these files).`,
      ]);
      expect(requests).toBe(0);
      expect(h.stdout).not.toMatch(/tok-SECRET|csec-NEW|::set-output|::set-env/);
    } else {
      expect(errors()).toEqual([]);
      expect(outputs()['access-token']).toBe('tok-SECRET');
    }
  });
});
