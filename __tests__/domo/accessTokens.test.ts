/** The instance's access tokens: minting, listing and revoking (src/domo/accessTokens.ts). */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import nock, { socketError } from '../helpers/nock.js';
import { DomoError } from '../../src/errors.js';
import type { InstanceAuth } from '../../src/domo/auth.js';
import type { NewAccessToken } from '../../src/domo/accessTokens.js';

const { createTransport } = await import('../../src/http.js');
const { forget, knownSecrets } = await import('../../src/secrets.js');
const { withRetry } = await import('../../src/retry.js');
const {
  LIST_TOKENS_CALL,
  MINT_CALL,
  REVOKE_TOKEN_CALL,
  listAccessTokens,
  mintAccessToken,
  revokeAccessToken,
  warnOfOrphanToken,
} = await import('../../src/domo/accessTokens.js');

const INSTANCE = 'https://acme.domo.test';
const PATH = '/api/data/v1/accesstokens';
const transport = createTransport({ timeoutMs: 2000 });
const DEV: InstanceAuth = { kind: 'developer-token', credential: 'dev-1' };
const SESSION: InstanceAuth = { kind: 'session', credential: 'sess-1' };
const HEADERS: Array<[string, InstanceAuth, Record<string, string>, string]> = [
  ['a developer token', DEV, { 'x-domo-developer-token': 'dev-1' }, 'x-domo-authentication'],
  ['a session', SESSION, { 'x-domo-authentication': 'sess-1' }, 'x-domo-developer-token'],
];

const NAME = 'github-actions acme/site run 42.1 deploy 0a1b2c';
const EXPIRES = 1_800_000_000_000;
const WANTED: NewAccessToken = { name: NAME, ownerId: '964382593', expiresMs: EXPIRES };
const TOKEN = 'tok-SECRET-0123456789abcdef';

afterEach(() => {
  nock.cleanAll();
  forget();
});

function mint(
  auth: InstanceAuth = SESSION,
  wanted: NewAccessToken = WANTED,
  sourceIsDeveloperToken = auth.kind === 'developer-token',
) {
  const onSecret = jest.fn<(value: string) => void>();
  const result = mintAccessToken(transport, INSTANCE, auth, wanted, {
    onSecret,
    sourceIsDeveloperToken,
  });
  return { result, onSecret };
}

/** The failure of a mint, with what it masked, for answers that must be refused. */
async function mintFailure(auth: InstanceAuth = SESSION) {
  const { result, onSecret } = mint(auth);
  const err = await result.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DomoError);
  return { err: err as DomoError, masked: onSecret.mock.calls.map(([v]) => v) };
}

