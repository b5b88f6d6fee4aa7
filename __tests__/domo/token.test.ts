import { afterEach, describe, expect, test } from '@jest/globals';
import nock from '../helpers/nock.js';

const { createTransport } = await import('../../src/http.js');
const { basicCredential, parseToken, requestToken, tokenHint } =
  await import('../../src/domo/token.js');
const { DomoError } = await import('../../src/errors.js');
const { forget, MIN_FRAGMENT_LENGTH, scrub } = await import('../../src/secrets.js');

const API = 'https://api.domo.test';
const transport = createTransport({ timeoutMs: 2000 });
const basic = basicCredential('id-1', 'secret-1');
const request = { apiUrl: API, basicCredential: basic, scopes: ['data', 'user'] };
const answer = {
  access_token: 'tok-1',
  customer: 'acmecompany',
  expires_in: 3599,
  jti: 'j',
  role: 'Admin',
  scope: 'data user',
  token_type: 'bearer',
  userId: 964382593,
};
const token = {
  accessToken: 'tok-1',
  tokenType: 'bearer',
  expiresIn: 3599,
  scope: 'data user',
  customer: 'acmecompany',
  userId: '964382593',
  role: 'Admin',
};

afterEach(() => {
  nock.cleanAll();
  forget();
});

test('the Basic credential is base64(id:secret), as curl -u sends it', () => {
  expect(basicCredential('id-1', 'secret-1')).toBe(Buffer.from('id-1:secret-1').toString('base64'));
  expect(basicCredential('ïd', 'sé:c%r\nt')).toBe(
    Buffer.from('ïd:sé:c%r\nt', 'utf8').toString('base64'),
  );
});

describe('requestToken', () => {
  test('GET with Basic auth, grant_type and space-separated scope in the query', async () => {
    const scope = nock(API, {
      reqheaders: { authorization: `Basic ${basic}`, accept: 'application/json' },
    })
      .get('/oauth/token')
      .query((q) => q.grant_type === 'client_credentials' && q.scope === 'data user')
      .reply(200, answer);
    await expect(requestToken(transport, request, 'GET')).resolves.toEqual(token);
    scope.done();
  });

  test("the query encodes the space as %20, as Domo's docs show", async () => {
    let path = '';
    nock(API)
      .get(/.*/)
      .reply(function (uri) {
        path = uri;
        return [200, answer];
      });
    await requestToken(transport, request, 'GET');
    expect(path).toBe('/oauth/token?grant_type=client_credentials&scope=data%20user');
  });

  test('a 405 to GET is sent once more as a form POST, and the switch is reported', async () => {
    const get = nock(API)
      .get('/oauth/token')
      .query(true)
      .reply(405, { error: 'method_not_allowed' });
    const post = nock(API, {
      reqheaders: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
    })
      .post('/oauth/token', 'grant_type=client_credentials&scope=data+user')
      .reply(200, answer);
    const methods: string[] = [];
    await expect(requestToken(transport, request, 'GET', (m) => methods.push(m))).resolves.toEqual(
      token,
    );
    expect(methods).toEqual(['POST']);
    get.done();
    post.done();
  });

  test('POST directly when told to (a retry after the switch)', async () => {
    const post = nock(API).post('/oauth/token').reply(200, answer);
    await expect(requestToken(transport, request, 'POST')).resolves.toEqual(token);
    post.done();
  });

  test('a 405 to the POST too is a failure, not a loop', async () => {
    nock(API).get('/oauth/token').query(true).reply(405, '');
    nock(API).post('/oauth/token').reply(405, '');
    const err = await requestToken(transport, request, 'GET').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomoError);
    expect((err as InstanceType<typeof DomoError>).message).toMatch(
      /HTTP 405\. Domo refused both GET and POST/,
    );
  });

  test.each([
    [
      401,
      { error: 'unauthorized', error_description: 'Bad credentials' },
      'Domo token request failed: HTTP 401 (Bad credentials). Check `client-id` and `client-secret`',
    ],
    [
      400,
      { error: 'invalid_scope', error_description: 'Invalid scope: user' },
      'Domo token request failed: HTTP 400 (Invalid scope: user). The client was not granted every scope asked for ("data user")',
    ],
    [
      400,
      { error: 'invalid_request' },
      'Domo token request failed: HTTP 400 (invalid_request). Domo rejected the request: check `scope` ("data user").',
    ],
    [
      403,
      { message: 'Forbidden' },
      'Domo token request failed: HTTP 403 (Forbidden). The client may not get this token',
    ],
    [
      404,
      '<html><title>Not Found</title></html>',
      'Domo token request failed: HTTP 404 (an HTML page titled "Not Found", not JSON: a proxy or gateway answered instead of Domo\'s API). Nothing answers at this address: check `api-url`',
    ],
    [
      400,
      '',
      'Domo token request failed: HTTP 400. Domo rejected the request: check `scope` ("data user").',
    ],
    [429, '', 'Domo token request failed: HTTP 429. Domo is rate-limiting token requests'],
    [
      503,
      { status: 503, statusReason: 'Service Unavailable' },
      'Domo token request failed: HTTP 503 (Service Unavailable). Domo (or a gateway in front of it) had a server error: re-run the job later.',
    ],
  ])('HTTP %d: an actionable error', async (status, body, message) => {
    nock(API).get('/oauth/token').query(true).reply(status, body);
    const err = (await requestToken(transport, request, 'GET').catch((e: unknown) => e)) as Error;
    expect(err.message.startsWith(message)).toBe(true);
  });

  test('a redirect is refused and explained', async () => {
    nock(API).get('/oauth/token').query(true).reply(302, '', { location: 'https://login.test/x' });
    const err = (await requestToken(transport, request, 'GET').catch((e: unknown) => e)) as Error;
    expect(err.message).toBe(
      'Domo token request failed: HTTP 302: a redirect to https://login.test/x, not followed because it would carry credentials. Point `api-url` (or `instance`) at the final address.',
    );
  });
});

