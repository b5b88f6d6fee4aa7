/**
 * Token mode, end to end: the committed dist/index.js run as GitHub's runner runs it, against
 * the Domo simulator, for the happy path and every fault the contract names.
 */
import { describe, expect, test } from '@jest/globals';
import { JOB_TOKEN, runStep } from '../../dev/runner.mjs';
import { findNode24 } from '../../dev/node24.mjs';
import type { FaultSpec } from '../../dev/simulator.mjs';
import { basic, expectFailure, expectNoLeaks, withSimulator, type Simulator } from './helpers.js';

const credentials = { 'client-id': 'sim-client-id', 'client-secret': 'sim-client-secret' };
const tokenRequests = (sim: Simulator) => sim.requests.filter((r) => r.route === 'token');

describe('token mode, happy path', () => {
  test('masks, outputs, env and summary, with debug logging on', async () => {
    await withSimulator({}, async (sim) => {
      const step = await runStep({
        inputs: { ...credentials, 'api-url': sim.url, scope: 'data, user data' },
        debug: true,
      });
      expect(step.exitCode).toBe(0);
      expect(step.errors).toEqual([]);
      expect(step.warnings).toEqual([]);

      const token = step.outputs['access-token']!;
      expect(token.length).toBeGreaterThan(20);
      // The runner fills in `github-token` with the job's token in every mode: masked too.
      expect(step.masks.slice(0, 4)).toEqual([
        'sim-client-secret',
        JOB_TOKEN,
        basic('sim-client-id', 'sim-client-secret'),
        token,
      ]);
      expect(step.outputs).toEqual({
        'access-token': token,
        'token-type': 'bearer',
        'expires-in': '3599',
        'expires-at': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        scope: 'data user',
        customer: 'acmecompany',
        'user-id': '964382593',
        role: 'Admin',
      });
      const expiresAt = Date.parse(step.outputs['expires-at']!);
      expect(Math.abs(expiresAt - (Date.now() + 3599_000))).toBeLessThan(60_000);
      expect(step.exportedEnv).toEqual({ DOMO_ACCESS_TOKEN: token });
      expect(step.summary).toContain('acmecompany');
      expect(step.summary).toContain('data user');

      const [request] = tokenRequests(sim);
      // Domo's answers are small: nothing compressed, which an error would quote as garbage.
      expect(request!.headers['accept-encoding']).toBe('identity');
      expect(request).toMatchObject({
        method: 'GET',
        path: '/oauth/token',
        query: { grant_type: 'client_credentials', scope: 'data user' },
      });
      expect(request!.headers.authorization).toBe(
        `Basic ${basic('sim-client-id', 'sim-client-secret')}`,
      );
      expectNoLeaks(step);
    });
  });

  test('export-env false, a custom env-var, no summary, and a warning for a provision-only input', async () => {
    await withSimulator({}, async (sim) => {
      const step = await runStep({
        inputs: {
          ...credentials,
          'api-url': sim.url,
          'export-env': 'false',
          summary: 'false',
          username: 'someone',
        },
      });
      expect(step.exitCode).toBe(0);
      expect(step.exportedEnv).toEqual({});
      expect(step.summary).toBe('');
      expect(step.warnings).toEqual([
        'Input `username` does not apply to mode: token; it is ignored.',
      ]);

      const named = await runStep({
        inputs: { ...credentials, 'api-url': sim.url, 'env-var': 'DOMO_DATA_TOKEN' },
      });
      expect(Object.keys(named.exportedEnv)).toEqual(['DOMO_DATA_TOKEN']);
      expectNoLeaks(step);
      expectNoLeaks(named);
    });
  });

  test('a Domo that wants POST: GET gets 405, the same request goes once more as a form POST', async () => {
    await withSimulator({ tokenMethods: 'POST' }, async (sim) => {
      const step = await runStep({
        inputs: { ...credentials, 'api-url': sim.url, scope: 'data user' },
      });
      expect(step.exitCode).toBe(0);
      const requests = tokenRequests(sim);
      expect(requests.map((r) => r.method)).toEqual(['GET', 'POST']);
      expect(requests[1]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(requests[1]!.body).get('grant_type')).toBe('client_credentials');
      expect(new URLSearchParams(requests[1]!.body).get('scope')).toBe('data user');
      expectNoLeaks(step);
    });
  });

  const node24 = findNode24();
  // Without Node 24 (installed by `node dev/node24.mjs`, as .ci/run does) this one is skipped,
  // and its name says so in the test output.
  (node24 ? test : test.skip)(
    node24
      ? 'the same bundle on Node 24, the runtime of node24 actions'
      : 'the same bundle on Node 24: SKIPPED, Node 24 is not installed (run `node dev/node24.mjs`)',
    async () => {
      await withSimulator({}, async (sim) => {
        const step = await runStep({
          inputs: { ...credentials, 'api-url': sim.url },
          node: node24,
        });
        expect(step.exitCode).toBe(0);
        expect(step.outputs['token-type']).toBe('bearer');
        expectNoLeaks(step);
      });
    },
  );
});