describe('mintAccessToken', () => {
  test.each(HEADERS)(
    'POSTs the name, the owner as a number and the expiry, with %s',
    async (_, auth, reqheaders, other) => {
      const scope = nock(INSTANCE, {
        reqheaders: { ...reqheaders, 'content-type': 'application/json' },
        badheaders: [other, 'cookie'],
      })
        .post(
          PATH,
          (body: string) =>
            JSON.stringify(body) ===
            JSON.stringify({ name: NAME, ownerId: 964382593, expires: EXPIRES }),
        )
        .reply(201, { id: 77, token: TOKEN, name: NAME, expires: EXPIRES + 5 });
      const { result, onSecret } = mint(auth);
      await expect(result).resolves.toEqual({
        id: '77',
        token: TOKEN,
        name: NAME,
        expiresMs: EXPIRES + 5,
      });
      expect(onSecret).toHaveBeenCalledWith(TOKEN);
      expect(knownSecrets()).toContain(TOKEN);
      scope.done();
    },
  );

  test.each<[string, string, string]>([
    ['a user id', '964382593', '"ownerId":964382593,'],
    ['leading zeros dropped (no JSON number has them)', '007', '"ownerId":7,'],
    ['zero', '0', '"ownerId":0,'],
    // Beyond a double's exact integers: sent digit for digit, never rounded.
    ['a 20-digit id', '12345678901234567891', '"ownerId":12345678901234567891,'],
  ])('the owner is sent as a JSON number: %s', async (_, ownerId, sent) => {
    nock(INSTANCE).post(PATH).reply(200, { id: 1, token: TOKEN });
    const bodies: Array<string | undefined> = [];
    const recording: typeof transport = (request) => (
      bodies.push(request.body),
      transport(request)
    );
    await mintAccessToken(
      recording,
      INSTANCE,
      SESSION,
      { ...WANTED, ownerId },
      {
        onSecret: () => {},
        sourceIsDeveloperToken: false,
      },
    );
    expect(bodies).toEqual([`{"name":${JSON.stringify(NAME)},${sent}"expires":${EXPIRES}}`]);
  });

  test.each<[string, unknown, string, number]>([
    ['200, a digit-string id, no expiry: as asked', { id: '88', token: TOKEN }, '88', EXPIRES],
    ['an expiry that is no number: as asked', { id: 8, token: TOKEN, expires: '1' }, '8', EXPIRES],
    ['an expiry of 0: as asked', { id: 8, token: TOKEN, expires: 0 }, '8', EXPIRES],
    [
      'an expiry as Domo says it',
      { id: 8, token: TOKEN, expires: 1_700_000_000_000 },
      '8',
      1_700_000_000_000,
    ],
  ])('%s', async (_, answer, id, expiresMs) => {
    nock(INSTANCE)
      .post(PATH)
      .reply(200, answer as object);
    await expect(mint().result).resolves.toEqual({ id, token: TOKEN, name: NAME, expiresMs });
  });

  test.each<[string, number, unknown, string]>([
    ['no token', 200, { id: 5 }, 'HTTP 200 without a `token` (token id 5)'],
    ['an empty token', 201, { id: 5, token: '' }, 'HTTP 201 without a `token` (token id 5)'],
    [
      'a token that is no string',
      200,
      { id: 5, token: 12345678 },
      'HTTP 200 without a `token` (token id 5)',
    ],
    [
      'a short token',
      200,
      { id: 5, token: 'abc' },
      'HTTP 200 with a `token` too short to mask (3 characters) (token id 5)',
    ],
    ['no id', 201, { token: TOKEN }, 'HTTP 201 without a numeric `id`'],
    [
      'an id that is no number',
      201,
      { id: '5/../6', token: TOKEN },
      'HTTP 201 without a numeric `id`',
    ],
    [
      'another 2xx',
      202,
      { id: 5, token: TOKEN },
      'HTTP 202 where 200 or 201 was expected (token id 5)',
    ],
    ['a list', 200, [{ id: 5, token: TOKEN }], 'HTTP 200 without a `token`'],
  ])('%s: refused, and nothing of the answer shows', async (_, status, answer, what) => {
    nock(INSTANCE)
      .post(PATH)
      .reply(status, answer as object);
    const { err } = await mintFailure();
    expect(err).toMatchObject({ kind: 'response', summary: `${MINT_CALL}: ${what}` });
    expect(err.message).not.toContain(TOKEN);
  });

  test.each<[string, string]>([
    ['a space', 'tok-SECRET 0123456789'],
    ['a line break', 'tok-SECRET-0123\n::error::forged'],
    ['a carriage return', 'tok-SECRET-0123\r456789'],
    ['a tab', 'tok-SECRET-0123\t456789'],
    ['U+0085', 'tok-SECRET-0123\u0085456789'],
    ['U+2028', 'tok-SECRET-0123\u2028456789'],
  ])('a token with %s: masked first, then refused', async (_, token) => {
    nock(INSTANCE).post(PATH).reply(201, { id: 5, token });
    const { err, masked } = await mintFailure();
    expect(masked).toContain(token);
    expect(knownSecrets()).toContain(token);
    expect(err.summary).toBe(
      `${MINT_CALL}: HTTP 201 with a \`token\` that contains spaces or control characters (token id 5)`,
    );
  });

  test.each<[string, number, string]>([
    ['an answer cut off inside the token', 200, `{"id": 5, "token": "${TOKEN}`],
    ['an answer cut off after the token', 201, `{"token":"${TOKEN}", "id": `],
    ['an error page that shows the token', 500, `token ${TOKEN} "token" : "${TOKEN}"`],
  ])('%s: the token is masked before the answer is quoted', async (_, status, body) => {
    nock(INSTANCE).post(PATH).reply(status, body);
    const { err, masked } = await mintFailure();
    expect(masked).toContain(TOKEN);
    expect(err.message).toContain('***');
    expect(err.message).not.toContain('SECRET');
  });

  test('a JSON-escaped token is masked as the token it stands for', async () => {
    nock(INSTANCE).post(PATH).reply(200, `{"token": "tok\\u002dSECRET\\"-0123", "id": 5`);
    const { masked } = await mintFailure();
    expect(masked).toContain('tok-SECRET"-0123');
  });

  test('a token under a JSON-escaped key is masked too', async () => {
    nock(INSTANCE).post(PATH).reply(201, `{"id": 5, "\\u0074oken": "tok-SECRET 0123"}`);
    const { err, masked } = await mintFailure();
    expect(masked).toEqual(['tok-SECRET 0123']);
    expect(err.summary).toContain('spaces or control characters');
  });

  const GRANT =
    'This user may not create access tokens on this instance (Domo gives that to admins and to the "Manage all access tokens" grant).';
  test.each<[string, InstanceAuth, boolean, string]>([
    [
      'a session',
      SESSION,
      false,
      `${GRANT} Give that user the grant, or, without it, use \`developer-token\` (made in Admin > Security > Access tokens) with \`job-token: false\`.`,
    ],
    [
      'a developer token',
      DEV,
      true,
      `${GRANT} Give that user the grant, or set \`job-token: false\` to hand \`developer-token\` to later steps as it is.`,
    ],
    // The caller knows the source better than the header: here, a developer token it said is not one.
    [
      'a session, whatever the header',
      DEV,
      false,
      `${GRANT} Give that user the grant, or, without it, use \`developer-token\` (made in Admin > Security > Access tokens) with \`job-token: false\`.`,
    ],
  ])('401 and 403 with %s: the grant, and the way without it', async (_, auth, isDev, hint) => {
    for (const status of [401, 403]) {
      nock(INSTANCE).post(PATH).reply(status, { message: 'Forbidden' });
      await expect(mint(auth, WANTED, isDev).result).rejects.toMatchObject({
        message: `${MINT_CALL} failed: HTTP ${status} (Forbidden). ${hint}`,
      });
    }
  });

  test.each<[string, (i: nock.Interceptor) => nock.Scope, string | undefined]>([
    [
      '400',
      (i) => i.reply(400, { message: 'Bad Request' }),
      "Domo refused the token's settings: most likely the owner (user 964382593) or the lifetime, which this instance may not allow: try fewer `job-token-hours`.",
    ],
    ['404', (i) => i.reply(404), 'Nothing answers at this address: check `instance`.'],
    [
      '429',
      (i) => i.reply(429),
      'Domo is rate-limiting: raise `retries`, or re-run the job later.',
    ],
    ['500', (i) => i.reply(500), 'Domo had a server error: re-run the job later.'],
    ['409', (i) => i.reply(409), undefined],
    [
      'a timeout',
      (i) => i.replyWithError(socketError('ETIMEDOUT')),
      "Raise `timeout-seconds`, or check the runner's network and `https_proxy`/`no_proxy`.",
    ],
    [
      'a body that is no JSON',
      (i) => i.reply(200, 'ok'),
      "Something other than Domo's instance API may have answered: check `instance`.",
    ],
  ])('%s: the advice for it', async (_, answer, hint) => {
    answer(nock(INSTANCE).post(PATH));
    const { err } = await mintFailure();
    expect(err.hint).toBe(hint);
  });

  test.each<[string, NewAccessToken]>([
    ['an owner that is no user id', { ...WANTED, ownerId: '12a' }],
    ['an empty owner', { ...WANTED, ownerId: '' }],
    ['an expiry that is no time', { ...WANTED, expiresMs: 1.5 }],
    ['an expiry of 0', { ...WANTED, expiresMs: 0 }],
  ])('%s: refused before any request', async (_, wanted) => {
    const sent = jest.fn<typeof transport>();
    await expect(
      mintAccessToken(sent, INSTANCE, SESSION, wanted, {
        onSecret: () => {},
        sourceIsDeveloperToken: false,
      }),
    ).rejects.toThrow(/^(ownerId|expiresMs) must be/);
    expect(sent).not.toHaveBeenCalled();
  });
});

