import { afterEach, describe, expect, test } from '@jest/globals';
import nock, { socketError } from '../helpers/nock.js';
import type { InstanceAuth } from '../../src/domo/developerTokens.js';
import { DomoError } from '../../src/errors.js';

const { createTransport } = await import('../../src/http.js');
const { signOn, signOnHint } = await import('../../src/domo/session.js');
const { createClient, createHint, numericId, warnOfOrphan } =
  await import('../../src/domo/clients.js');
const { createWithDeveloperToken, findListed, listClients, revokeClient } =
  await import('../../src/domo/developerTokens.js');

const API = 'https://api.domo.test';
const INSTANCE = 'https://acme.domo.test';
const transport = createTransport({ timeoutMs: 2000 });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => new Error('expected a failure'),
    (e: Error) => e,
  );

afterEach(() => nock.cleanAll());

describe('signOn', () => {
  test('password: JSON body, Origin and Content-Type; returns the session', async () => {
    const scope = nock(INSTANCE, {
      reqheaders: { origin: INSTANCE, 'content-type': 'application/json' },
      badheaders: ['cookie'],
    })
      .post('/api/content/v2/authentication', {
        method: 'password',
        emailAddress: 'ci@acme.example',
        password: 'p:w%"',
      })
      .reply(200, { userId: 7, success: true, sessionToken: 'sess-1' });
    await expect(
      signOn(transport, INSTANCE, {
        method: 'password',
        emailAddress: 'ci@acme.example',
        password: 'p:w%"',
      }),
    ).resolves.toEqual({ sessionToken: 'sess-1', userId: '7' });
    scope.done();
  });

  test.each([
    ['a string', 'u-77', 'u-77'],
    ['a number', 77, '77'],
    ['missing', undefined, ''],
    ['an object', { id: 7 }, ''],
  ])('the user id as %s', async (_, userId, expected) => {
    nock(INSTANCE)
      .post('/api/content/v2/authentication')
      .reply(200, { userId, success: true, sessionToken: 'sess-1' });
    const signedOn = await signOn(transport, INSTANCE, { method: 'exptoken', cookie: 'c' });
    expect(signedOn.userId).toBe(expected);
  });

  test('cookie: exptoken with the _dsidv1 cookie', async () => {
    const scope = nock(INSTANCE, { reqheaders: { origin: INSTANCE, cookie: '_dsidv1=dsid-1' } })
      .post('/api/content/v2/authentication', { method: 'exptoken' })
      .reply(200, { userId: 7, success: true, sessionToken: 'sess-2' });
    await expect(
      signOn(transport, INSTANCE, { method: 'exptoken', cookie: 'dsid-1' }),
    ).resolves.toEqual({
      sessionToken: 'sess-2',
      userId: '7',
    });
    scope.done();
  });

  test.each<[string, 'password' | 'exptoken', number, unknown, RegExp]>([
    [
      'bad password (200, success false)',
      'password',
      200,
      { success: false, reason: 'INVALID_CREDENTIALS' },
      /failed: Domo refused the sign-on \(INVALID_CREDENTIALS\)\. Check `username` and `password`/,
    ],
    [
      'locked account',
      'password',
      200,
      { success: false, reason: 'ACCOUNT_LOCKED' },
      /\(ACCOUNT_LOCKED\)\. The Domo account is locked/,
    ],
    [
      'expired cookie',
      'exptoken',
      200,
      { success: false, reason: 'INVALID_TOKEN' },
      /\(INVALID_TOKEN\)\. The `_dsidv1` cookie has expired/,
    ],
    [
      'success without a token',
      'password',
      200,
      { success: true },
      /Domo reported success but sent no session token/,
    ],
    [
      'success false without a reason',
      'password',
      200,
      { success: false },
      /failed: Domo refused the sign-on\./,
    ],
    [
      'unknown instance',
      'password',
      403,
      { status: 403, message: 'Forbidden' },
      /HTTP 403 \(Forbidden\)\. Domo answers 403 for an unknown instance: check `instance`/,
    ],
    ['HTML', 'password', 200, '<html>login</html>', /HTTP 200 with a body that is not JSON/],
    [
      'success false with a session token',
      'password',
      200,
      { success: false, sessionToken: 'sess-x', reason: 'NOPE' },
      /failed: Domo refused the sign-on \(NOPE\)\. Check `username` and `password`/,
    ],
    [
      'an empty session token',
      'password',
      200,
      { success: true, sessionToken: '' },
      /Domo reported success but sent no session token/,
    ],
  ])('%s', async (_, method, status, body, message) => {
    nock(INSTANCE)
      .post('/api/content/v2/authentication')
      .reply(status, body as object);
    const credentials =
      method === 'password'
        ? { method, emailAddress: 'a@b.c', password: 'p' }
        : { method, cookie: 'c' };
    const err = await failure(signOn(transport, INSTANCE, credentials as never));
    expect(err.message).toMatch(/^Domo sign-on \(POST \/api\/content\/v2\/authentication\) failed/);
    expect(err.message).toMatch(message);
  });
});

