/**
 * Asking Domo who a credential belongs to (src/domo/users.ts), and what a refused
 * creation's error then advises (src/domo/refusal.ts).
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import nock, { socketError } from '../helpers/nock.js';
import { DomoError, type DomoErrorInit } from '../../src/errors.js';
import type { InstanceAuth } from '../../src/domo/auth.js';
import type { CredentialSource, DomoUser } from '../../src/domo/users.js';

const { createTransport } = await import('../../src/http.js');
const { currentUser, USER_CALL } = await import('../../src/domo/users.js');
const { explainRefusal, isRefusal, refusalHint } = await import('../../src/domo/refusal.js');

const INSTANCE = 'https://acme.domo.test';
const ME = '/api/content/v2/users/me';
const transport = createTransport({ timeoutMs: 2000 });

afterEach(() => nock.cleanAll());

const DEV: InstanceAuth = { kind: 'developer-token', credential: 'dev-1' };
const SESSION: InstanceAuth = { kind: 'session', credential: 'sess-1' };

describe('currentUser', () => {
  test.each<[string, InstanceAuth, Record<string, string>, string[]]>([
    ['a developer token', DEV, { 'x-domo-developer-token': 'dev-1' }, ['x-domo-authentication']],
    ['a session', SESSION, { 'x-domo-authentication': 'sess-1' }, ['x-domo-developer-token']],
  ])('GET users/me with %s in its header alone', async (_, auth, reqheaders, other) => {
    const scope = nock(INSTANCE, { reqheaders, badheaders: [...other, 'cookie', 'content-type'] })
      .get(ME)
      .reply(200, { id: 964382593, displayName: 'CI Robot', emailAddress: 'ci@acme.example' });
    await expect(currentUser(transport, INSTANCE, auth)).resolves.toEqual({
      id: '964382593',
      name: 'CI Robot',
    });
    scope.done();
  });

  test.each<[string, unknown, DomoUser]>([
    ['an id as a string of digits', { id: '964382593' }, { id: '964382593', name: '' }],
    ['no displayName: an empty name', { id: 7 }, { id: '7', name: '' }],
    ['a displayName that is no string', { id: 7, displayName: 42 }, { id: '7', name: '' }],
    [
      'displayName kept as it is',
      { id: 7, displayName: ' :: ##[x] É ' },
      { id: '7', name: ' :: ##[x] É ' },
    ],
  ])('%s', async (_, body, user) => {
    nock(INSTANCE)
      .get(ME)
      .reply(200, body as object);
    await expect(currentUser(transport, INSTANCE, DEV)).resolves.toEqual(user);
  });

  const RESPONSE_HINT =
    "Something other than Domo's instance API may have answered: check `instance`.";
  test.each<[string, number, unknown, string]>([
    ['no id', 200, { displayName: 'x' }, 'HTTP 200 without a user id'],
    ['a null id', 200, { id: null }, 'HTTP 200 without a user id'],
    ['only `userId`', 200, { userId: 7 }, 'HTTP 200 without a user id'],
    ['a list', 200, [{ id: 1 }], 'HTTP 200 without a user id'],
    ['an empty id', 200, { id: '' }, 'HTTP 200 with a user id that is not a number'],
    ['an id that is no number', 200, { id: 'u-7' }, 'HTTP 200 with a user id that is not a number'],
    ['an id with a sign', 200, { id: -7 }, 'HTTP 200 with a user id that is not a number'],
    ['a fractional id', 200, { id: 7.5 }, 'HTTP 200 with a user id that is not a number'],
    ['an id with a space', 200, { id: ' 7' }, 'HTTP 200 with a user id that is not a number'],
    [
      'an id that is an object',
      200,
      { id: { n: 1 } },
      'HTTP 200 with a user id that is not a number',
    ],
    ['another 2xx', 201, { id: 7 }, 'HTTP 201 where 200 was expected'],
    ['not JSON', 200, 'ok', 'HTTP 200 with a body that is not JSON ("ok")'],
    ...(
      [
        ['\n', 'U+000A'],
        ['\r', 'U+000D'],
        ['\u0000', 'U+0000'],
        ['\u001b', 'U+001B'],
        ['\u0085', 'U+0085'],
        ['\u2028', 'U+2028'],
      ] as const
    ).map(([c, code]): [string, number, unknown, string] => [
      `a name with ${code}`,
      200,
      { id: 7, displayName: `CI${c}::error::forged` },
      `HTTP 200 with a \`displayName\` that contains a line break or control character (${code})`,
    ]),
  ])('%s: an error naming the call, not an output', async (_, status, body, what) => {
    nock(INSTANCE)
      .get(ME)
      .reply(status, body as object);
    const err = await currentUser(transport, INSTANCE, DEV).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomoError);
    expect(err).toMatchObject({
      kind: 'response',
      summary: `${USER_CALL}: ${what}`,
      hint: RESPONSE_HINT,
    });
  });

  const REFUSED: Record<CredentialSource | 'session', string> = {
    'developer-token':
      'Domo refused `developer-token`: the token has expired or been revoked, or it was made on another instance than `instance`. Make a new one in Admin > Security > Access tokens and update the secret.',
    'session-token':
      'Domo refused `session-token`: the session has expired or been revoked, or it is of another instance than `instance`. Sign on again for a fresh one, or use `developer-token`, which outlives a session.',
    username:
      'Domo refused the session that signing on with `username` + `password` gave: it has expired or been revoked, or it is of another instance than `instance`. Check `instance`, or use `developer-token`.',
    'session-cookie':
      'Domo refused the session that `session-cookie` gave: it has expired or been revoked, or it is of another instance than `instance`. Copy a fresh `_dsidv1` cookie, or use `developer-token`.',
    session:
      'Domo refused the session: it has expired or been revoked, or it is of another instance than `instance`.',
  };

  test.each<[string, InstanceAuth, CredentialSource | undefined, keyof typeof REFUSED]>([
    ['a developer token', DEV, 'developer-token', 'developer-token'],
    ['a developer token, no source given', DEV, undefined, 'developer-token'],
    ['a session token', SESSION, 'session-token', 'session-token'],
    ['a password sign-on', SESSION, 'username', 'username'],
    ['a cookie sign-on', SESSION, 'session-cookie', 'session-cookie'],
    ['a session, no source given', SESSION, undefined, 'session'],
  ])('401 and 403 for %s: refused, naming its input', async (_, auth, source, hint) => {
    for (const status of [401, 403]) {
      nock(INSTANCE).get(ME).reply(status, { message: 'Full authentication is required' });
      await expect(currentUser(transport, INSTANCE, auth, source)).rejects.toMatchObject({
        message: `${USER_CALL} failed: HTTP ${status} (Full authentication is required). ${REFUSED[hint]}`,
      });
    }
  });

  test.each<[string, (i: nock.Interceptor) => nock.Scope, string | undefined]>([
    ['404', (i) => i.reply(404), 'Nothing answers at this address: check `instance`.'],
    [
      '429',
      (i) => i.reply(429),
      'Domo is rate-limiting: raise `retries`, or re-run the job later.',
    ],
    ['502', (i) => i.reply(502), 'Domo had a server error: re-run the job later.'],
    ['418', (i) => i.reply(418), undefined],
    [
      'a refused connection',
      (i) => i.replyWithError(socketError('ECONNREFUSED')),
      'Nothing is listening there: check the URL (`api-url` or `instance`) and any proxy settings.',
    ],
    [
      'a reset',
      (i) => i.replyWithError(socketError('ECONNRESET')),
      'The connection broke: re-run the job; on self-hosted runners check the proxy.',
    ],
  ])('%s: the advice for it', async (_, answer, hint) => {
    answer(nock(INSTANCE).get(ME));
    const err = await currentUser(transport, INSTANCE, SESSION, 'session-token').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomoError);
    expect((err as DomoError).hint).toBe(hint);
  });
});

const CREATION = 'Domo client creation (POST /api/identity/v1/developer-tokens)';
const BY_STATUS = 'what the status alone suggests.';
const refused = (status: number, init: Partial<DomoErrorInit> = {}) =>
  new DomoError({ call: CREATION, kind: 'http', status, hint: BY_STATUS, ...init });
const failed = (init: Partial<DomoErrorInit>) =>
  new DomoError({ call: USER_CALL, kind: 'http', ...init });

const WORKS =
  'The developer token works (it acts as user 42), but this instance did not let it create an API client. Give that user\'s role the "Create API OAuth Clients" grant (Admin > Roles). If the role has it already, this instance does not let developer tokens create clients: use a session of a user with that grant instead (`username` + `password`, or `session-token`), which creates clients on Domo\'s documented route (POST /clients).';
const TOKEN = (status: number) =>
  `Domo refused the developer token itself: when asked who the token belongs to, the instance answered HTTP ${status} too. The token has expired or been revoked, or it was made on another instance than \`instance\`. Make a new one in Admin > Security > Access tokens and update the secret.`;
const UNKNOWN = (why: string) =>
  `Could not tell which was refused, the token or only the creation: asking Domo who the token belongs to failed too (${why}). ${BY_STATUS}`;

describe('refusalHint: which advice, from what Domo said about the token', () => {
  test.each<[string, DomoUser | Error, string]>([
    ['the user', { id: '42', name: 'CI Robot' }, WORKS],
    ['401', failed({ status: 401 }), TOKEN(401)],
    ['403', failed({ status: 403 }), TOKEN(403)],
    ['404', failed({ status: 404 }), UNKNOWN(`${USER_CALL}: HTTP 404`)],
    ['500', failed({ status: 500, domoMessage: 'down' }), UNKNOWN(`${USER_CALL}: HTTP 500 (down)`)],
    [
      'a timeout',
      failed({ kind: 'timeout', detail: 'no complete answer within 30 s' }),
      UNKNOWN(`${USER_CALL}: no complete answer within 30 s`),
    ],
    [
      'a 2xx without a user',
      failed({ kind: 'response', detail: 'HTTP 200 without a user id' }),
      UNKNOWN(`${USER_CALL}: HTTP 200 without a user id`),
    ],
    // A 401 that is no answer from Domo (a redirect) tells nothing about the token.
    [
      'a redirect',
      failed({ kind: 'redirect', status: 401, detail: 'a redirect elsewhere' }),
      UNKNOWN(`${USER_CALL}: HTTP 401: a redirect elsewhere`),
    ],
    ['something else that went wrong', new Error('boom'), UNKNOWN('boom')],
  ])('creation 401 or 403, then %s', (_, check, hint) => {
    expect(refusalHint(refused(401), check)).toBe(hint);
    expect(refusalHint(refused(403), check)).toBe(hint);
  });

  test('without a hint for the status, the unclear case says only that', () => {
    expect(refusalHint(refused(401, { hint: undefined }), failed({ status: 500 }))).toBe(
      `Could not tell which was refused, the token or only the creation: asking Domo who the token belongs to failed too (${USER_CALL}: HTTP 500).`,
    );
  });

  test.each<[string, DomoError]>([
    ['400', refused(400)],
    ['404', refused(404)],
    ['500', refused(500)],
    ['a timeout', refused(401, { kind: 'timeout', status: undefined })],
    ['a 2xx that is no client', refused(401, { kind: 'response', status: undefined })],
    ['a redirect with 401 as its status', refused(401, { kind: 'redirect' })],
  ])('no advice of its own for a creation that failed with %s', (_, creation) => {
    expect(isRefusal(creation)).toBe(false);
    expect(refusalHint(creation, { id: '42', name: '' })).toBeUndefined();
  });
});

describe('explainRefusal', () => {
  test('a refusal: asks once, and the error carries the advice', async () => {
    const whoIsIt = jest.fn(async (): Promise<DomoUser> => ({ id: '42', name: '' }));
    const err = refused(403, { domoMessage: 'Forbidden' });
    await expect(explainRefusal(err, whoIsIt)).resolves.toBe(err);
    expect(whoIsIt).toHaveBeenCalledTimes(1);
    expect(err.message).toBe(`${CREATION} failed: HTTP 403 (Forbidden). ${WORKS}`);
  });

  test.each<[string, unknown, string]>([
    ['a DomoError', failed({ status: 401 }), TOKEN(401)],
    ['an Error', new Error('boom'), UNKNOWN('boom')],
    ['something that is no Error', 'boom', UNKNOWN('boom')],
  ])('asking fails with %s: the creation error stays, with advice', async (_, thrown, hint) => {
    const err = refused(401);
    const explained = await explainRefusal(err, () => Promise.reject(thrown));
    expect(explained).toBe(err);
    expect(err.hint).toBe(hint);
  });

  test.each<[string, unknown]>([
    ['a 400', refused(400)],
    ['a timeout', refused(401, { kind: 'timeout', status: undefined })],
    ['an Error', new Error('x')],
  ])('anything but a refusal (%s) is returned as it is, and nothing is asked', async (_, err) => {
    const whoIsIt = jest.fn(async (): Promise<DomoUser> => ({ id: '42', name: '' }));
    const before = err instanceof DomoError ? err.message : undefined;
    await expect(explainRefusal(err, whoIsIt)).resolves.toBe(err);
    expect(whoIsIt).not.toHaveBeenCalled();
    if (err instanceof DomoError) expect(err.message).toBe(before);
  });

  test('a transport failure while asking is one unclear answer, through the real transport', async () => {
    nock(INSTANCE).get(ME).replyWithError(socketError('ECONNRESET'));
    const err = refused(401);
    await explainRefusal(err, () => currentUser(transport, INSTANCE, DEV));
    expect(err.hint).toMatch(
      /^Could not tell which was refused, the token or only the creation: asking Domo who the token belongs to failed too \(Domo user check \(GET \/api\/content\/v2\/users\/me\): connection to acme\.domo\.test broken \(ECONNRESET\)\)\. what the status alone suggests\.$/,
    );
  });
});
