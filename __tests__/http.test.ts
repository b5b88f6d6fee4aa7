import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import nock, { socketError } from './helpers/nock.js';
import { DomoError } from '../src/errors.js';
import type { Transport } from '../src/http.js';

// Imported after nock, so that @actions/http-client binds to the intercepted node:http.
const {
  asText,
  bareIpv6Host,
  classify,
  createTransport,
  domoMessage,
  jsonObject,
  send,
  TransportFailure,
  withLog,
} = await import('../src/http.js');
const { clean } = await import('../src/text.js');
type TransportFailure = InstanceType<typeof TransportFailure>;

const API = 'https://api.domo.test';

afterEach(() => {
  // Also clears the timers of delayed answers nobody waits for, so none outlives its test.
  nock.abortPendingRequests();
  nock.cleanAll();
});

describe('transport', () => {
  const transport = createTransport({ timeoutMs: 2000 });

  test('sends method, headers and body; returns status, headers and text', async () => {
    const scope = nock(API, {
      reqheaders: {
        accept: 'application/json',
        'accept-encoding': 'identity',
        'x-a': 'b',
        'user-agent': /domo-auth/,
      },
    })
      .post('/p', 'hello')
      .reply(201, 'world', { 'x-reply': 'yes' });
    const response = await transport({
      method: 'POST',
      url: `${API}/p`,
      headers: { 'x-a': 'b' },
      body: 'hello',
    });
    expect(response.status).toBe(201);
    expect(response.body).toBe('world');
    expect(response.headers['x-reply']).toBe('yes');
    scope.done();
  });

  test('never follows a redirect', async () => {
    nock(API).get('/r').reply(302, '', { location: 'https://elsewhere.test/steal' });
    const elsewhere = nock('https://elsewhere.test').get('/steal').reply(200, '{}');
    const response = await transport({ method: 'GET', url: `${API}/r` });
    expect(response.status).toBe(302);
    expect(elsewhere.isDone()).toBe(false);
  });

  test('a slow answer is a timeout after the per-attempt limit', async () => {
    nock(API).get('/slow').delay(1500).reply(200, '{}');
    const fast = createTransport({ timeoutMs: 200 });
    const started = Date.now();
    const err = await fast({ method: 'GET', url: `${API}/slow` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportFailure);
    expect((err as TransportFailure).kind).toBe('timeout');
    expect((err as TransportFailure).detail).toBe('no complete answer within 0.2 s');
    // Before the answer was due: the attempt gave up, it did not wait the answer out.
    expect(Date.now() - started).toBeLessThan(1500);
  });

  test('an answer larger than the cap is refused', async () => {
    nock(API).get('/huge').reply(200, 'x'.repeat(5000));
    const small = createTransport({ timeoutMs: 2000, maxBodyBytes: 1000 });
    const err = (await small({ method: 'GET', url: `${API}/huge` }).catch(
      (e: unknown) => e,
    )) as TransportFailure;
    expect(err.kind).toBe('response');
    expect(err.detail).toMatch(/larger than 1000 bytes/);
  });

  test('an answer leaves no timer behind: the step ends when its work does', async () => {
    // Only the timers this request sets are watched (its limit is a length no other code in
    // this process uses), not every timer of the process, which other tests' code can hold.
    const limitMs = 61_234;
    const own: NodeJS.Timeout[] = [];
    const setTimer = globalThis.setTimeout;
    const set = jest.spyOn(globalThis, 'setTimeout').mockImplementation(((
      ...args: Parameters<typeof setTimeout>
    ) => {
      const timer = setTimer(...args);
      if (args[1] === limitMs) own.push(timer);
      return timer;
    }) as typeof setTimeout);
    const clear = jest.spyOn(globalThis, 'clearTimeout');
    nock(API).get('/ok').reply(200, '{}');
    try {
      await createTransport({ timeoutMs: limitMs })({ method: 'GET', url: `${API}/ok` });
      expect(own).toHaveLength(1);
      expect(clear).toHaveBeenCalledWith(own[0]);
    } finally {
      set.mockRestore();
      clear.mockRestore();
    }
  });

  test('an answer of exactly the cap is read whole', async () => {
    nock(API).get('/full').reply(200, 'x'.repeat(1000));
    const small = createTransport({ timeoutMs: 2000, maxBodyBytes: 1000 });
    const response = await small({ method: 'GET', url: `${API}/full` });
    expect(response.body).toHaveLength(1000);
  });

  test('a body cut off after the headers is a broken connection, not an answer', async () => {
    // A real socket: the server promises 100 bytes, sends 11 and hangs up.
    const server = createServer((_, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    nock.enableNetConnect('127.0.0.1');
    try {
      const { port } = server.address() as AddressInfo;
      const err = (await transport({ method: 'GET', url: `http://127.0.0.1:${port}/cut` }).catch(
        (e: unknown) => e,
      )) as TransportFailure;
      expect(err).toBeInstanceOf(TransportFailure);
      expect([err.kind, err.detail]).toEqual([
        'reset',
        `connection to 127.0.0.1:${port} broken (ECONNRESET)`,
      ]);
    } finally {
      nock.disableNetConnect();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test.each([
    ['ECONNREFUSED', 'refused', /connection refused by api\.domo\.test/],
    ['ENOTFOUND', 'dns', /host name api\.domo\.test not found/],
    ['EAI_AGAIN', 'dns', /not found/],
    ['EAI_FAIL', 'dns', /host name api\.domo\.test not found \(EAI_FAIL\)/],
    ['EAI_NONAME', 'dns', /not found \(EAI_NONAME\)/],
    ['EAI_NODATA', 'dns', /not found \(EAI_NODATA\)/],
    ['ECONNRESET', 'reset', /broken \(ECONNRESET\)/],
    ['EPIPE', 'reset', /broken/],
    ['ECONNABORTED', 'reset', /broken \(ECONNABORTED\)/],
    ['HPE_INVALID_CONSTANT', 'reset', /broken \(HPE_INVALID_CONSTANT\)/],
    ['HPE_INVALID_STATUS', 'response', /malformed HTTP answer from api\.domo\.test/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls', /TLS failure/],
    ['EXY_CERT_HAS_EXPIRED', 'network', /network error .*EXY_CERT_HAS_EXPIRED/],
    ['ETIMEDOUT', 'timeout', /no complete answer/],
    ['CERT_HAS_EXPIRED', 'tls', /TLS failure/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls', /TLS failure/],
    ['EHOSTUNREACH', 'network', /network error .*EHOSTUNREACH/],
  ])('socket error %s is classified as %s', async (code, kind, detail) => {
    nock(API).get('/e').replyWithError(socketError(code));
    const err = (await transport({ method: 'GET', url: `${API}/e` }).catch(
      (e: unknown) => e,
    )) as TransportFailure;
    expect(err).toBeInstanceOf(TransportFailure);
    expect(err.kind).toBe(kind);
    expect(err.detail).toMatch(detail);
  });
});

describe('an answer that is not text is described, never quoted', () => {
  const gzip = gzipSync('{"error_description":"Bad credentials"}');
  test.each<[string, Buffer, Record<string, string>, { body: string; notText?: string }]>([
    ['JSON', Buffer.from('{"a":"é"}'), {}, { body: '{"a":"é"}' }],
    ['identity', Buffer.from('ok'), { 'content-encoding': 'Identity' }, { body: 'ok' }],
    ['tabs and line breaks', Buffer.from('a\tb\r\nc\fd'), {}, { body: 'a\tb\r\nc\fd' }],
    ['gzip', gzip, { 'content-encoding': 'gzip' }, { body: '', notText: 'gzip-encoded' }],
    ['br', Buffer.from('x'), { 'content-encoding': ' br ' }, { body: '', notText: 'br-encoded' }],
    [
      'a hostile encoding name',
      Buffer.from('x'),
      { 'content-encoding': '::error::x ##[y]' },
      { body: '', notText: ': :error: :x # #[y]-encoded' },
    ],
    ['gzip bytes unannounced', gzip, {}, { body: '', notText: 'not UTF-8' }],
    ['a NUL', Buffer.from('{"a":"\u0000"}'), {}, { body: '', notText: 'binary control bytes' }],
    [
      'an escape byte',
      Buffer.from('\u001b[31mred'),
      {},
      { body: '', notText: 'binary control bytes' },
    ],
  ])('%s', (_, bytes, headers, expected) => {
    expect(asText(bytes, headers)).toEqual(expected);
  });

  const transport = createTransport({ timeoutMs: 2000 });
  const call = 'Domo test call';
  test.each<[number, string]>([
    [502, 'Domo test call failed: HTTP 502 (an answer that is not text: gzip-encoded).'],
    [200, 'Domo test call failed: HTTP 200 with an answer that is not text (gzip-encoded).'],
  ])('a gzip-encoded HTTP %d', async (status, message) => {
    nock(API).get('/z').reply(status, gzip, { 'content-encoding': 'gzip' });
    const err = (await send(transport, call, { method: 'GET', url: `${API}/z` })
      .then((response) => jsonObject(call, response))
      .catch((e: unknown) => e)) as InstanceType<typeof DomoError>;
    expect(err).toBeInstanceOf(DomoError);
    expect(err.message).toBe(message);
  });
});

describe('IPv6 literals reach the socket without brackets (no proxy in between)', () => {
  test.each<[string, string]>([
    ['[::1]', '::1'],
    ['[0:0:0:0:0:0:0:1]', '0:0:0:0:0:0:0:1'],
    ['[2001:DB8::1]', '2001:DB8::1'],
    ['[::ffff:127.0.0.1]', '::ffff:127.0.0.1'],
    ['api.domo.com', 'api.domo.com'],
    ['127.0.0.1', '127.0.0.1'],
    ['[not-an-address]', '[not-an-address]'],
    ['x[::1]', 'x[::1]'],
    ['[::1]x', '[::1]x'],
  ])('%s → %s', (host, expected) => {
    const options = { host };
    bareIpv6Host.prepareRequest(options);
    expect(options.host).toBe(expected);
  });

  test('it answers no authentication challenge', async () => {
    expect(bareIpv6Host.canHandleAuthentication({} as never)).toBe(false);
    await expect(bareIpv6Host.handleAuthentication({} as never, {} as never, null)).rejects.toThrow(
      'domo-auth does not answer challenges',
    );
  });
});

describe('classify: an error that is not a socket error', () => {
  test.each<[string, unknown, string, string]>([
    [
      'a timeout of the HTTP client',
      new Error('Request timeout: /x'),
      'timeout',
      'no complete answer within 3 s',
    ],
    ['a string', 'socket hang up', 'reset', 'connection to api.domo.test broken (socket hang up)'],
    [
      'an Error without a code',
      new Error('strange'),
      'network',
      'network error talking to api.domo.test (no code)',
    ],
    ['undefined', undefined, 'network', 'network error talking to api.domo.test (no code)'],
    [
      'a timeout named later in the message',
      new Error('after a Request timeout'),
      'network',
      'network error talking to api.domo.test (no code)',
    ],
  ])('%s', (_, err, kind, detail) => {
    const failure = classify(err, `${API}/x`, 3);
    expect([failure.kind, failure.detail]).toEqual([kind, detail]);
  });
});

describe('withLog: one debug line per attempt', () => {
  test('the outcome and the time it took, failures included', async () => {
    const lines: string[] = [];
    let clock = 1000;
    const logged = (transport: Transport) =>
      withLog(
        transport,
        (line) => lines.push(line),
        () => (clock += 5),
      );
    const ok = logged(async () => ({ status: 204, headers: {}, body: '' }));
    const refused = logged(async () => {
      throw new TransportFailure('refused', 'connection refused by api.domo.test');
    });
    const odd = logged(async () => {
      throw 'odd';
    });
    await ok({ method: 'GET', url: `${API}/a` });
    await expect(refused({ method: 'POST', url: `${API}/b` })).rejects.toBeInstanceOf(
      TransportFailure,
    );
    await expect(odd({ method: 'GET', url: `${API}/c` })).rejects.toBe('odd');
    expect(lines).toEqual([
      `GET ${API}/a: HTTP 204 in 5 ms`,
      `POST ${API}/b: connection refused by api.domo.test after 5 ms`,
      `GET ${API}/c: odd after 5 ms`,
    ]);
  });
});

describe("domoMessage: Domo's own words from any error shape", () => {
  test.each<[string, string | undefined]>([
    ['{"error":"unauthorized","error_description":"Bad credentials"}', 'Bad credentials'],
    [
      '{"error":"invalid_scope","error_description":"Invalid scope: audit"}',
      'Invalid scope: audit',
    ],
    [
      '{"status":401,"statusReason":"Unauthorized","message":"Full authentication is required","toe":"X"}',
      'Full authentication is required',
    ],
    ['{"success":false,"reason":"INVALID_CREDENTIALS"}', 'INVALID_CREDENTIALS'],
    ['{"status":503,"statusReason":"Service Unavailable"}', 'Service Unavailable'],
    ['{"error":"server_error"}', 'server_error'],
    ['{"message":"  "}', undefined],
    ['{}', undefined],
    ['[1,2]', undefined],
    ['', undefined],
    ['   ', undefined],
    [
      '<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>',
      'an HTML page titled "502 Bad Gateway", not JSON: a proxy or gateway answered instead of Domo\'s API',
    ],
    [
      '<!DOCTYPE html><p>down</p>',
      "an HTML page, not JSON: a proxy or gateway answered instead of Domo's API",
    ],
    ['upstream connect error', '"upstream connect error"'],
    ['null', undefined],
    ['"a JSON string"', undefined],
    ['oops <html', '"oops <html"'],
    [
      '<title>Down</title>',
      'an HTML page titled "Down", not JSON: a proxy or gateway answered instead of Domo\'s API',
    ],
    [
      '<html><title>Down',
      "an HTML page, not JSON: a proxy or gateway answered instead of Domo's API",
    ],
    [
      '<p>Down</title>',
      "an HTML page, not JSON: a proxy or gateway answered instead of Domo's API",
    ],
    [
      'before</title><title',
      "an HTML page, not JSON: a proxy or gateway answered instead of Domo's API",
    ],
    ['{"message":"line one\\n::error::forged"}', 'line one : :error: :forged'],
  ])('%j → %j', (body, message) => {
    expect(domoMessage(body)).toBe(message);
  });

  test('long messages are cut to one bounded line', () => {
    const said = domoMessage(JSON.stringify({ message: 'x'.repeat(1000) }))!;
    expect(said.length).toBe(301);
    expect(clean('a\r\nb\u0007c\u2028d')).toBe('a b c d');
  });
});

describe('send', () => {
  const transport = createTransport({ timeoutMs: 2000 });
  const call = 'Domo test call';

  test('a 2xx is returned as it is', async () => {
    nock(API).get('/ok').reply(200, '{"a":1}');
    const response = await send(transport, call, { method: 'GET', url: `${API}/ok` });
    expect(jsonObject(call, response)).toEqual({ a: 1 });
  });

  test.each([
    [
      401,
      '{"error":"unauthorized","error_description":"Bad credentials"}',
      {},
      'Domo test call failed: HTTP 401 (Bad credentials).',
    ],
    [
      503,
      '<html><title>Down</title></html>',
      {},
      'Domo test call failed: HTTP 503 (an HTML page titled "Down", not JSON: a proxy or gateway answered instead of Domo\'s API).',
    ],
    [429, '', { 'retry-after': '7' }, 'Domo test call failed: HTTP 429.'],
  ])("HTTP %d becomes a DomoError with Domo's message", async (status, body, headers, message) => {
    nock(API).get('/x').reply(status, body, headers);
    const err = (await send(transport, call, { method: 'GET', url: `${API}/x` }).catch(
      (e: unknown) => e,
    )) as DomoError;
    expect(err).toBeInstanceOf(DomoError);
    expect(err.kind).toBe('http');
    expect(err.status).toBe(status);
    expect(err.message).toBe(message);
    expect(err.retryAfter).toBe((headers as Record<string, string>)['retry-after']);
  });

  test.each<[string, Record<string, string>, string | undefined]>([
    [
      'Retry-After wins',
      { 'retry-after': '7', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '20' },
      '7',
    ],
    [
      'a spent limit: its reset, as an HTTP date',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1796083200' },
      'Tue, 01 Dec 2026 00:00:00 GMT',
    ],
    ['a limit not spent', { 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '20' }, undefined],
    ['a spent limit without a reset', { 'x-ratelimit-remaining': '0' }, undefined],
    [
      'a reset that is not a number',
      { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': 'soon' },
      undefined,
    ],
  ])("GitHub's rate limit headers: %s", async (_, headers, retryAfter) => {
    nock(API).get('/x').reply(403, { message: 'API rate limit exceeded' }, headers);
    const err = (await send(transport, call, { method: 'GET', url: `${API}/x` }).catch(
      (e: unknown) => e,
    )) as DomoError;
    expect(err.status).toBe(403);
    expect(err.retryAfter).toBe(retryAfter);
  });

  test.each([
    [300, { location: '/elsewhere?x=1' }, 'a redirect to https://api.domo.test/elsewhere'],
    [399, {}, 'a redirect elsewhere'],
    [301, { location: 'http://[bad' }, 'a redirect to an unreadable location'],
  ])('HTTP %d %j is %s', async (status, headers, where) => {
    nock(API).get('/r').reply(status, '', headers);
    const err = (await send(transport, call, { method: 'GET', url: `${API}/r` }).catch(
      (e: unknown) => e,
    )) as DomoError;
    expect(err.message).toBe(
      `Domo test call failed: HTTP ${status}: ${where}, not followed because it would carry credentials.`,
    );
  });

  test.each([199, 400])('HTTP %d is an error, not an answer', async (status) => {
    // Node never hands over a final status below 200; a transport could.
    const answer = async () => ({ status, headers: {}, body: '{"message":"no"}' });
    const err = (await send(answer, call, { method: 'GET', url: `${API}/x` }).catch(
      (e: unknown) => e,
    )) as DomoError;
    expect(err.message).toBe(`Domo test call failed: HTTP ${status} (no).`);
  });

  test('a redirect is a failure that names where it pointed, without its query', async () => {
    nock(API).get('/r').reply(307, '', { location: 'https://evil.test/grab?token=abc' });
    const err = (await send(transport, call, { method: 'GET', url: `${API}/r` }).catch(
      (e: unknown) => e,
    )) as DomoError;
    expect(err.kind).toBe('redirect');
    expect(err.message).toBe(
      'Domo test call failed: HTTP 307: a redirect to https://evil.test/grab, not followed because it would carry credentials.',
    );
    expect(err.message).not.toContain('token=abc');
  });

  test('a transport failure names the call', async () => {
    nock(API).get('/x').replyWithError(socketError('ECONNREFUSED'));
    const err = (await send(transport, call, { method: 'GET', url: `${API}/x` }).catch(
      (e: unknown) => e,
    )) as DomoError;
    expect(err.message).toBe('Domo test call failed: connection refused by api.domo.test.');
  });

  test.each([
    [
      '{"access_token":"abc',
      'Domo test call failed: HTTP 200 with a body that is not JSON ("{"access_token":"abc").',
    ],
    ['42', 'Domo test call failed: HTTP 200 with JSON that is not an object.'],
    ['', 'Domo test call failed: HTTP 200 with a body that is not JSON.'],
    ['null', 'Domo test call failed: HTTP 200 with JSON that is not an object.'],
  ])('a 2xx body %j that is not a JSON object is a response failure', (body, message) => {
    const err = (() => {
      try {
        jsonObject(call, { status: 200, headers: {}, body });
      } catch (e) {
        return e as DomoError;
      }
      throw new Error('expected a failure');
    })();
    expect(err.kind).toBe('response');
    expect(err.message).toBe(message);
  });
});
