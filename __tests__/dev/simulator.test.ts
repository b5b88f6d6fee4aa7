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
import { parseFaultArg, startSimulator, type Simulator } from '../../dev/simulator.mjs';

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
      { id: 1002, role: 'Participant' },
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
