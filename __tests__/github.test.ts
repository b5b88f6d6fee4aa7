/** GitHub's "get a workflow run attempt" (src/github.ts), against nock: answers and advice. */
import { describe, expect, test } from '@jest/globals';
import nock, { socketError } from './helpers/nock.js';

const { getRunAttempt, runUrl } = await import('../src/github.js');
const { createTransport } = await import('../src/http.js');

const API = 'https://ghe.example.test/api/v3';
const RUN = {
  repository: 'acme/we b',
  serverUrl: 'https://ghe.example.test',
  apiUrl: API,
  runId: '900',
  attempt: '1',
};
const PATH = '/api/v3/repos/acme/we%20b/actions/runs/41/attempts/2';
const CALL = 'GitHub run check (GET /repos/acme/we b/actions/runs/41/attempts/2)';
const transport = createTransport({ timeoutMs: 2000 });
const ask = () => getRunAttempt(transport, RUN, 'ghs_SECRET', '41', '2');

describe('getRunAttempt', () => {
  test.each<[string, number, unknown, unknown]>([
    [
      'completed',
      200,
      { status: 'completed', conclusion: 'failure' },
      { status: 'completed', conclusion: 'failure' },
    ],
    [
      'in progress',
      200,
      { status: 'in_progress', conclusion: null },
      { status: 'in_progress', conclusion: undefined },
    ],
    ['a deleted run', 404, { message: 'Not Found' }, 'deleted'],
  ])('%s', async (_, status, body, answer) => {
    const scope = nock('https://ghe.example.test', {
      reqheaders: {
        authorization: 'Bearer ghs_SECRET',
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
      },
    })
      .get(PATH)
      .reply(status, body as nock.Body);
    await expect(ask()).resolves.toEqual(answer);
    scope.done();
  });

  test.each<[string, () => nock.Interceptor | void, string]>([
    [
      '401',
      () =>
        void nock('https://ghe.example.test').get(PATH).reply(401, { message: 'Bad credentials' }),
      `${CALL} failed: HTTP 401 (Bad credentials). GitHub refused \`github-token\`: it has expired or is not a GitHub token.`,
    ],
    [
      '403 without actions: read',
      () =>
        void nock('https://ghe.example.test')
          .get(PATH)
          .reply(403, { message: 'Resource not accessible by integration' }),
      `${CALL} failed: HTTP 403 (Resource not accessible by integration). The token may not read workflow runs: give the job \`permissions: actions: read\`.`,
    ],
    [
      '403 with Retry-After',
      () =>
        void nock('https://ghe.example.test')
          .get(PATH)
          .reply(403, { message: 'Slow down' }, { 'retry-after': '30' }),
      `${CALL} failed: HTTP 403 (Slow down). GitHub's API rate limit for this token is spent: run the sweep later, or less often.`,
    ],
    [
      '403 saying rate limit',
      () =>
        void nock('https://ghe.example.test')
          .get(PATH)
          .reply(403, { message: 'API Rate Limit exceeded for installation' }),
      `${CALL} failed: HTTP 403 (API Rate Limit exceeded for installation). GitHub's API rate limit for this token is spent: run the sweep later, or less often.`,
    ],
    [
      '500',
      () => void nock('https://ghe.example.test').get(PATH).reply(500, ''),
      `${CALL} failed: HTTP 500. GitHub had a server error.`,
    ],
    [
      '499',
      () => void nock('https://ghe.example.test').get(PATH).reply(499, ''),
      `${CALL} failed: HTTP 499.`,
    ],
    [
      'a 200 without a status',
      () => void nock('https://ghe.example.test').get(PATH).reply(200, { conclusion: 'success' }),
      `${CALL} failed: an answer without a \`status\`.`,
    ],
    [
      'a 200 with an empty status',
      () => void nock('https://ghe.example.test').get(PATH).reply(200, { status: '' }),
      `${CALL} failed: an answer without a \`status\`.`,
    ],
    [
      'a refused connection',
      () =>
        void nock('https://ghe.example.test').get(PATH).replyWithError(socketError('ECONNREFUSED')),
      `${CALL} failed: connection refused by ghe.example.test. Check the runner's GITHUB_API_URL and its network.`,
    ],
  ])('%s: an error that says what to do', async (_, reply, message) => {
    reply();
    const err = await ask().catch((e: unknown) => e);
    expect((err as Error).message).toBe(message);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

test("runUrl: the page of a run attempt on the run's server", () => {
  expect(runUrl(RUN, '41', '2')).toBe(
    'https://ghe.example.test/acme/we b/actions/runs/41/attempts/2',
  );
});