describe('minting with retries, and the token that may exist', () => {
  const clock = { now: () => 0, sleep: async () => {} };
  const mintWithRetry = () =>
    withRetry(() => mint().result, { retries: 3, safety: 'creates', clock, random: () => 0.5 });

  test('a 503 (Domo did not act) is retried: one token', async () => {
    nock(INSTANCE).post(PATH).reply(503).post(PATH).reply(201, { id: 9, token: TOKEN });
    await expect(mintWithRetry()).resolves.toMatchObject({ id: '9', token: TOKEN });
  });

  const ORPHAN = `Domo may have created the access token "${NAME}" anyway; it was not retried, to avoid a second one. Look for it in Admin > Security > Access tokens and revoke it.`;
  test.each<[string, (i: nock.Interceptor) => nock.Scope, string]>([
    ['a 502', (i) => i.reply(502), 'Domo had a server error: re-run the job later.'],
    ['a 408', (i) => i.reply(408), ''],
    [
      'a reset after sending',
      (i) => i.replyWithError(socketError('ECONNRESET')),
      'The connection broke: re-run the job; on self-hosted runners check the proxy.',
    ],
    [
      'a 2xx without a usable token',
      (i) => i.reply(201, { id: 9 }),
      "Something other than Domo's instance API may have answered: check `instance`.",
    ],
  ])('%s: sent once, and the error names the token', async (_, answer, hint) => {
    answer(nock(INSTANCE).post(PATH));
    const err = await mintWithRetry().catch((e: unknown) => warnOfOrphanToken(e, NAME));
    expect((err as DomoError).hint).toBe(hint ? `${ORPHAN} ${hint}` : ORPHAN);
    expect(nock.isDone()).toBe(true);
  });

  test.each<[string, DomoError]>([
    ['401', new DomoError({ call: MINT_CALL, kind: 'http', status: 401, hint: 'h' })],
    ['400', new DomoError({ call: MINT_CALL, kind: 'http', status: 400, hint: 'h' })],
    ['429', new DomoError({ call: MINT_CALL, kind: 'http', status: 429, hint: 'h' })],
    ['503', new DomoError({ call: MINT_CALL, kind: 'http', status: 503, hint: 'h' })],
    ['a refused connection', new DomoError({ call: MINT_CALL, kind: 'refused', hint: 'h' })],
  ])('%s: Domo surely made nothing, so the advice stays as it was', (_, err) => {
    expect(warnOfOrphanToken(err, NAME)).toBe(err);
    expect(err.hint).toBe('h');
  });

  test('something that is no DomoError is returned as it is', () => {
    const err = new Error('x');
    expect(warnOfOrphanToken(err, NAME)).toBe(err);
    expect(err.message).toBe('x');
  });
});