interface FaultCase {
  name: string;
  faults: FaultSpec[];
  inputs?: Record<string, string>;
  ok: boolean;
  requests: number;
  message?: RegExp;
  maxMs?: number;
}

// retries are set per case so that the real backoff (about 1 s, doubling) keeps this short.
const faultCases: FaultCase[] = [
  {
    name: '401 bad credentials: not retried',
    faults: [],
    inputs: { 'client-secret': 'wrong-secret' },
    ok: false,
    requests: 1,
    message: /HTTP 401 \(Bad credentials\)\. Check `client-id` and `client-secret`/,
  },
  {
    name: '400 invalid scope: not retried',
    faults: [],
    inputs: { scope: 'data nosuchscope' },
    ok: false,
    requests: 1,
    message: /HTTP 400 \(Invalid scope: nosuchscope\)\. The client was not granted every scope/,
  },
  {
    name: '503 twice, then success',
    faults: [{ kind: 'status', status: 503, times: 2 }],
    inputs: { retries: '2' },
    ok: true,
    requests: 3,
  },
  {
    name: '500 forever, retries 1',
    faults: [{ kind: 'status', status: 500, times: Infinity }],
    inputs: { retries: '1' },
    ok: false,
    requests: 2,
    message: /failed after 2 attempts: HTTP 500/,
  },
  {
    name: '502 and 504 are retried',
    faults: [
      { kind: 'status', status: 502 },
      { kind: 'status', status: 504 },
    ],
    inputs: { retries: '2' },
    ok: true,
    requests: 3,
  },
  {
    name: '408 is retried',
    faults: [{ kind: 'status', status: 408 }],
    inputs: { retries: '1' },
    ok: true,
    requests: 2,
  },
  {
    name: '429 with Retry-After: 1, then success',
    faults: [{ kind: 'retry-after', value: '1' }],
    ok: true,
    requests: 2,
  },
  {
    // A date already past, not one read from the clock: when a test runs is not up to it.
    name: '429 with an HTTP-date Retry-After that has passed: retried at once',
    faults: [{ kind: 'retry-after', value: 'Wed, 21 Oct 2015 07:28:00 GMT' }],
    ok: true,
    requests: 2,
  },
  {
    name: '403: not retried',
    faults: [{ kind: 'status', status: 403, times: Infinity }],
    ok: false,
    requests: 1,
    message: /HTTP 403/,
  },
  {
    name: '404: not retried',
    faults: [{ kind: 'status', status: 404, times: Infinity }],
    ok: false,
    requests: 1,
    message: /HTTP 404.*check `api-url`/,
  },
  {
    name: 'an HTML gateway page',
    faults: [{ kind: 'html', status: 502, times: Infinity }],
    inputs: { retries: '0' },
    ok: false,
    requests: 1,
    message: /HTTP 502 \(an HTML page.*a proxy or gateway answered/,
  },
  {
    name: 'HTML with 200: not retried',
    faults: [{ kind: 'html', status: 200, times: Infinity }],
    ok: false,
    requests: 1,
    message: /HTTP 200 with a body that is not JSON \(an HTML page/,
  },
  {
    name: 'malformed JSON: not retried',
    faults: [{ kind: 'malformed', times: Infinity }],
    ok: false,
    requests: 1,
    message: /HTTP 200 with a body that is not JSON/,
  },
  {
    name: 'access_token as a number',
    faults: [{ kind: 'body', body: { access_token: 42, expires_in: 3599 }, times: Infinity }],
    ok: false,
    requests: 1,
    message: /`access_token` is missing or not a non-empty string/,
  },
  {
    name: 'expires_in 0: a token that expires at once is refused',
    faults: [{ kind: 'body', body: { access_token: 'tok-0123456789', expires_in: 0 } }],
    ok: false,
    requests: 1,
    message: /`expires_in` is 0: a token must live at least 1 s/,
  },
  {
    name: 'a gzip-encoded answer is described, never quoted',
    faults: [
      {
        kind: 'status',
        status: 502,
        body: '\u001f\u008b\b\u0000binary ::error::x',
        headers: { 'content-encoding': 'gzip' },
        times: Infinity,
      },
    ],
    inputs: { retries: '0' },
    ok: false,
    requests: 1,
    message: /failed: HTTP 502 \(an answer that is not text: gzip-encoded\)\. Domo \(or a gateway/,
  },
  {
    name: 'a hang: per-attempt timeout, retried once',
    faults: [{ kind: 'hang', times: Infinity }],
    inputs: { 'timeout-seconds': '0.5', retries: '1' },
    ok: false,
    requests: 2,
    message: /after 2 attempts: no complete answer within 0\.5 s\. Raise `timeout-seconds`/,
    maxMs: 6000,
  },
  {
    name: 'a trickle is cut at the per-attempt limit',
    faults: [{ kind: 'trickle', ms: 100, times: Infinity }],
    inputs: { 'timeout-seconds': '0.5', retries: '0' },
    ok: false,
    requests: 1,
    message: /no complete answer within 0\.5 s/,
    maxMs: 4000,
  },
  {
    name: 'a connection reset, then success',
    faults: [{ kind: 'reset' }],
    inputs: { retries: '1' },
    ok: true,
    requests: 2,
  },
  {
    name: 'a redirect is never followed',
    faults: [
      { kind: 'redirect', status: 302, location: 'http://127.0.0.1:9/steal', times: Infinity },
    ],
    ok: false,
    requests: 1,
    message:
      /HTTP 302: a redirect to http:\/\/127\.0\.0\.1:9\/steal, not followed because it would carry credentials/,
  },
  {
    name: 'a body over 1 MiB',
    faults: [{ kind: 'huge', bytes: 3_000_000, times: Infinity }],
    ok: false,
    requests: 1,
    message: /the answer is larger than 1048576 bytes/,
  },
];

describe('token mode, faults', () => {
  test.concurrent.each(faultCases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    await withSimulator({}, async (sim) => {
      for (const fault of c.faults) sim.fault('token', fault);
      const step = await runStep({ inputs: { ...credentials, 'api-url': sim.url, ...c.inputs } });
      expect(tokenRequests(sim)).toHaveLength(c.requests);
      if (c.ok) {
        expect(step.exitCode).toBe(0);
        expect(step.errors).toEqual([]);
        expect(step.outputs['access-token']).toBeTruthy();
      } else {
        expectFailure(step, c.message ?? /./);
        expect(step.outputs).toEqual({});
        expect(step.exportedEnv).toEqual({});
      }
      if (c.maxMs) expect(step.durationMs).toBeLessThan(c.maxMs);
      expectNoLeaks(step, [c.inputs?.['client-secret'] ?? '']);
    });
  });

  test('connection refused: retried, then a clear error', async () => {
    const sim = await withSimulator({}, async (s) => s); // a port that was just closed
    const step = await runStep({ inputs: { ...credentials, 'api-url': sim.url, retries: '1' } });
    expectFailure(step, `failed after 2 attempts: connection refused by 127.0.0.1:${sim.port}`);
    expectNoLeaks(step);
  });
});

describe('bad inputs fail before any request', () => {
  test.concurrent.each<[string, Record<string, string>, string]>([
    [
      'a missing secret',
      { 'client-id': 'sim-client-id' },
      'Input `client-secret` is required in token mode.',
    ],
    [
      'http to a remote host',
      { ...credentials, 'api-url': 'http://api.domo.com' },
      'Input `api-url` must use https',
    ],
    ['an empty scope', { ...credentials, scope: ' , ' }, 'Input `scope` is empty'],
    ['scope written as empty', { ...credentials, scope: '' }, 'Input `scope` is empty'],
    [
      'retries out of range',
      { ...credentials, retries: '50' },
      'Input `retries` must be a whole number from 0 to 20',
    ],
    [
      'a bad mode',
      { ...credentials, mode: 'oauth' },
      'Input `mode` must be "token", "provision", "login" or "sweep"',
    ],
  ])('%s', async (_, inputs, message) => {
    await withSimulator({}, async (sim) => {
      const step = await runStep({ inputs: { 'api-url': sim.url, ...inputs } });
      expectFailure(step, message);
      expect(sim.requests).toEqual([]);
      expectNoLeaks(step);
    });
  });
});