describe('signOnHint: what to do after a failed sign-on', () => {
  const PASSWORD =
    'Check `username` and `password`. Instances that sign on only through SSO need `session-cookie` (or `session-token`) instead.';
  const COOKIE =
    'The `_dsidv1` cookie has expired or belongs to another instance: sign in to the instance in a browser again and copy a fresh value into the secret.';
  const LOCKED =
    'The Domo account is locked: ask a Domo admin to unlock it (Admin > People), or wait before trying again.';
  const SERVER = 'The instance had a server error: re-run the job later.';
  test.each<
    [
      string,
      Partial<ConstructorParameters<typeof DomoError>[0]>,
      'password' | 'exptoken',
      string | undefined,
    ]
  >([
    ['a locked account', { kind: 'response', domoMessage: 'ACCOUNT_LOCKED' }, 'password', LOCKED],
    [
      '"locked" in any case, any status',
      { kind: 'http', status: 401, domoMessage: 'Account locked' },
      'exptoken',
      LOCKED,
    ],
    [
      'a refusal with a reason (password)',
      { kind: 'response', domoMessage: 'NOPE' },
      'password',
      PASSWORD,
    ],
    [
      'a refusal with a reason (cookie)',
      { kind: 'response', domoMessage: 'NOPE' },
      'exptoken',
      COOKIE,
    ],
    ['HTTP 401 without a message', { kind: 'http', status: 401 }, 'password', PASSWORD],
    [
      '"invalid" in the message',
      { kind: 'http', status: 400, domoMessage: 'Invalid credentials' },
      'password',
      PASSWORD,
    ],
    [
      'HTTP 400 with other words',
      { kind: 'http', status: 400, domoMessage: 'bad request' },
      'password',
      undefined,
    ],
    [
      'HTTP 403',
      { kind: 'http', status: 403 },
      'password',
      'Domo answers 403 for an unknown instance: check `instance`.',
    ],
    [
      'HTTP 404',
      { kind: 'http', status: 404 },
      'exptoken',
      'Nothing answers at this address: check `instance`.',
    ],
    ['HTTP 418', { kind: 'http', status: 418 }, 'password', undefined],
    ['HTTP 499', { kind: 'http', status: 499 }, 'password', undefined],
    ['HTTP 500', { kind: 'http', status: 500 }, 'password', SERVER],
    ['HTTP 503', { kind: 'http', status: 503 }, 'exptoken', SERVER],
    [
      'an answer without words that is not a session',
      { kind: 'response' },
      'password',
      "Something other than Domo's API may have answered: check `api-url` (or `instance`).",
    ],
    [
      'connection refused',
      { kind: 'refused' },
      'password',
      'Nothing is listening there: check the URL (`api-url` or `instance`) and any proxy settings.',
    ],
  ])('%s', (_, init, method, hint) => {
    expect(signOnHint(new DomoError({ call: 'sign-on', kind: 'http', ...init }), method)).toBe(
      hint,
    );
  });
});

