/**
 * The local Domo simulator (dev/simulator.mjs) that the demo, the end-to-end tests, the
 * benchmark and the workflow run against: its answers must match what the contract and
 * domo-api.md say Domo does, and its faults must be what they claim to be.
 *
 * Requests go through fetch (undici) and raw sockets, never node:http's client, which other
 * test files may leave patched by nock in the same worker.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { selfSignedCertificate } from '../../dev/certificate.mjs';
import { banner, parseFaultArg, startSimulator, type Simulator } from '../../dev/simulator.mjs';

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

const SCRIPT = fileURLToPath(new URL('../../dev/simulator.mjs', import.meta.url));
const ID = 'sim-client-id';
const SECRET = 'sim-client-secret';
const SESSION = 'sim-session-token';
const basic = (id: string, secret: string): string =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let sim: Simulator;

async function call(path: string, init: RequestInit = {}, base = sim.url): Promise<Answer> {
  const response = await fetch(`${base}${path}`, { redirect: 'manual', ...init });
  const text = await response.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    // not JSON: the test looks at text
  }
  return { status: response.status, headers: response.headers, text, json };
}

const getToken = (query = 'grant_type=client_credentials&scope=data', auth = basic(ID, SECRET)) =>
  call(`/oauth/token?${query}`, { headers: { authorization: auth } });

const postToken = (form: string, auth = basic(ID, SECRET)) =>
  call('/oauth/token', {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });

const signOn = (body: unknown, headers: Record<string, string> = {}) =>
  call('/api/content/v2/authentication', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: sim.url, ...headers },
    body: JSON.stringify(body),
  });

const session = (token = SESSION): Record<string, string> => ({
  'x-domo-authentication': token,
  'x-domo-customerdomain': '127.0.0.1',
});

const createClient = (body: unknown = { name: 'ci', scope: ['data'] }, headers = session()) =>
  call('/clients', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** Resolves when the simulator has recorded `count` requests (a fault is about to apply). */
async function requestsReach(count: number, target = sim): Promise<void> {
  for (let i = 0; i < 400 && target.requests.length < count; i++) await sleep(5);
}

/** A raw HTTP request on a socket, to see exactly how the connection ends. */
function rawRequest(port: number, request: string): Promise<{ data: string; code?: string }> {
  return new Promise((resolve) => {
    let data = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ data, code: error.code }));
    socket.on('close', () => resolve({ data }));
  });
}

/** Runs the CLI to its end (it never starts a server here): exit code and all it printed. */
const cli = (...args: string[]) =>
  new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('close', (code) => resolve({ code, out }));
  });

beforeAll(async () => {
  sim = await startSimulator();
});
afterEach(() => {
  sim.reset();
});
afterAll(() => sim.close());

