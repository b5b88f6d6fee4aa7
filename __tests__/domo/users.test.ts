/**
 * Asking Domo who a developer token belongs to (src/domo/users.ts), and what a refused
 * creation's error then advises (src/domo/refusal.ts).
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import nock, { socketError } from '../helpers/nock.js';
import { DomoError, type DomoErrorInit } from '../../src/errors.js';
import type { DomoUser } from '../../src/domo/users.js';

const { createTransport } = await import('../../src/http.js');
const { currentUser, USER_CALL } = await import('../../src/domo/users.js');
const { explainRefusal, isRefusal, refusalHint } = await import('../../src/domo/refusal.js');

const INSTANCE = 'https://acme.domo.test';
const ME = '/api/content/v2/users/me';
const transport = createTransport({ timeoutMs: 2000 });

afterEach(() => nock.cleanAll());

describe('currentUser', () => {
  test('GET users/me with X-DOMO-Developer-Token alone; the user id as text', async () => {
    const scope = nock(INSTANCE, {
      reqheaders: { 'x-domo-developer-token': 'dev-1' },
      badheaders: ['x-domo-authentication', 'cookie', 'content-type'],
    })
      .get(ME)
      .reply(200, { id: 964382593, displayName: 'CI Robot', emailAddress: 'ci@acme.example' });
    await expect(currentUser(transport, INSTANCE, 'dev-1')).resolves.toEqual({ id: '964382593' });
    scope.done();
  });

  test.each<[string, unknown, string]>([
    ['a string id', { id: 'u-7' }, 'u-7'],
    ['`userId` when there is no `id`', { userId: 7 }, '7'],
    ['`id` before `userId`', { id: 8, userId: 7 }, '8'],
    ['`userId` when `id` is no id', { id: null, userId: 7 }, '7'],
    ['an id with a line break, made one line', { id: 'a\nb' }, 'a b'],
  ])('%s', async (_, body, id) => {
    nock(INSTANCE)
      .get(ME)
      .reply(200, body as object);
    await expect(currentUser(transport, INSTANCE, 'dev-1')).resolves.toEqual({ id });
  });

  test.each<[string, number, unknown, string]>([
    ['no id', 200, { displayName: 'x' }, 'HTTP 200 without a user id'],
    ['an empty id', 200, { id: ' ' }, 'HTTP 200 without a user id'],
    ['an id that is an object', 200, { id: { n: 1 } }, 'HTTP 200 without a user id'],
    ['a list', 200, [{ id: 1 }], 'HTTP 200 without a user id'],
    ['not JSON', 200, 'ok', 'HTTP 200 with a body that is not JSON ("ok")'],
    [
      '401',
      401,
      { message: 'Full authentication is required' },
      'HTTP 401 (Full authentication is required)',
    ],
  ])('%s: an error naming the call', async (_, status, body, what) => {
    nock(INSTANCE)
      .get(ME)
      .reply(status, body as object);
    await expect(currentUser(transport, INSTANCE, 'dev-1')).rejects.toMatchObject({
      summary: `${USER_CALL}: ${what}`,
    });
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
    ['the user', { id: '42' }, WORKS],
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
    expect(refusalHint(creation, { id: '42' })).toBeUndefined();
  });
});

describe('explainRefusal', () => {
  test('a refusal: asks once, and the error carries the advice', async () => {
    const whoIsIt = jest.fn(async (): Promise<DomoUser> => ({ id: '42' }));
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
    const whoIsIt = jest.fn(async (): Promise<DomoUser> => ({ id: '42' }));
    const before = err instanceof DomoError ? err.message : undefined;
    await expect(explainRefusal(err, whoIsIt)).resolves.toBe(err);
    expect(whoIsIt).not.toHaveBeenCalled();
    if (err instanceof DomoError) expect(err.message).toBe(before);
  });

  test('a transport failure while asking is one unclear answer, through the real transport', async () => {
    nock(INSTANCE).get(ME).replyWithError(socketError('ECONNRESET'));
    const err = refused(401);
    await explainRefusal(err, () => currentUser(transport, INSTANCE, 'dev-1'));
    expect(err.hint).toMatch(
      /^Could not tell which was refused, the token or only the creation: asking Domo who the token belongs to failed too \(Domo user check \(GET \/api\/content\/v2\/users\/me\): connection to acme\.domo\.test broken \(ECONNRESET\)\)\. what the status alone suggests\.$/,
    );
  });
});