describe('createHint: what to do after a failed creation', () => {
  test.each<[Partial<ConstructorParameters<typeof DomoError>[0]>, string | undefined]>([
    [
      { kind: 'refused' },
      'Nothing is listening there: check the URL (`api-url` or `instance`) and any proxy settings.',
    ],
    [
      { kind: 'http', status: 400 },
      'A Domo API client named "ci bot" probably exists already: Domo refuses a second client of the same name. Set another `client-name`, or leave it empty for a name unique to each run (Domo also answers 400 for a scope it does not know: check `scope`).',
    ],
    [
      { kind: 'http', status: 400, domoMessage: 'Invalid SCOPE: x' },
      'Domo refused a scope: ask only for scopes Domo knows (data, user, audit, dashboard, account, buzz, workflow) in `scope`.',
    ],
    [{ kind: 'http', status: 418 }, undefined],
    [{ kind: 'http', status: 500 }, 'Domo had a server error: re-run the job later.'],
  ])('%j', (init, hint) => {
    const err = new DomoError({ call: 'create', kind: 'http', ...init });
    expect(createHint(err, 'ci bot', 'session')).toBe(hint);
  });
});

const session = { sessionToken: 'sess-1', customerDomain: 'acme.domo.test' };

const NEW = {
  name: 'ci bot',
  description: 'Created by domo-auth for a test',
  scopes: ['data', 'user'],
};

describe('createClient (with a session, on api.domo.com)', () => {
  test('POST /clients with the session headers, name, description and scope list; 201', async () => {
    const scope = nock(API, {
      reqheaders: {
        'x-domo-authentication': 'sess-1',
        'x-domo-customerdomain': 'acme.domo.test',
        'content-type': 'application/json',
      },
    })
      .post('/clients', {
        name: 'ci bot',
        description: 'Created by domo-auth for a test',
        scope: ['data', 'user'],
      })
      .reply(201, {
        name: 'ci bot',
        scope: ['data', 'user'],
        user: 7,
        client_id: 'cid-1',
        client_secret: 'csec-1',
        authorized_grant_types: ['client_credentials'],
      });
    await expect(createClient(transport, API, session, NEW)).resolves.toEqual({
      clientId: 'cid-1',
      clientSecret: 'csec-1',
      name: 'ci bot',
      listId: '',
    });
    scope.done();
  });

  test.each<[number, unknown, RegExp]>([
    [
      401,
      { status: 401, message: 'Full authentication is required' },
      /The Domo session is not valid/,
    ],
    [403, { status: 403, message: 'Forbidden' }, /needs the "Create API OAuth Clients" grant/],
    [
      400,
      { status: 400, message: 'Name taken' },
      /A Domo API client named "x" probably exists already: Domo refuses a second client of the same name\. Set another `client-name`, or leave it empty for a name unique to each run/,
    ],
    [400, { status: 400, message: 'Invalid scope: foo' }, /Domo refused a scope: .* in `scope`/],
    [404, {}, /check `api-url`/],
    [429, {}, /Domo is rate-limiting: raise `retries`, or re-run the job later\.$/],
    [500, {}, /HTTP 500\. Domo had a server error: re-run the job later\.$/],
    [418, {}, /failed: HTTP 418\.$/],
    [200, { name: 'x' }, /HTTP 200 without a client_id and client_secret/],
  ])('HTTP %d: an actionable error', async (status, body, message) => {
    nock(API)
      .post('/clients')
      .reply(status, body as object);
    const err = await failure(createClient(transport, API, session, { ...NEW, name: 'x' }));
    expect(err.message).toMatch(/^Domo client creation \(POST \/clients\) failed/);
    expect(err.message).toMatch(message);
  });

  test.each<[string, () => nock.Scope, boolean]>([
    [
      'a reset after sending',
      () => nock(API).post('/clients').replyWithError(socketError('ECONNRESET')),
      true,
    ],
    ['HTTP 500', () => nock(API).post('/clients').reply(500, {}), true],
    ['HTTP 504', () => nock(API).post('/clients').reply(504, {}), true],
    ['HTTP 408', () => nock(API).post('/clients').reply(408, {}), true],
    ['a 2xx without credentials', () => nock(API).post('/clients').reply(200, {}), true],
    [
      'connection refused',
      () => nock(API).post('/clients').replyWithError(socketError('ECONNREFUSED')),
      false,
    ],
    ['HTTP 503', () => nock(API).post('/clients').reply(503, {}), false],
    ['HTTP 429', () => nock(API).post('/clients').reply(429, {}), false],
    ['HTTP 403', () => nock(API).post('/clients').reply(403, {}), false],
  ])('after %s, the error names the client that may exist: %s', async (_, reply, named) => {
    reply();
    const err = warnOfOrphan(
      await failure(createClient(transport, API, session, { ...NEW, name: 'gha o/r run 1' })),
      'gha o/r run 1',
    ) as Error;
    expect(err.message.includes('Domo may have created the client "gha o/r run 1"')).toBe(named);
  });
});