describe('listAccessTokens', () => {
  test.each(HEADERS)('GETs the list with %s', async (_, auth, reqheaders, other) => {
    const scope = nock(INSTANCE, { reqheaders, badheaders: [other] })
      .get(PATH)
      .reply(200, []);
    await expect(listAccessTokens(transport, INSTANCE, auth)).resolves.toEqual([]);
    scope.done();
  });

  const ENTRY = { id: 77, name: NAME, ownerId: 964382593, expires: EXPIRES, type: 'DEVELOPER' };
  const LISTED = { id: '77', shownId: '77', name: NAME, ownerId: '964382593', expiresMs: EXPIRES };
  test.each<[string, unknown]>([
    ['a bare list', [ENTRY]],
    ['a list under `entries`', { entries: [ENTRY] }],
  ])('%s', async (_, answer) => {
    nock(INSTANCE)
      .get(PATH)
      .reply(200, answer as object);
    await expect(listAccessTokens(transport, INSTANCE, SESSION)).resolves.toEqual([LISTED]);
  });

  test.each<[string, unknown, object]>([
    ['a digit-string id', { id: '77' }, { id: '77', shownId: '"77"' }],
    ['an id that is a path', { id: '../7' }, { id: undefined, shownId: '"../7"' }],
    ['a negative id', { id: -7 }, { id: undefined, shownId: '-7' }],
    ['no id', {}, { id: undefined, shownId: 'none' }],
    ['a name that is no string', { id: 1, name: 5 }, { name: undefined }],
    ['an owner that is no user id', { id: 1, ownerId: 'me' }, { ownerId: undefined }],
    ['an expiry that is no number', { id: 1, expires: '2030-01-01' }, { expiresMs: undefined }],
    ['null', null, { id: undefined, name: undefined }],
  ])('an entry with %s', async (_, entry, fields) => {
    nock(INSTANCE).get(PATH).reply(200, [entry]);
    const [listed] = await listAccessTokens(transport, INSTANCE, SESSION);
    expect(listed).toMatchObject(fields);
  });

  test('a token value in the list is masked and never kept', async () => {
    nock(INSTANCE)
      .get(PATH)
      .reply(200, [{ ...ENTRY, token: TOKEN }]);
    const onSecret = jest.fn<(value: string) => void>();
    const listed = await listAccessTokens(transport, INSTANCE, SESSION, onSecret);
    expect(listed).toEqual([LISTED]);
    expect(JSON.stringify(listed)).not.toContain(TOKEN);
    expect(onSecret).toHaveBeenCalledWith(TOKEN);
    expect(knownSecrets()).toContain(TOKEN);
  });

  test.each<[string, number, unknown, string, string]>([
    [
      'an object without entries',
      200,
      { items: [] },
      'the answer is neither a list nor an object with `entries`',
      "Something other than Domo's instance API may have answered: check `instance`.",
    ],
    [
      '403',
      403,
      { message: 'Forbidden' },
      'HTTP 403 (Forbidden)',
      'Domo refused: the credential has expired or been revoked, or its user may not manage access tokens (admins and the "Manage all access tokens" grant may).',
    ],
    ['404', 404, {}, 'HTTP 404', 'Nothing answers at this address: check `instance`.'],
  ])('%s: an error naming the call, with advice', async (_, status, answer, what, hint) => {
    nock(INSTANCE)
      .get(PATH)
      .reply(status, answer as object);
    await expect(listAccessTokens(transport, INSTANCE, SESSION)).rejects.toMatchObject({
      summary: `${LIST_TOKENS_CALL}: ${what}`,
      hint,
    });
  });
});