describe('parseToken: a token the action cannot vouch for is refused', () => {
  test.each<[string, Record<string, unknown>, Partial<typeof token>]>([
    ['expires_in as digits in a string', { ...answer, expires_in: '3599' }, { expiresIn: 3599 }],
    ['scope as a list', { ...answer, scope: ['data', 'user'] }, { scope: 'data user' }],
    ['no token_type', { ...answer, token_type: undefined }, { tokenType: 'bearer' }],
    ['userId as a string', { ...answer, userId: '77' }, { userId: '77' }],
    [
      'no customer, role or user',
      { access_token: 't', expires_in: 1 },
      { customer: '', role: '', userId: '', scope: '' },
    ],
    [
      'fields as Domo sent them, workflow-command look-alikes included',
      { ...answer, customer: 'acme ##[error]x', role: '::warning::y', userId: ' 7 ' },
      { customer: 'acme ##[error]x', role: '::warning::y', userId: ' 7 ' },
    ],
    [
      'user_id when there is no userId',
      { ...answer, userId: null, user_id: 'u-9' },
      { userId: 'u-9' },
    ],
    ['expires_in of 1 s', { ...answer, expires_in: 1 }, { expiresIn: 1 }],
    ['an object where a string goes', { ...answer, customer: { a: 1 } }, { customer: '' }],
    ['true where a string goes', { ...answer, role: true }, { role: '' }],
    ['a number where a string goes', { ...answer, customer: 42 }, { customer: '42' }],
    [
      'a scope list with items that are not words',
      { ...answer, scope: ['data', 42, '', null, { a: 1 }, 'user'] },
      { scope: 'data user' },
    ],
    [
      'expires_in of 100 years',
      { ...answer, expires_in: 3_162_240_000 },
      { expiresIn: 3_162_240_000 },
    ],
    ['expires_in as digits with spaces', { ...answer, expires_in: ' 60 ' }, { expiresIn: 60 }],
  ])('accepts %s', (_, json, expected) => {
    expect(parseToken(json)).toMatchObject(expected);
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['no access_token', { ...answer, access_token: undefined }, /`access_token` is missing/],
    ['an empty access_token', { ...answer, access_token: ' ' }, /`access_token` is missing/],
    ['a numeric access_token', { ...answer, access_token: 42 }, /`access_token` is missing/],
    ['an access_token with a newline', { ...answer, access_token: 'a\nb' }, /control characters/],
    ['no expires_in', { ...answer, expires_in: undefined }, /`expires_in`/],
    ['a negative expires_in', { ...answer, expires_in: -1 }, /`expires_in`/],
    [
      'expires_in 0',
      { ...answer, expires_in: 0 },
      /`expires_in` is 0: a token must live at least 1 s/,
    ],
    [
      'expires_in "0"',
      { ...answer, expires_in: ' 0 ' },
      /`expires_in` is 0: a token must live at least 1 s/,
    ],
    [
      'a role with a newline',
      { ...answer, role: 'Ad\nmin' },
      /`role` contains a line break or control character \(U\+000A\)/,
    ],
    [
      'a customer with a bare CR',
      { ...answer, customer: 'a\rb' },
      /`customer` contains a line break .*U\+000D/,
    ],
    [
      'a userId with U+2028',
      { ...answer, userId: '7\u2028' },
      /`userId` contains a line break .*U\+2028/,
    ],
    [
      'a user_id with a tab',
      { ...answer, userId: undefined, user_id: '7\t' },
      /`user_id` contains/,
    ],
    [
      'a scope item with a newline',
      { ...answer, scope: ['data', 'x\n::error::y'] },
      /`scope` contains/,
    ],
    ['a token_type with NUL', { ...answer, token_type: 'bearer\u0000' }, /`token_type` contains/],
    [
      'an access_token with a C1 control',
      { ...answer, access_token: 'a\u0085b' },
      /control characters/,
    ],
    ['a fractional expires_in', { ...answer, expires_in: 1.5 }, /`expires_in`/],
    ['a wordy expires_in', { ...answer, expires_in: 'soon' }, /`expires_in`/],
    ['expires_in "+5"', { ...answer, expires_in: '+5' }, /`expires_in` is missing, not a whole/],
    ['expires_in "1e3"', { ...answer, expires_in: '1e3' }, /`expires_in` is missing, not a whole/],
    [
      'expires_in "0x10"',
      { ...answer, expires_in: '0x10' },
      /`expires_in` is missing, not a whole/,
    ],
    [
      'expires_in past 100 years',
      { ...answer, expires_in: 3_162_240_001 },
      /`expires_in` is missing, not a whole number of seconds, or beyond 100 years/,
    ],
    [
      'a scope string with a newline',
      { ...answer, scope: 'data\n::error::x' },
      /^Domo token request failed: .*`scope` contains a line break/,
    ],
  ])('refuses %s', (_, json, message) => {
    expect(() => parseToken(json)).toThrow(message);
    try {
      parseToken(json);
    } catch (err) {
      expect((err as InstanceType<typeof DomoError>).kind).toBe('response');
      expect((err as Error).message).toMatch(/check that `api-url` points at Domo's public API/i);
    }
  });
});

test(`an access token of ${MIN_FRAGMENT_LENGTH} characters or more is redacted from the moment it is read, even from a refused answer`, () => {
  for (const [accessToken, shown] of [
    ['abcdef', 'saw ***'],
    ['abcde', 'saw abcde'],
  ] as const) {
    forget();
    expect(() => parseToken({ ...answer, access_token: accessToken, expires_in: 'soon' })).toThrow(
      /`expires_in`/,
    );
    expect(scrub(`saw ${accessToken}`)).toBe(shown);
  }
});

test.each([
  [418, undefined],
  [499, undefined],
  [500, 'Domo (or a gateway in front of it) had a server error: re-run the job later.'],
  [504, 'Domo (or a gateway in front of it) had a server error: re-run the job later.'],
])('the hint for a token request that ended in HTTP %d', (status, hint) => {
  expect(
    tokenHint(new DomoError({ call: 'Domo token request', kind: 'http', status }), 'data'),
  ).toBe(hint);
});