test.each<[string | undefined, string]>([
  [undefined, ''],
  ['Check `scope`.', ' Check `scope`.'],
])('warnOfOrphan names the client, then keeps the hint it had (%j)', (hint, after) => {
  const err = new DomoError({
    call: 'Domo client creation',
    kind: 'timeout',
    detail: 'slow',
    hint,
  });
  expect((warnOfOrphan(err, 'bot') as Error).message).toBe(
    `Domo client creation failed: slow. Domo may have created the client "bot" anyway; it was not retried, to avoid a duplicate. Look for it in Admin > Security > Access tokens (or Domo's developer portal, My Account > Clients) and delete it.${after}`,
  );
});

describe('createWithDeveloperToken (on the instance)', () => {
  test('POST developer-tokens with X-DOMO-Developer-Token and `scopes`; 201 with the numeric id', async () => {
    const scope = nock(INSTANCE, {
      reqheaders: { 'x-domo-developer-token': 'dev-1', 'content-type': 'application/json' },
      badheaders: ['x-domo-authentication'],
    })
      .post('/api/identity/v1/developer-tokens', {
        name: 'ci bot',
        description: 'Created by domo-auth for a test',
        scopes: ['data', 'user'],
      })
      .reply(201, { id: 88, name: 'ci bot', clientId: 'cid-8', clientSecret: 'csec-8', userId: 7 });
    await expect(createWithDeveloperToken(transport, INSTANCE, 'dev-1', NEW)).resolves.toEqual({
      clientId: 'cid-8',
      clientSecret: 'csec-8',
      name: 'ci bot',
      listId: '88',
    });
    scope.done();
  });

  test.each<[string, unknown]>([
    ['no id', { clientId: 'c', clientSecret: 's' }],
    ['an id that is no number', { id: '12/../x', clientId: 'c', clientSecret: 's' }],
    ['a negative id', { id: -3, clientId: 'c', clientSecret: 's' }],
  ])('%s: no list id (the post step looks the client up instead)', async (_, body) => {
    nock(INSTANCE)
      .post('/api/identity/v1/developer-tokens')
      .reply(201, body as object);
    const created = await createWithDeveloperToken(transport, INSTANCE, 'dev-1', NEW);
    expect(created.listId).toBe('');
  });

  test.each<[number, unknown, RegExp]>([
    [
      401,
      { status: 401, message: 'Full authentication is required' },
      /Domo refused the developer token: it has expired or been revoked, or it belongs to another instance than `instance`\. Make a new one in Admin > Security > Access tokens/,
    ],
    [
      403,
      { status: 403, message: 'Forbidden' },
      /The developer token's owner may not create API clients: give that user the "Create API OAuth Clients" grant/,
    ],
    [400, { status: 400, message: 'exists' }, /named "ci bot" probably exists already/],
    [404, {}, /check `instance`/],
    [201, { id: 1, clientId: 'c' }, /HTTP 201 without a clientId and clientSecret/],
  ])('HTTP %d: an actionable error', async (status, body, message) => {
    nock(INSTANCE)
      .post('/api/identity/v1/developer-tokens')
      .reply(status, body as object);
    const err = await failure(createWithDeveloperToken(transport, INSTANCE, 'dev-1', NEW));
    expect(err.message).toMatch(
      /^Domo client creation \(POST \/api\/identity\/v1\/developer-tokens\) failed/,
    );
    expect(err.message).toMatch(message);
  });
});