describe('token', () => {
  test('GET with Basic auth answers the documented fields, scope as asked', async () => {
    const answer = await getToken('grant_type=client_credentials&scope=data%20user');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(answer.json).toEqual({
      access_token: expect.any(String),
      customer: 'acmecompany',
      expires_in: 3599,
      jti: expect.any(String),
      role: 'Admin',
      scope: 'data user',
      token_type: 'bearer',
      userId: 964382593,
    });
    const [, claims] = String(answer.json.access_token).split('.');
    expect(JSON.parse(Buffer.from(claims ?? '', 'base64url').toString())).toMatchObject({
      client_id: ID,
      customer: 'acmecompany',
      scope: ['data', 'user'],
      userId: 964382593,
      exp: expect.any(Number),
    });
    expect(sim.stats.tokensIssued).toBe(1);
  });

  test('POST with a form body works; scope decoded from + as well', async () => {
    const answer = await postToken('grant_type=client_credentials&scope=data+audit');
    expect(answer.status).toBe(200);
    expect(answer.json.scope).toBe('data audit');
    expect(sim.requests[0]).toMatchObject({ route: 'token', method: 'POST', json: undefined });
  });

  test('no scope grants all of the client scopes; opaque tokens on request', async () => {
    sim.set({ tokenFormat: 'opaque' });
    const answer = await getToken('grant_type=client_credentials');
    expect(answer.json.scope).toBe('data user audit dashboard account buzz workflow');
    expect(answer.json.access_token).toMatch(/^[0-9a-f]{64}$/);
  });

  const CC = 'grant_type=client_credentials';
  const GOOD = basic(ID, SECRET);
  test.each([
    ['no Authorization', 401, 'unauthorized', /^Full authentication/, CC, ''],
    ['a Bearer header', 401, 'unauthorized', /^Full authentication/, CC, 'Bearer x'],
    ['a wrong secret', 401, 'unauthorized', /^Bad credentials$/, CC, basic(ID, 'nope')],
    ['an unknown id', 401, 'unauthorized', /^Bad credentials$/, CC, basic('who', SECRET)],
    ['no grant_type', 400, 'invalid_request', /^Missing grant type$/, 'scope=data', GOOD],
    ['another grant', 400, 'unsupported_grant_type', /password/, 'grant_type=password', GOOD],
    [
      'a scope it lacks',
      400,
      'invalid_scope',
      /^Invalid scope: bogus$/,
      `${CC}&scope=data+bogus`,
      GOOD,
    ],
    ['commas in scope', 400, 'invalid_scope', /data,user/, `${CC}&scope=data,user`, GOOD],
  ])('%s → %i %s', async (_name, status, error, description, query, auth) => {
    const answer = await getToken(query, auth);
    expect(answer.status).toBe(status);
    expect(answer.json.error).toBe(error);
    expect(answer.json.error_description).toMatch(description);
    expect(answer.text).not.toContain(SECRET);
  });

  test.each([
    ['POST', 'GET', 'POST'],
    ['GET', 'POST', 'GET'],
  ] as const)('tokenMethods %s: %s answers 405 with Allow: %s', async (methods, refused, allow) => {
    sim.set({ tokenMethods: methods });
    const answer =
      refused === 'GET' ? await getToken() : await postToken('grant_type=client_credentials');
    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe(allow);
    expect(answer.json).toEqual({
      error: 'method_not_allowed',
      error_description: `Request method '${refused}' not supported`,
    });
    const other =
      refused === 'GET' ? await postToken('grant_type=client_credentials') : await getToken();
    expect(other.status).toBe(200);
  });

  test('the token works on /v1/users until it expires', async () => {
    const token = String((await getToken()).json.access_token);
    const ok = await call('/v1/users?limit=1', { headers: { authorization: `bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual([{ id: 964382593, name: 'CI Robot' }]);
    expect((await call('/v1/users', { headers: { authorization: 'bearer nope' } })).status).toBe(
      401,
    );
    sim.set({ tokenTtl: 0 });
    const expired = String((await getToken()).json.access_token);
    const late = await call('/v1/users', { headers: { authorization: `Bearer ${expired}` } });
    expect(late.status).toBe(401);
  });
});

describe('sign-on', () => {
  const password = (emailAddress: string, pw = 'sim-password') => ({
    method: 'password',
    emailAddress,
    password: pw,
  });

  test('password sign-on answers a session that can create a client', async () => {
    const answer = await signOn(password('ci@acme.example'));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      userId: 964382593,
      success: true,
      sessionToken: expect.any(String),
    });
    const created = await createClient(undefined, session(String(answer.json.sessionToken)));
    expect(created.status).toBe(201);
  });

  const exptoken = { method: 'exptoken' };
  test.each([
    ['a wrong password', 'INVALID_CREDENTIALS', password('ci@acme.example', 'wrong'), {}],
    ['an unknown e-mail', 'INVALID_CREDENTIALS', password('nobody@acme.example'), {}],
    ['a locked account', 'ACCOUNT_LOCKED', password('locked@acme.example'), {}],
    ['exptoken, unknown cookie', 'INVALID_TOKEN', exptoken, { cookie: '_dsidv1=stale' }],
    ['exptoken, no cookie', 'INVALID_TOKEN', exptoken, {}],
  ])('%s → 200, success false, %s', async (_name, reason, body, headers) => {
    const answer = await signOn(body, headers);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ success: false, reason });
  });

  test('exptoken finds _dsidv1 among other cookies', async () => {
    const answer = await signOn(
      { method: 'exptoken' },
      { cookie: 'a=1; _dsidv1=sim-dsid-cookie; b="2"' },
    );
    expect(answer.json).toMatchObject({ success: true, userId: 964382593 });
  });

  test('refuses a missing Origin (403), a non-JSON type (415) and an unknown method (400)', async () => {
    const noOrigin = await call('/api/content/v2/authentication', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(password('ci@acme.example')),
    });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.json).toEqual({ status: 403, message: 'Forbidden' });
    const text = await signOn(password('ci@acme.example'), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect((await signOn({ method: 'saml' })).status).toBe(400);
  });
});

const DEV_TOKEN = 'sim-developer-token';
const LIST = '/api/identity/v1/developer-tokens';
const devToken = (token = DEV_TOKEN): Record<string, string> => ({
  'x-domo-developer-token': token,
});
const createWithToken = (
  body: unknown = { name: 'ci', description: 'd', scopes: ['data'] },
  headers = devToken(),
) =>
  call(LIST, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('clients', () => {
  test('create with a session (201, no numeric id), use it, revoke it through the instance list', async () => {
    const created = await createClient({
      name: 'ci run 1',
      scope: ['data', 'user'],
      description: 'x',
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      name: 'ci run 1',
      description: 'x',
      scope: ['data', 'user'],
      user: 964382593,
      role: 'Admin',
      client_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      client_secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      authorized_grant_types: ['client_credentials'],
    });
    const id = String(created.json.client_id);
    const secret = String(created.json.client_secret);
    expect(sim.clients).toEqual([
      expect.objectContaining({ client_id: id, deleted: false, via: 'session', description: 'x' }),
    ]);

    const token = await getToken('grant_type=client_credentials&scope=user', basic(id, secret));
    expect(token.json).toMatchObject({ scope: 'user', role: 'Admin', userId: 964382593 });
    expect(
      (await getToken('grant_type=client_credentials&scope=audit', basic(id, secret))).json.error,
    ).toBe('invalid_scope');

    // Nothing public uses DELETE /clients/{id}: 404 by default, and nothing is deleted.
    expect((await call(`/clients/${id}`, { method: 'DELETE', headers: session() })).status).toBe(
      404,
    );
    expect(sim.clients[0]?.deleted).toBe(false);

    const list = await call(LIST, { headers: session() });
    expect(list.json).toEqual([
      {
        id: expect.any(Number),
        name: 'ci run 1',
        description: 'x',
        clientId: id,
        userId: 964382593,
        scopes: ['data', 'user'],
        created: expect.any(String),
      },
    ]);
    const listId = String((list.json as unknown as Json[])[0]?.id);
    const revoked = await call(`${LIST}/${listId}`, { method: 'DELETE', headers: session() });
    expect(revoked.status).toBe(204);
    expect(sim.clients[0]?.deleted).toBe(true);
    expect((await call(LIST, { headers: session() })).json).toEqual([]);
    const after = await getToken(undefined, basic(id, secret));
    expect(after.status).toBe(401);
    expect(after.json.error_description).toBe('Bad credentials');
    // Domo answers 400 for an id it does not have.
    expect((await call(`${LIST}/${listId}`, { method: 'DELETE', headers: session() })).status).toBe(
      400,
    );
  });

  test('create with a developer token: 201 with id, clientId, clientSecret; revoke by that id', async () => {
    const created = await createWithToken({
      name: 'ci dev',
      description: 'from CI',
      scopes: ['data'],
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      name: 'ci dev',
      description: 'from CI',
      userId: 964382593,
      scopes: ['data'],
      clientId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      clientSecret: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(sim.clients[0]).toMatchObject({ via: 'developer-token', tokenId: created.json.id });
    const token = await getToken(
      undefined,
      basic(String(created.json.clientId), String(created.json.clientSecret)),
    );
    expect(token.status).toBe(200);
    const del = await call(`${LIST}/${String(created.json.id)}`, {
      method: 'DELETE',
      headers: devToken(),
    });
    expect(del.status).toBe(204);
    expect((await call(LIST, { headers: devToken() })).json).toEqual([]);
  });

  test('the list: a bare array by default, under `entries` with listShape, ids shortened with listClientIds', async () => {
    const id = String((await createClient()).json.client_id);
    sim.set({ listShape: 'entries', listClientIds: 'shortened' });
    const list = await call(LIST, { headers: devToken() });
    expect(list.json).toEqual({
      entries: [expect.objectContaining({ name: 'ci', clientId: `${id.slice(0, 8)}…` })],
    });
  });

  test('a taken name is a 400 on both routes, while the first client lives', async () => {
    expect((await createClient({ name: 'same', scope: ['data'] })).status).toBe(201);
    const again = await createClient({ name: 'same', scope: ['data'] });
    expect(again.status).toBe(400);
    expect(again.json.message).toBe('A client named "same" already exists');
    const byToken = await createWithToken({ name: 'same', scopes: ['data'] });
    expect(byToken.status).toBe(400);
    expect(sim.clients).toHaveLength(1);
    sim.clients[0]!.deleted = true;
    expect((await createWithToken({ name: 'same', scopes: ['data'] })).status).toBe(201);
  });

  test.each(['ok', 400, 401, 403, 405] as const)(
    'clientDelete %s sets the answer to DELETE /clients/{id}',
    async (answer) => {
      sim.set({ clientDelete: answer });
      const id = String((await createClient()).json.client_id);
      const del = await call(`/clients/${id}`, { method: 'DELETE', headers: session() });
      expect(del.status).toBe(answer === 'ok' ? 204 : answer);
      expect(sim.clients[0]?.deleted).toBe(answer === 'ok');
    },
  );

  const valid = { name: 'a', scope: ['data'] };
  test.each([
    ['no session', 401, {}, valid],
    ['an unknown session', 401, session('stale'), valid],
    ['no customer domain', 400, { 'x-domo-authentication': SESSION }, valid],
    ['an empty name', 400, session(), { name: ' ', scope: ['data'] }],
    ['a scope string', 400, session(), { name: 'a', scope: 'data' }],
    ['an unknown scope', 400, session(), { name: 'a', scope: ['data', 'bogus'] }],
    ['a JSON array', 400, session(), []],
    ['a user without the grant', 403, session('grantless'), valid],
  ])('creation with %s → %i, nothing created', async (_name, status, headers, body) => {
    sim.set({ sessions: [{ token: 'grantless', userId: 1002 }] });
    const answer = await createClient(body, headers);
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({
      status,
      statusReason: expect.any(String),
      message: expect.any(String),
    });
    if (status === 401) expect(answer.json.toe).toBe('SIM-TOE');
    expect(sim.clients).toHaveLength(0);
  });

  const validToken = { name: 'a', scopes: ['data'] };
  test.each([
    ['no token', 401, {}, validToken],
    ['a session instead of a token', 401, { 'x-domo-authentication': SESSION }, validToken],
    ['an unknown token', 401, devToken('stale'), validToken],
    ['`scope` instead of `scopes`', 400, devToken(), { name: 'a', scope: ['data'] }],
    ['a userId in the body', 400, devToken(), { ...validToken, userId: 1 }],
    ['an unknown scope', 400, devToken(), { name: 'a', scopes: ['bogus'] }],
    ['a token whose owner lacks the grant', 403, devToken('sim-grantless-token'), validToken],
  ])(
    'developer-token creation with %s → %i, nothing created',
    async (_n, status, headers, body) => {
      const answer = await createWithToken(body, headers);
      expect(answer.status).toBe(status);
      expect(sim.clients).toHaveLength(0);
    },
  );

  test('revocation calls without a session or developer token are refused', async () => {
    const id = String((await createClient()).json.client_id);
    expect((await call(`/clients/${id}`, { method: 'DELETE' })).status).toBe(401);
    expect((await call(LIST)).status).toBe(401);
    expect((await call(`${LIST}/7001`, { method: 'DELETE' })).status).toBe(401);
    expect(sim.clients[0]?.deleted).toBe(false);
  });
});

describe('who a credential acts as, and developer tokens that may not create clients', () => {
  const me = (headers: Record<string, string> = {}) =>
    call('/api/content/v2/users/me', { headers });

  test.each<[string, Record<string, string>, number, Json | undefined]>([
    [
      'a developer token',
      devToken(),
      200,
      { id: 964382593, displayName: 'CI Robot', emailAddress: 'ci@acme.example', role: 'Admin' },
    ],
    [
      'the token of a user without the grant',
      devToken('sim-grantless-token'),
      200,
      { id: 1002, displayName: 'No Grants', role: 'Participant' },
    ],
    ['a session', { 'x-domo-authentication': SESSION }, 200, { id: 964382593 }],
    ['nothing', {}, 401, undefined],
    ['an unknown developer token', devToken('stale'), 401, undefined],
    ['an unknown session', { 'x-domo-authentication': 'stale' }, 401, undefined],
  ])('GET users/me with %s → %i', async (_, headers, status, user) => {
    const answer = await me(headers);
    expect(answer.status).toBe(status);
    if (user) expect(answer.json).toMatchObject(user);
    else expect(answer.json).toMatchObject({ status: 401, toe: 'SIM-TOE' });
    expect(sim.requests.map((r) => r.route)).toEqual(['users-me']);
  });

  test('an OAuth access token is refused there, as on the rest of the instance', async () => {
    const token = String((await getToken()).json.access_token);
    expect((await me({ authorization: `bearer ${token}` })).status).toBe(401);
  });

  test('developerTokenCreate refused: a valid token gets 403 on creation only, nothing is created', async () => {
    sim.set({ developerTokenCreate: 'refused' });
    const refused = await createWithToken();
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({
      status: 403,
      statusReason: 'Forbidden',
      message: 'Access is denied',
    });
    expect(sim.clients).toEqual([]);
    // An unknown token is still a 401: the switch refuses valid tokens, it does not accept others.
    expect((await createWithToken(undefined, devToken('stale'))).status).toBe(401);
    // The token still works everywhere else, and a session still creates clients.
    expect((await me(devToken())).status).toBe(200);
    expect((await call(LIST, { headers: devToken() })).status).toBe(200);
    expect((await createClient()).status).toBe(201);
  });

  test('developerTokenCreate through /__sim/set: allowed again, and a typo is a 400', async () => {
    const set = (body: unknown) =>
      call('/__sim/set', { method: 'POST', body: JSON.stringify(body) });
    expect((await set({ developerTokenCreate: 'refused' })).status).toBe(200);
    expect((await createWithToken()).status).toBe(403);
    expect((await set({ developerTokenCreate: 'ALLOWED' })).status).toBe(200);
    expect((await createWithToken()).status).toBe(201);
    const typo = await set({ developerTokenCreate: 'no' });
    expect(typo.status).toBe(400);
    expect(typo.json.message).toBe('developerTokenCreate must be one of allowed, refused');
  });

  test('reset() allows creation again', async () => {
    sim.set({ developerTokenCreate: 'refused' });
    sim.reset();
    expect((await createWithToken()).status).toBe(201);
  });

  test('the CLI: --developer-token-create is in --help, and a typo stops it', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('--developer-token-create C  "allowed" (default) or "refused"');
    const typo = await cli('--port', '0', '--developer-token-create', 'sometimes');
    expect(typo).toEqual({
      code: 2,
      out: 'domo simulator: developerTokenCreate must be one of allowed, refused\n',
    });
  });
});

describe('rate limit', () => {
  // 31 requests at once, 5 allowed a second: however a loaded machine spreads them over the
  // next few one-second windows, some window gets more than 5 (21 against 20 was not enough).
  test('31 quick token requests with perSecond 5: some 429s with Retry-After', async () => {
    const limited = await startSimulator({ rateLimit: { perSecond: 5, retryAfter: '1' } });
    try {
      const results = await Promise.all(
        Array.from({ length: 31 }, () =>
          call(
            '/oauth/token?grant_type=client_credentials',
            { headers: { authorization: basic(ID, SECRET) } },
            limited.url,
          ),
        ),
      );
      const refused = results.filter((a) => a.status === 429);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused[0]?.headers.get('retry-after')).toBe('1');
      expect(refused[0]?.json).toEqual({
        status: 429,
        statusReason: 'Too Many Requests',
        message: 'Rate limit exceeded',
      });
      expect(limited.stats.rateLimited).toBe(refused.length);
      expect(limited.stats.tokensIssued).toBe(31 - refused.length);
    } finally {
      await limited.close();
    }
  });
});

describe('faults', () => {
  test.each([
    [
      'status with the default body',
      { kind: 'status', status: 503 },
      503,
      'application/json',
      /"statusReason":"Service Unavailable"/,
    ],
    [
      'status with a string body',
      { kind: 'status', status: 500, body: 'oops' },
      500,
      'text/plain',
      /^oops$/,
    ],
    [
      'retry-after',
      { kind: 'retry-after', value: '7' },
      429,
      'application/json',
      /Rate limit exceeded/,
    ],
    ['html', { kind: 'html' }, 502, 'text/html', /<title>502 Bad Gateway<\/title>/],
    ['malformed', { kind: 'malformed' }, 200, 'application/json', /^\{"access_token":"abc$/],
    [
      'body',
      { kind: 'body', body: { access_token: 42 } },
      200,
      'application/json',
      /^\{"access_token":42\}$/,
    ],
    [
      'huge',
      { kind: 'huge', bytes: 300_000 },
      200,
      'application/json',
      /^\{"access_token":"a{299981}"\}$/,
    ],
    ['redirect', { kind: 'redirect' }, 302, null, /^$/],
  ] as const)('%s', async (_name, spec, status, type, body) => {
    sim.fault('token', spec);
    const answer = await getToken();
    expect(answer.status).toBe(status);
    if (type) expect(answer.headers.get('content-type')).toContain(type);
    expect(answer.text).toMatch(body);
    if (spec.kind === 'retry-after') expect(answer.headers.get('retry-after')).toBe('7');
    if (spec.kind === 'redirect') {
      expect(answer.headers.get('location')).toBe(
        'http://127.0.0.1:1/oauth/token?grant_type=client_credentials&scope=data',
      );
    }
    expect(sim.requests).toHaveLength(1); // a faulted request is recorded too
    expect((await getToken()).status).toBe(200); // one use, then normal again
  });

  test('faults queue in order; times and Infinity count uses', async () => {
    sim
      .fault('token', { kind: 'status', status: 500, times: 2 })
      .fault('token', { kind: 'status', status: 503 });
    sim.fault('signon', { kind: 'status', status: 504, times: Infinity });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await getToken()).status);
    expect(statuses).toEqual([500, 500, 503, 200]);
    for (let i = 0; i < 3; i++) expect((await signOn({ method: 'exptoken' })).status).toBe(504);
  });

  test('reset destroys the connection: ECONNRESET at the client', async () => {
    sim.fault('token', { kind: 'reset' });
    const result = await rawRequest(sim.port, 'GET /oauth/token HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(result).toEqual({ data: '', code: 'ECONNRESET' });
    await expect(fetch(`${sim.url}/oauth/token`)).resolves.toBeDefined(); // used up
  });

  test('hang never answers; the client gives up on its own', async () => {
    sim.fault('token', { kind: 'hang' });
    const started = Date.now();
    const attempt = fetch(`${sim.url}/oauth/token`, { signal: AbortSignal.timeout(150) });
    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(sim.requests[0]?.route).toBe('token');
  });

  test('slow answers normally after the delay; trickle sends headers then a byte at a time', async () => {
    sim.fault('token', { kind: 'slow', ms: 120 });
    const started = Date.now();
    expect((await getToken()).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);

    sim.fault('token', { kind: 'trickle', ms: 20 });
    const controller = new AbortController();
    const response = await fetch(`${sim.url}/oauth/token`, { signal: controller.signal });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value ?? []).toString()).toBe('{');
    controller.abort();
  });

  test('act-then-fail creates the client, then resets: exactly one client exists', async () => {
    sim.fault('create-client', { kind: 'act-then-fail' });
    await expect(createClient()).rejects.toThrow('fetch failed');
    expect(sim.clients).toHaveLength(1);
    expect(sim.requests.filter((r) => r.route === 'create-client')).toHaveLength(1);
    const list = await call('/api/identity/v1/developer-tokens', { headers: session() });
    expect(list.json).toHaveLength(1);
  });

  test('act-then-fail with a status creates the client and answers that status', async () => {
    sim.fault('create-client', { kind: 'act-then-fail', then: 504 });
    const answer = await createClient();
    expect(answer.status).toBe(504);
    expect(answer.json.statusReason).toBe('Gateway Timeout');
    expect(sim.clients).toHaveLength(1);
  });

  test('unknown routes and fault kinds are refused, not ignored', () => {
    expect(() => sim.fault('tokens' as never, { kind: 'status' })).toThrow(/unknown route/);
    expect(() => sim.fault('token', { kind: 'explode' as never })).toThrow(/unknown fault kind/);
    expect(() => sim.set({ tokenMethods: 'PUT' as never })).toThrow(/tokenMethods/);
  });
});

describe('bookkeeping', () => {
  test('requests are recorded with route, query, lower-case headers, body and json', async () => {
    await createClient({ name: 'n', scope: ['data'] });
    await call('/nowhere?x=1');
    expect(sim.requests).toEqual([
      {
        route: 'create-client',
        method: 'POST',
        path: '/clients',
        query: {},
        headers: expect.objectContaining({
          'x-domo-authentication': SESSION,
          'content-type': 'application/json',
        }),
        body: '{"name":"n","scope":["data"]}',
        json: { name: 'n', scope: ['data'] },
        at: expect.any(Number),
      },
      expect.objectContaining({
        route: 'unknown',
        method: 'GET',
        path: '/nowhere',
        query: { x: '1' },
      }),
    ]);
  });

  test('anything else is a 404 JSON (405 for a known path)', async () => {
    const missing = await call('/v2/nothing');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ status: 404, statusReason: 'Not Found' });
    expect((await call('/clients', { method: 'GET' })).status).toBe(405);
  });

  test('admin routes: health, faults, set, requests, stats, reset; never recorded', async () => {
    const admin = (path: string, body?: unknown) =>
      call(
        `/__sim/${path}`,
        body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) },
      );
    expect((await admin('health')).json).toEqual({ ok: true });
    expect((await admin('faults', { route: 'token', kind: 'status', status: 418 })).json).toEqual({
      ok: true,
    });
    expect((await admin('faults', { route: 'nope', kind: 'status' })).status).toBe(400);
    expect((await admin('set', { tokenMethods: 'POST' })).status).toBe(200);
    expect((await getToken()).status).toBe(418);
    expect((await getToken()).status).toBe(405);
    expect((await admin('requests')).json).toHaveLength(2);
    expect((await admin('stats')).json).toEqual({ rateLimited: 0, tokensIssued: 0 });
    await admin('reset', {});
    expect((await getToken()).status).toBe(200);
    expect(sim.requests).toHaveLength(1);
  });

  test('reset restores the options given at start and forgets sessions made since', async () => {
    const custom = await startSimulator({ customer: 'other', tokenMethods: 'POST' });
    try {
      custom.set({ tokenMethods: 'GET', customer: 'changed' });
      const signed = await call(
        '/api/content/v2/authentication',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: 'x' },
          body: JSON.stringify({
            method: 'password',
            emailAddress: 'ci@acme.example',
            password: 'sim-password',
          }),
        },
        custom.url,
      );
      const token = String(signed.json.sessionToken);
      custom.fault('token', { kind: 'status', status: 500 });
      custom.reset();
      expect(custom.requests).toEqual([]);
      const get = await call(
        '/oauth/token?grant_type=client_credentials',
        { headers: { authorization: basic(ID, SECRET) } },
        custom.url,
      );
      expect(get.status).toBe(405);
      const headers = { 'x-domo-authentication': token };
      expect(
        (await call('/api/identity/v1/developer-tokens', { headers }, custom.url)).status,
      ).toBe(401);
    } finally {
      await custom.close();
    }
  });

  test('close() returns promptly with a hanging connection open', async () => {
    const other = await startSimulator();
    other.fault('create-client', { kind: 'hang', times: -1 });
    const pending = fetch(`${other.url}/clients`, { method: 'POST', body: '{}' }).catch(
      (e: unknown) => e,
    );
    await requestsReach(1, other);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toMatchObject({ message: 'fetch failed' });
    await other.close(); // twice is fine
  });

  // The certificate is made with openssl; without it the test is skipped, and says so.
  const withOpenssl = spawnSync('openssl', ['version']).status === 0;
  (withOpenssl ? test : test.skip)(
    `serves HTTPS with a given key and certificate${withOpenssl ? '' : ' (skipped: no openssl on this machine)'}`,
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sim-tls-'));
      const { cert, key } = selfSignedCertificate(dir);
      const secure = await startSimulator({ tls: { key, cert } });
      try {
        expect(secure.url).toBe(`https://127.0.0.1:${secure.port}`);
        const text = await new Promise<string>((resolve, reject) => {
          let data = '';
          const socket = tls.connect({ host: '127.0.0.1', port: secure.port, ca: cert }, () =>
            socket.write(
              'GET /__sim/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
            ),
          );
          socket.on('data', (chunk) => (data += chunk.toString()));
          socket.on('end', () => resolve(data));
          socket.on('error', reject);
        });
        expect(text).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\{"ok":true\}$/);
      } finally {
        await secure.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('CLI', () => {
  test.each([
    ['token:status:503:2', { route: 'token', spec: { kind: 'status', status: 503, times: 2 } }],
    ['token:reset:3', { route: 'token', spec: { kind: 'reset', times: 3 } }],
    ['token:hang', { route: 'token', spec: { kind: 'hang' } }],
    [
      'token:retry-after:5:inf',
      { route: 'token', spec: { kind: 'retry-after', value: '5', times: Infinity } },
    ],
    [
      'create-client:act-then-fail:500',
      { route: 'create-client', spec: { kind: 'act-then-fail', then: 500 } },
    ],
    [
      'token:body:{"access_token":42}',
      { route: 'token', spec: { kind: 'body', body: '{"access_token":42}' } },
    ],
  ])('--fault %s', (text, parsed) => {
    expect(parseFaultArg(text)).toEqual(parsed);
  });

  test('starts, says where, writes the ready file, applies --fault and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const ready = join(dir, 'url');
    const child = spawn(
      process.execPath,
      [SCRIPT, '--port', '0', '--ready-file', ready, '--fault', 'token:status:503', '--log'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Cleared once the banner is in, so that no timer outlives the test.
      let timer: NodeJS.Timeout | undefined;
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          const m = /^Domo simulator listening on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout);
          if (m?.[1] && stdout.includes('npm run smoke')) resolve(m[1]);
        });
        child.on('exit', () => reject(new Error(`exited early: ${stderr}`)));
        timer = setTimeout(
          () => reject(new Error(`no "Domo simulator listening on URL" banner in 10 s: ${stdout}`)),
          10_000,
        );
      }).finally(() => clearTimeout(timer));
      // The banner tells a person what to point the action at.
      for (const line of [
        'DELETE   /api/identity/v1/developer-tokens/{id}  (delete-dev-token)',
        'client-id / client-secret   sim-client-id / sim-client-secret',
        'developer-token             sim-developer-token',
        'session-token               sim-session-token',
      ]) {
        expect(stdout).toContain(line);
      }
      expect(readFileSync(ready, 'utf8')).toBe(url);
      const auth = { authorization: basic(ID, SECRET) };
      expect(
        (await call('/oauth/token?grant_type=client_credentials', { headers: auth }, url)).status,
      ).toBe(503);
      expect(
        (await call('/oauth/token?grant_type=client_credentials', { headers: auth }, url)).status,
      ).toBe(200);
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/GET \/oauth\/token 503 \(fault: status\)/);
      expect(stderr).not.toContain(SECRET);
      expect(stderr).not.toContain(Buffer.from(`${ID}:${SECRET}`).toString('base64'));
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("GitHub's run attempts, for sweep mode", () => {
  const JOB = 'ghs_EmulatedJobToken0123456789abcdefXYZ';
  const run = (path: string, token = JOB, headers: Record<string, string> = {}) =>
    call(path, { headers: { authorization: `Bearer ${token}`, 'user-agent': 'test', ...headers } });
  const at = (runId: string, attempt = '1', repo = 'octo-org/octo-repo', prefix = '') =>
    `${prefix}/repos/${repo}/actions/runs/${runId}/attempts/${attempt}`;

  test.each<[string, () => Promise<Answer>, number, Json]>([
    [
      'the emulated run, in progress',
      () => run(at('4242')),
      200,
      { status: 'in_progress', conclusion: null, run_attempt: 1 },
    ],
    [
      'on GitHub Enterprise Server',
      () => run(at('4242', '1', undefined, '/api/v3')),
      200,
      { status: 'in_progress' },
    ],
    ['a finished run', () => run(at('41')), 200, { status: 'completed', conclusion: 'success' }],
    [
      'a failed attempt',
      () => run(at('41', '2')),
      200,
      { status: 'completed', conclusion: 'failure' },
    ],
    ['a deleted run', () => run(at('40')), 404, { message: 'Not Found' }],
    [
      'another repository',
      () => run(at('41', '1', 'octo-org/other')),
      404,
      { message: 'Not Found' },
    ],
    ['an unknown token', () => run(at('41'), 'ghs_nope'), 401, { message: 'Bad credentials' }],
    [
      'no token',
      () => call(at('41'), { headers: { 'user-agent': 'test' } }),
      401,
      { message: 'Bad credentials' },
    ],
    [
      'a token without actions: read',
      () => run(at('41'), 'ghs_noactions'),
      403,
      { message: 'Resource not accessible by integration' },
    ],
    [
      'a token that cannot see the repository',
      () => run(at('41'), 'ghs_norepo'),
      404,
      { message: 'Not Found' },
    ],
    [
      'no User-Agent',
      () =>
        fetch(`${sim.url}${at('41')}`, {
          headers: { authorization: `Bearer ${JOB}`, 'user-agent': '' },
        }).then(async (r) => ({
          status: r.status,
          headers: r.headers,
          text: '',
          json: (await r.json()) as Json,
        })),
      403,
      {},
    ],
    ['a run GitHub fails on', () => run(at('50')), 502, { message: 'Server Error' }],
  ])('%s', async (_, ask, status, body) => {
    sim.set({
      githubRuns: {
        '4242.1': 'in_progress',
        '41.1': 'completed',
        '41.2': { status: 'completed', conclusion: 'failure' },
        '50.1': { httpStatus: 502 },
      },
      githubTokens: { [JOB]: 'read', ghs_noactions: 'no-actions', ghs_norepo: 'no-repo' },
    });
    const answer = await ask();
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject(body);
  });

  test('clients made before the run are listed as the instance lists them, without a description when none was given', async () => {
    const [a, b] = sim.addClients([
      {
        name: 'github-actions octo-org/octo-repo run 41.1 build a1b2c3',
        description: 'made by a job',
      },
      { name: 'by hand' },
    ]);
    const list = await call('/api/identity/v1/developer-tokens', {
      headers: { 'x-domo-authentication': SESSION },
    });
    expect(list.json).toEqual([
      expect.objectContaining({ id: a!.tokenId, name: a!.name, description: 'made by a job' }),
      expect.not.objectContaining({ description: expect.anything() }),
    ]);
    expect(b!.deleted).toBe(false);
    const added = await call('/__sim/clients', {
      method: 'POST',
      body: JSON.stringify({ name: 'via admin' }),
    });
    expect(added.status).toBe(200);
    expect(sim.clients.map((c) => c.name)).toContain('via admin');
  });
});

const CI_USER = 964382593;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ACCESS = '/api/data/v1/accesstokens';
const DESIGNS = '/api/apps/v1/designs';
const grantless = devToken('sim-grantless-token');
const jsonPost = (path: string, body: unknown, headers: Record<string, string>) =>
  call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const mintBody = (lifetime = 6 * HOUR, more: Json = {}): Json => ({
  name: 'github-actions octo-org/octo-repo run 4242.1 deploy 0a1b2c',
  ownerId: CI_USER,
  expires: Date.now() + lifetime,
  ...more,
});
const mint = (body: unknown = mintBody(), headers = devToken()) => jsonPost(ACCESS, body, headers);
const me = (headers: Record<string, string>) => call('/api/content/v2/users/me', { headers });

describe('access tokens: /api/data/v1/accesstokens', () => {
  test.each([
    ['a developer token', devToken(), 'developer-token'],
    ['a session', { 'x-domo-authentication': SESSION }, 'session'],
  ] as const)(
    'minting with %s answers 200 with id and token; the list shows it without the value',
    async (_, headers, via) => {
      const body = mintBody();
      const minted = await mint(body, headers);
      expect(minted.status).toBe(200);
      expect(minted.json).toEqual({ ...body, id: expect.any(Number), token: expect.any(String) });
      expect(minted.json.token).toMatch(/^DDCI[0-9a-f]{48}$/);
      const list = await call(ACCESS, { headers });
      expect(list.status).toBe(200);
      expect(list.json).toEqual([
        { id: minted.json.id, name: body.name, ownerId: CI_USER, expires: body.expires },
      ]);
      expect(list.text).not.toContain(String(minted.json.token));
      expect(sim.accessTokens).toEqual([
        expect.objectContaining({ id: minted.json.id, via, deleted: false }),
      ]);
    },
  );

  test('a minted token is a developer token everywhere until it is deleted', async () => {
    const minted = await mint();
    const token = devToken(String(minted.json.token));
    expect((await me(token)).json).toMatchObject({ id: CI_USER, displayName: 'CI Robot' });
    expect((await call(LIST, { headers: token })).status).toBe(200);
    expect((await createWithToken(undefined, token)).status).toBe(201);
    expect((await call(ACCESS, { headers: token })).status).toBe(200);
    expect((await mint(mintBody(), token)).status).toBe(200);
    expect((await jsonPost(DESIGNS, { name: 'app', version: '1.0.0' }, token)).status).toBe(200);

    const gone = await call(`${ACCESS}/${String(minted.json.id)}`, {
      method: 'DELETE',
      headers: devToken(),
    });
    expect(gone.status).toBe(204);
    expect((await me(token)).status).toBe(401);
    expect((await jsonPost(DESIGNS, { name: 'app', version: '1.0.0' }, token)).status).toBe(401);
    const list = await call(ACCESS, { headers: devToken() });
    expect((list.json as unknown as Json[]).map((t) => t.id)).not.toContain(minted.json.id);
    expect(sim.accessTokens[0]?.deleted).toBe(true);
  });

  test('an expired token authenticates nothing but stays listed until it is deleted', async () => {
    const [old] = sim.addAccessTokens([{ name: 'old', expires: Date.now() - 1 }]);
    expect((await me(devToken(old!.token))).status).toBe(401);
    expect((await call(ACCESS, { headers: devToken() })).json).toEqual([
      { id: old!.id, name: 'old', ownerId: CI_USER, expires: old!.expires },
    ]);
  });

  test('a session from signing on as the grantless user: its name, and no minting', async () => {
    const signed = await signOn({
      method: 'password',
      emailAddress: 'grantless@acme.example',
      password: 'sim-password',
    });
    const headers = { 'x-domo-authentication': String(signed.json.sessionToken) };
    expect((await me(headers)).json).toMatchObject({ id: 1002, displayName: 'No Grants' });
    expect((await mint(mintBody(6 * HOUR, { ownerId: 1002 }), headers)).status).toBe(403);
  });

  test.each<[string, Record<string, unknown>, Record<string, string>, unknown, number, RegExp]>([
    ['no credential', {}, {}, mintBody(), 401, /^Full authentication/],
    ['an unknown developer token', {}, devToken('stale'), mintBody(), 401, /^Full authentication/],
    [
      'a user without the grant',
      {},
      grantless,
      mintBody(HOUR, { ownerId: 1002 }),
      403,
      /"Manage all access tokens" grant/,
    ],
    [
      'accessTokenCreate refused',
      { accessTokenCreate: 'refused' },
      devToken(),
      mintBody(),
      403,
      /grant/,
    ],
    [
      'accessTokenCreate refused, with a session',
      { accessTokenCreate: 'refused' },
      { 'x-domo-authentication': SESSION },
      mintBody(),
      403,
      /grant/,
    ],
    ['a list for a body', {}, devToken(), [mintBody()], 400, /JSON object/],
    ['no name', {}, devToken(), mintBody(HOUR, { name: ' ' }), 400, /^name/],
    [
      'an ownerId in a string',
      {},
      devToken(),
      mintBody(HOUR, { ownerId: '964382593' }),
      400,
      /^ownerId/,
    ],
    [
      'another owner',
      {},
      devToken(),
      mintBody(HOUR, { ownerId: 1002 }),
      400,
      /^Invalid ownerId 1002/,
    ],
    ['an expiry in the past', {}, devToken(), mintBody(-1), 400, /^expires must be a future/],
    ['an expiry in seconds', {}, devToken(), mintBody(HOUR, { expires: 1.5e9 }), 400, /future/],
    ['an expiry as text', {}, devToken(), mintBody(HOUR, { expires: 'tomorrow' }), 400, /future/],
    [
      'hours where only days are taken',
      { accessTokenLifetime: 'whole-days' },
      devToken(),
      mintBody(6 * HOUR),
      400,
      /^expires must be a whole number of days from now$/,
    ],
    [
      'a day and an hour where only days are taken',
      { accessTokenLifetime: 'whole-days' },
      devToken(),
      mintBody(DAY + HOUR),
      400,
      /whole number of days/,
    ],
    [
      'longer than the longest lifetime',
      { accessTokenMaxDays: 30 },
      devToken(),
      mintBody(31 * DAY),
      400,
      /^expires may be at most 30 days from now$/,
    ],
  ])('minting refused: %s', async (_, options, headers, body, status, message) => {
    sim.set(options);
    const refused = await mint(body, headers);
    expect(refused.status).toBe(status);
    expect(refused.json).toMatchObject({ status, message: expect.stringMatching(message) });
    expect(sim.accessTokens).toEqual([]);
  });

  test('a text body is a 415', async () => {
    const text = await call(ACCESS, {
      method: 'POST',
      headers: { ...devToken(), 'content-type': 'text/plain' },
      body: JSON.stringify(mintBody()),
    });
    expect(text.status).toBe(415);
  });

  test.each<[string, Record<string, unknown>, number]>([
    ['hours by default', {}, 6 * HOUR],
    ['a day where only days are taken', { accessTokenLifetime: 'whole-days' }, DAY],
    ['30 days where only days are taken', { accessTokenLifetime: 'whole-days' }, 30 * DAY],
    ['the longest lifetime exactly', { accessTokenMaxDays: 30 }, 30 * DAY],
  ])('minting accepted: %s', async (_, options, lifetime) => {
    sim.set(options);
    expect((await mint(mintBody(lifetime))).status).toBe(200);
  });

  test.each<[string, Record<string, unknown>, (id: number) => Promise<Answer>, number]>([
    ['listing as the grantless user', {}, () => call(ACCESS, { headers: grantless }), 403],
    [
      'deleting it as the grantless user',
      {},
      (id) => call(`${ACCESS}/${id}`, { method: 'DELETE', headers: grantless }),
      403,
    ],
    ['listing with nothing', {}, () => call(ACCESS), 401],
    ['deleting it with nothing', {}, (id) => call(`${ACCESS}/${id}`, { method: 'DELETE' }), 401],
    [
      'deleting it with an unknown token',
      {},
      (id) => call(`${ACCESS}/${id}`, { method: 'DELETE', headers: devToken('stale') }),
      401,
    ],
    [
      'deleting an unknown id',
      {},
      () => call(`${ACCESS}/999999`, { method: 'DELETE', headers: devToken() }),
      400,
    ],
    [
      'deleting an unknown id, accessTokenUnknownId 404',
      { accessTokenUnknownId: 404 },
      () => call(`${ACCESS}/999999`, { method: 'DELETE', headers: devToken() }),
      404,
    ],
    ['PUT', {}, () => call(ACCESS, { method: 'PUT', headers: devToken() }), 405],
  ])('%s → %i; the seeded token lives on', async (_, options, ask, status) => {
    sim.set(options);
    const [seeded] = sim.addAccessTokens([{ name: 'kept' }]);
    const answer = await ask(seeded!.id);
    expect(answer.status).toBe(status);
    expect(sim.accessTokens).toEqual([expect.objectContaining({ id: seeded!.id, deleted: false })]);
  });

  test('leftovers: addAccessTokens and POST /__sim/access-tokens seed them; reset forgets them; ids never repeat', async () => {
    const before = Date.now();
    const [a, b] = sim.addAccessTokens([
      { name: 'github-actions octo-org/octo-repo run 41.1 build a1b2c3' },
      { name: 'by hand', ownerId: 1002, expires: 1_900_000_000_000 },
    ]);
    expect(a).toMatchObject({ ownerId: CI_USER, via: 'seed', deleted: false });
    expect(a!.expires).toBeGreaterThanOrEqual(before + 30 * DAY);
    expect(b).toMatchObject({ ownerId: 1002, expires: 1_900_000_000_000 });
    expect((await me(devToken(a!.token))).json).toMatchObject({ id: CI_USER });

    const added = await call('/__sim/access-tokens', {
      method: 'POST',
      body: JSON.stringify({ name: 'via admin' }),
    });
    expect(added.status).toBe(200);
    const listed = await call('/__sim/access-tokens');
    expect((listed.json as unknown as Json[]).map((t) => t.name)).toEqual([
      a!.name,
      'by hand',
      'via admin',
    ]);
    const bad = await call('/__sim/access-tokens', { method: 'POST', body: '{"ownerId":1}' });
    expect(bad).toMatchObject({ status: 400, json: { message: 'an access token needs a name' } });
    expect(() => sim.addAccessTokens([{ name: 'x', expires: 1.5 }])).toThrow(/epoch milliseconds/);

    sim.reset();
    expect(sim.accessTokens).toEqual([]);
    expect((await me(devToken(a!.token))).status).toBe(401);
    const [c] = sim.addAccessTokens([{ name: 'after reset' }]);
    expect(c!.id).toBeGreaterThan(b!.id);
  });

  test('act-then-fail on minting: the token exists although the answer was lost', async () => {
    sim.fault('create-access-token', { kind: 'act-then-fail', then: 502 });
    expect((await mint()).status).toBe(502);
    expect(sim.accessTokens).toHaveLength(1);
  });

  test.each<[Record<string, unknown>, string]>([
    [{ accessTokenCreate: 'sometimes' }, 'accessTokenCreate must be one of allowed, refused'],
    [{ accessTokenLifetime: 'hours' }, 'accessTokenLifetime must be one of any, whole-days'],
    [{ accessTokenUnknownId: 410 }, 'accessTokenUnknownId must be one of 400, 404'],
    [
      { accessTokenMaxDays: 0 },
      'accessTokenMaxDays must be a whole number of days, at least 1, or null',
    ],
    [
      { accessTokenMaxDays: 1.5 },
      'accessTokenMaxDays must be a whole number of days, at least 1, or null',
    ],
  ])('option %j is refused: %s', (options, message) => {
    expect(() => sim.set(options)).toThrow(message);
  });

  test('options also come as text (the CLI and /__sim/set send strings)', async () => {
    sim.set({ accessTokenMaxDays: '2', accessTokenUnknownId: '404' } as never);
    expect((await mint(mintBody(3 * DAY))).status).toBe(400);
    expect((await call(`${ACCESS}/1`, { method: 'DELETE', headers: devToken() })).status).toBe(404);
    sim.set({ accessTokenMaxDays: null });
    expect((await mint(mintBody(3 * DAY))).status).toBe(200);
  });

  test('the CLI: the access-token options are in --help, and a bad value stops it', async () => {
    const help = await cli('--help');
    for (const flag of [
      '--access-token-create C',
      '--access-token-lifetime L',
      '--access-token-max-days N',
      '--access-token-unknown-id S',
    ]) {
      expect(help.out).toContain(flag);
    }
    expect(await cli('--port', '0', '--access-token-max-days', 'x')).toEqual({
      code: 2,
      out: 'domo simulator: accessTokenMaxDays must be a whole number of days, at least 1, or null\n',
    });
  });
});

describe('app publishing, as `domo publish` sends it', () => {
  const manifest = {
    name: 'hello',
    version: '1.0.0',
    fileName: 'manifest.json',
    datasetsMapping: [],
  };
  const assets = (id: string, version: string) => `${DESIGNS}/${id}/versions/${version}/assets`;
  const upload = (
    id: string,
    version: string,
    path: string,
    body: string,
    type: string,
    headers = devToken(),
  ) =>
    call(`${assets(id, version)}?path=${path}`, {
      method: 'POST',
      headers: { 'content-type': type, ...headers },
      body,
    });

  test('a one-file app: the design, then manifest.json and index.html; a second publish finds it', async () => {
    const created = await jsonPost(`${DESIGNS}?path=manifest.json`, manifest, devToken());
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'hello',
      owner: CI_USER,
      latestVersion: '1.0.0',
    });
    const id = String(created.json.id);
    const withId = JSON.stringify({ ...manifest, id });
    const first = await upload(id, '1.0.0', 'manifest.json', withId, 'application/json');
    expect(first.json).toEqual({
      designId: id,
      version: '1.0.0',
      path: 'manifest.json',
      size: withId.length,
    });
    expect((await upload(id, '1.0.0', 'index.html', '<p>hi</p>', 'text/html')).status).toBe(200);
    // Published again, the same version: the assets are replaced, not added.
    expect((await upload(id, '1.0.0', 'index.html', '<p>hi!</p>', 'text/html')).status).toBe(200);
    expect(sim.designs).toEqual([
      expect.objectContaining({
        id,
        assets: [
          {
            version: '1.0.0',
            path: 'manifest.json',
            bytes: withId.length,
            contentType: 'application/json',
            userId: CI_USER,
          },
          {
            version: '1.0.0',
            path: 'index.html',
            bytes: 10,
            contentType: 'text/html',
            userId: CI_USER,
          },
        ],
      }),
    ]);

    // A manifest with an id: the CLI asks for the design and its versions, then uploads.
    const found = await call(`${DESIGNS}/${id}?parts=versions`, { headers: devToken() });
    expect(found.json).toMatchObject({
      id,
      latestVersion: '1.0.0',
      versions: [{ version: '1.0.0', datasetsMapping: [] }],
    });
    const mapped = JSON.stringify({
      ...manifest,
      id,
      version: '1.0.1',
      datasetsMapping: [{ alias: 'sales' }],
    });
    expect((await upload(id, '1.0.1', 'manifest.json', mapped, 'application/json')).status).toBe(
      200,
    );
    const bumped = await call(`${DESIGNS}/${id}`, { headers: devToken() });
    expect(bumped.json).toMatchObject({
      latestVersion: '1.0.1',
      versions: [
        { version: '1.0.0', datasetsMapping: [] },
        { version: '1.0.1', datasetsMapping: [{ alias: 'sales' }] },
      ],
    });
    expect(sim.requests.map((r) => r.route)).toEqual([
      'create-design',
      'upload-asset',
      'upload-asset',
      'upload-asset',
      'get-design',
      'upload-asset',
      'get-design',
    ]);
    // Each request keeps the credential it carried, for tests that check which one it was.
    const carried = new Set(sim.requests.map((r) => r.headers['x-domo-developer-token']));
    expect(carried).toEqual(new Set([DEV_TOKEN]));
  });

  const expired = () =>
    devToken(sim.addAccessTokens([{ name: 'old', expires: Date.now() - 1 }])[0]!.token);
  test.each<[string, () => Record<string, string>, number]>([
    ['no credential', () => ({}), 401],
    ['an unknown developer token', () => devToken('stale'), 401],
    ['an expired access token', expired, 401],
    ['an OAuth-style bearer token', () => ({ authorization: 'Bearer sim-developer-token' }), 401],
    ['a session', () => ({ 'x-domo-authentication': SESSION }), 200],
  ])('each publishing call with %s → %i', async (_, headers, status) => {
    const id = String((await jsonPost(DESIGNS, manifest, devToken())).json.id);
    const answers = [
      await jsonPost(DESIGNS, manifest, headers()),
      await call(`${DESIGNS}/${id}?parts=versions`, { headers: headers() }),
      await upload(id, '1.0.0', 'index.html', 'x', 'text/html', headers()),
    ];
    expect(answers.map((a) => a.status)).toEqual([status, status, status]);
    expect(sim.designs).toHaveLength(status === 200 ? 2 : 1);
    expect(sim.designs[0]!.assets).toHaveLength(status === 200 ? 1 : 0);
  });

  test.each<[string, () => Promise<Answer>, number, RegExp]>([
    [
      'an unknown design',
      () => call(`${DESIGNS}/nope?parts=versions`, { headers: devToken() }),
      404,
      /^No design found with id nope$/,
    ],
    [
      'an upload to an unknown design',
      () => upload('nope', '1.0.0', 'index.html', 'x', 'text/html'),
      404,
      /^No design found/,
    ],
    [
      'a manifest without a version',
      () => jsonPost(DESIGNS, { name: 'x' }, devToken()),
      400,
      /version/,
    ],
    [
      'a manifest without a name',
      () => jsonPost(DESIGNS, { version: '1.0.0' }, devToken()),
      400,
      /name/,
    ],
    [
      'a body that is not JSON',
      () => jsonPost(DESIGNS, 'name=x', devToken()),
      400,
      /JSON manifest/,
    ],
  ])('%s → %i', async (_, ask, status, message) => {
    const answer = await ask();
    expect(answer.status).toBe(status);
    expect(answer.json.message).toMatch(message);
  });

  test('an upload without a path is a 400', async () => {
    const id = String((await jsonPost(DESIGNS, manifest, devToken())).json.id);
    const answer = await call(assets(id, '1.0.0'), {
      method: 'POST',
      headers: devToken(),
      body: 'x',
    });
    expect(answer.status).toBe(400);
    expect(sim.designs[0]!.assets).toEqual([]);
  });

  test('GET /__sim/designs shows them; reset forgets them', async () => {
    await jsonPost(DESIGNS, manifest, devToken());
    expect((await call('/__sim/designs')).json).toEqual([
      expect.objectContaining({ name: 'hello' }),
    ]);
    sim.reset();
    expect(sim.designs).toEqual([]);
  });

  test('the banner names the new routes', () => {
    const text = banner('https://127.0.0.1:8443');
    for (const line of [
      'GET      /api/data/v1/accesstokens  (list-access-tokens)',
      'POST     /api/data/v1/accesstokens  (create-access-token)',
      'DELETE   /api/data/v1/accesstokens/{id}  (delete-access-token)',
      'POST     /api/apps/v1/designs  (create-design)',
      'GET      /api/apps/v1/designs/{id}  (get-design)',
      'POST     /api/apps/v1/designs/{id}/versions/{version}/assets  (upload-asset)',
      'grantless@acme.example lacks the grants',
    ]) {
      expect(text).toContain(line);
    }
  });
});