describe('revokeAccessToken', () => {
  test.each(HEADERS)('DELETEs by id with %s', async (_, auth, reqheaders, other) => {
    const scope = nock(INSTANCE, { reqheaders, badheaders: [other] })
      .delete(`${PATH}/77`)
      .reply(204);
    await expect(revokeAccessToken(transport, INSTANCE, auth, '77')).resolves.toBe('deleted');
    scope.done();
  });

  test.each<[number, string]>([
    [200, 'deleted'],
    [400, 'not-found'],
    [404, 'not-found'],
  ])('HTTP %i: %s', async (status, outcome) => {
    nock(INSTANCE).delete(`${PATH}/5`).reply(status);
    await expect(revokeAccessToken(transport, INSTANCE, SESSION, '5')).resolves.toBe(outcome);
  });

  test.each<[number, string | undefined]>([
    [
      401,
      'Domo refused: the credential has expired or been revoked, or its user may not manage access tokens (admins and the "Manage all access tokens" grant may).',
    ],
    [500, 'Domo had a server error: re-run the job later.'],
  ])('HTTP %i: an error naming the call, with advice', async (status, hint) => {
    nock(INSTANCE).delete(`${PATH}/5`).reply(status);
    await expect(revokeAccessToken(transport, INSTANCE, SESSION, '5')).rejects.toMatchObject({
      summary: `${REVOKE_TOKEN_CALL}: HTTP ${status}`,
      hint,
    });
  });

  test.each(['', '../5', '5/6', '-5', '5 ', '%35'])(
    'an id that is not digits (%j): refused before any request',
    async (id) => {
      const sent = jest.fn<typeof transport>();
      await expect(revokeAccessToken(sent, INSTANCE, SESSION, id)).rejects.toThrow(
        'an access token id is digits',
      );
      expect(sent).not.toHaveBeenCalled();
    },
  );
});