describe('the instance list of API clients, and revocation', () => {
  const session: InstanceAuth = { kind: 'session', credential: 'sess-1' };
  const developer: InstanceAuth = { kind: 'developer-token', credential: 'dev-1' };

  test.each([
    ['a bare list', [{ id: 12, clientId: 'cid-1', name: 'n' }]],
    [
      'wrapped in entries',
      {
        entries: [
          { id: 11, clientId: 'cid-0' },
          { id: '12', client_id: 'cid-1' },
        ],
      },
    ],
    [
      'with junk entries',
      [
        null,
        3,
        { clientId: 'cid-1' },
        { id: 'x', clientId: 'cid-1' },
        { id: 12, clientId: 'cid-1' },
      ],
    ],
  ])('%s: lists and finds the client by its id', async (_, body) => {
    nock(INSTANCE, { reqheaders: { 'x-domo-authentication': 'sess-1' } })
      .get('/api/identity/v1/developer-tokens')
      .reply(200, body);
    const list = await listClients(transport, INSTANCE, session);
    expect(findListed(list, { clientId: 'cid-1', name: 'other', listId: '' })?.id).toBe('12');
    expect(findListed(list, { clientId: 'cid-9', name: 'other', listId: '' })).toBeUndefined();
  });

  test('with a developer token the list is read with X-DOMO-Developer-Token', async () => {
    const scope = nock(INSTANCE, {
      reqheaders: { 'x-domo-developer-token': 'dev-1' },
      badheaders: ['x-domo-authentication'],
    })
      .get('/api/identity/v1/developer-tokens')
      .reply(200, []);
    await expect(listClients(transport, INSTANCE, developer)).resolves.toEqual([]);
    scope.done();
  });

  test('a list of the wrong shape is an error', async () => {
    nock(INSTANCE).get('/api/identity/v1/developer-tokens').reply(200, { items: [] });
    await expect(listClients(transport, INSTANCE, session)).rejects.toThrow(
      /Domo API client list \(GET \/api\/identity\/v1\/developer-tokens\) failed: HTTP 200.*neither a list nor an object with `entries`|neither a list nor an object with `entries`/,
    );
  });

  const full = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
  test.each<[string, Array<{ id: string; clientId?: string; name?: string }>, string | undefined]>([
    ['by full client id', [{ id: '1', clientId: full, name: 'x' }], '1'],
    ['by the numeric id', [{ id: '7', clientId: 'zzz', name: 'x' }], '7'],
    ['by name when the id is shortened', [{ id: '2', clientId: '3f2a9c1e…', name: 'mine' }], '2'],
    [
      'by name when the id is cut with ...',
      [{ id: '2', clientId: '3f2a9c...', name: 'mine' }],
      '2',
    ],
    ['by name when the id is cut bare', [{ id: '2', clientId: '3f2a9c1e', name: 'mine' }], '2'],
    // The name alone is never enough: the name can be taken again once the client is deleted.
    [
      'not by name when the id is masked',
      [{ id: '2', clientId: '3f2a****5a6b', name: 'mine' }],
      undefined,
    ],
    [
      "not by name when the list shows another client's full id",
      [{ id: '2', clientId: '9e1d2c3b-5b7d-4e8f-9a0b-1c2d3e4f5a6b', name: 'mine' }],
      undefined,
    ],
    [
      'not by name when the id shown is only the ellipsis',
      [{ id: '2', clientId: '…', name: 'mine' }],
      undefined,
    ],
    ['by name when no id is shown', [{ id: '3', name: 'mine' }], '3'],
    [
      'not by name when the id is shown in another form',
      [{ id: '4', clientId: 'AAAA1111', name: 'mine' }],
      undefined,
    ],
    [
      'the client id before the name',
      [
        { id: '8', clientId: '3f2a9c1e…', name: 'mine' },
        { id: '9', clientId: full, name: 'other' },
      ],
      '9',
    ],
    [
      'nothing when neither matches',
      [{ id: '5', clientId: full.slice(0, 8), name: 'theirs' }],
      undefined,
    ],
    ['not by a name that is not text', [{ id: '6', clientId: 'other' }], undefined],
  ])('findListed %s', (_, list, id) => {
    const entries = list.map((e) => ({
      id: e.id,
      shownId: e.id,
      clientId: e.clientId,
      name: e.name,
      description: undefined,
    }));
    const listId = list[0]!.id === '7' ? '7' : '';
    expect(findListed(entries, { clientId: full, name: 'mine', listId })?.id).toBe(id);
  });

  test.each<[string, InstanceAuth, Record<string, string>]>([
    ['a session', session, { 'x-domo-authentication': 'sess-1' }],
    ['a developer token', developer, { 'x-domo-developer-token': 'dev-1' }],
  ])('revokes by the numeric id with %s', async (_, auth, headers) => {
    const scope = nock(INSTANCE, { reqheaders: headers })
      .delete('/api/identity/v1/developer-tokens/12')
      .reply(204);
    await expect(revokeClient(transport, INSTANCE, auth, '12')).resolves.toBe('deleted');
    scope.done();
  });

  test.each([400, 404])('HTTP %d to the DELETE means Domo has no such client', async (status) => {
    nock(INSTANCE).delete('/api/identity/v1/developer-tokens/12').reply(status, {});
    await expect(revokeClient(transport, INSTANCE, session, '12')).resolves.toBe('not-found');
  });

  test('other failures are errors naming the call', async () => {
    nock(INSTANCE)
      .delete('/api/identity/v1/developer-tokens/12')
      .reply(401, { message: 'expired' });
    await expect(revokeClient(transport, INSTANCE, session, '12')).rejects.toThrow(
      /^Domo API client revocation \(DELETE \/api\/identity\/v1\/developer-tokens\/\{id\}\) failed: HTTP 401 \(expired\)/,
    );
  });
});

test.each<[unknown, string]>([
  [12, '12'],
  [0, '0'],
  ['12', '12'],
  ['0012', '0012'],
  [-1, ''],
  [1.5, ''],
  [2 ** 53, ''],
  ['1'.repeat(21), ''],
  ['12a', ''],
  [' 12', ''],
  ['', ''],
  [null, ''],
  [undefined, ''],
  [{}, ''],
])('numericId(%j) is %j: only a whole number goes into a URL path', (value, id) => {
  expect(numericId(value)).toBe(id);
});

test('a list entry whose name is not text is found by its client id only', async () => {
  nock(INSTANCE)
    .get('/api/identity/v1/developer-tokens')
    .reply(200, [{ id: 4, clientId: 'cid-4', name: 7 }]);
  const list = await listClients(transport, INSTANCE, { kind: 'session', credential: 's' });
  expect(list).toEqual([
    { id: '4', shownId: '4', clientId: 'cid-4', name: undefined, description: undefined },
  ]);
});
