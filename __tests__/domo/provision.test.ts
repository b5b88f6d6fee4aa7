import { afterEach, describe, expect, test } from '@jest/globals';
import nock, { socketError } from '../helpers/nock.js';

const { createTransport } = await import('../../src/http.js');
const { signOn } = await import('../../src/domo/session.js');
const { createClient, deleteClient, warnOfOrphan } = await import('../../src/domo/clients.js');
const { findByClientId, listDeveloperTokens, revokeDeveloperToken } =
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

const session = { sessionToken: 'sess-1', customerDomain: 'acme.domo.test' };

describe('createClient', () => {
  test('POST /clients with the session headers and a name + scope list', async () => {
    const scope = nock(API, {
      reqheaders: {
        'x-domo-authentication': 'sess-1',
        'x-domo-customerdomain': 'acme.domo.test',
        'content-type': 'application/json',
      },
    })
      .post('/clients', { name: 'ci bot', scope: ['data', 'user'] })
      .reply(200, {
        name: 'ci bot',
        scope: ['data', 'user'],
        user: 7,
        client_id: 'cid-1',
        client_secret: 'csec-1',
        authorized_grant_types: ['client_credentials'],
      });
    await expect(
      createClient(transport, API, session, { name: 'ci bot', scopes: ['data', 'user'] }),
    ).resolves.toEqual({
      clientId: 'cid-1',
      clientSecret: 'csec-1',
      name: 'ci bot',
      scopes: ['data', 'user'],
    });
    scope.done();
  });

  test.each<[number, unknown, RegExp]>([
    [
      401,
      { status: 401, message: 'Full authentication is required' },
      /The Domo session is not valid/,
    ],
    [403, { status: 403, message: 'Forbidden' }, /"Create API OAuth Clients" grant/],
    [400, { status: 400, message: 'Name taken' }, /check `client-name`/],
    [200, { name: 'x' }, /HTTP 200 without a client_id and client_secret/],
  ])('HTTP %d: an actionable error', async (status, body, message) => {
    nock(API)
      .post('/clients')
      .reply(status, body as object);
    const err = await failure(
      createClient(transport, API, session, { name: 'x', scopes: ['data'] }),
    );
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
      await failure(
        createClient(transport, API, session, {
          name: 'github-actions o/r run 1',
          scopes: ['data'],
        }),
      ),
      'github-actions o/r run 1',
    ) as Error;
    expect(
      err.message.includes('Domo may have created the client "github-actions o/r run 1"'),
    ).toBe(named);
  });
});

describe('deleteClient and the developer-tokens fallback', () => {
  test('DELETE /clients/{id} with the session headers', async () => {
    const scope = nock(API, {
      reqheaders: { 'x-domo-authentication': 'sess-1', 'x-domo-customerdomain': 'acme.domo.test' },
    })
      .delete('/clients/cid%201')
      .reply(204);
    await expect(deleteClient(transport, API, session, 'cid 1')).resolves.toBe('deleted');
    scope.done();
  });

  test.each([404, 405])('HTTP %d means "not here": fall back', async (status) => {
    nock(API).delete('/clients/cid-1').reply(status, '');
    await expect(deleteClient(transport, API, session, 'cid-1')).resolves.toBe('unsupported');
  });

  test('other failures are errors', async () => {
    nock(API).delete('/clients/cid-1').reply(401, { message: 'expired' });
    await expect(deleteClient(transport, API, session, 'cid-1')).rejects.toThrow(
      /HTTP 401 \(expired\)/,
    );
  });

  test.each([
    [
      'wrapped in entries',
      {
        entries: [
          { id: 11, clientId: 'cid-0' },
          { id: 12, clientId: 'cid-1', name: 'n' },
        ],
      },
    ],
    ['a bare list', [{ id: '12', client_id: 'cid-1' }]],
    ['with junk entries', [null, 3, { clientId: 'cid-1' }, { id: 12, apiClientId: 'cid-1' }]],
  ])('lists developer tokens %s and finds the client', async (_, body) => {
    nock(INSTANCE, { reqheaders: { 'x-domo-authentication': 'sess-1' } })
      .get('/api/identity/v1/developer-tokens')
      .reply(200, body);
    const tokens = await listDeveloperTokens(transport, INSTANCE, 'sess-1');
    expect(findByClientId(tokens, 'cid-1')?.id).toBe('12');
    expect(findByClientId(tokens, 'cid-9')).toBeUndefined();
  });

  test('a list of the wrong shape is an error', async () => {
    nock(INSTANCE).get('/api/identity/v1/developer-tokens').reply(200, { items: [] });
    await expect(listDeveloperTokens(transport, INSTANCE, 'sess-1')).rejects.toThrow(
      /neither a list nor/,
    );
  });

  test('revokes by the numeric id', async () => {
    const scope = nock(INSTANCE, { reqheaders: { 'x-domo-authentication': 'sess-1' } })
      .delete('/api/identity/v1/developer-tokens/12')
      .reply(204);
    await revokeDeveloperToken(transport, INSTANCE, 'sess-1', '12');
    scope.done();
  });
});
