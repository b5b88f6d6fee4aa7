/**
 * The advice a failed token request ends with when the request never got an answer from
 * Domo's API: one hint per way of failing, each naming what to check. Transport failures are
 * built as the real transport builds them (classify), so each row is the full error message a
 * user reads in the job's ::error::.
 */
import { describe, expect, test } from '@jest/globals';
import type { HttpRequest, HttpResponse, Transport } from '../../src/http.js';

const { classify } = await import('../../src/http.js');
const { requestToken } = await import('../../src/domo/token.js');
const { transportHint } = await import('../../src/domo/hints.js');
const { DomoError } = await import('../../src/errors.js');

const API = 'https://api.domo.test';
const request = { apiUrl: API, basicCredential: 'aWQ6c2VjcmV0', scopes: ['data'] };

/** A transport whose socket fails with `code`, as createTransport reports it (30 s limit). */
const failing =
  (code: string, message = `${code} (simulated)`): Transport =>
  async (req: HttpRequest) => {
    throw classify(Object.assign(new Error(message), { code }), req.url, 30);
  };

/** A transport that answers every request with the same response. */
const answering =
  (response: HttpResponse): Transport =>
  async () =>
    response;

async function failure(transport: Transport): Promise<string> {
  const err = await requestToken(transport, request, 'GET').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(DomoError);
  return (err as Error).message;
}

describe('a token request that never reached Domo ends with advice', () => {
  test.each<[string, Transport, string]>([
    [
      'connection refused',
      failing('ECONNREFUSED'),
      'Domo token request failed: connection refused by api.domo.test. Nothing is listening there: check the URL (`api-url` or `instance`) and any proxy settings.',
    ],
    [
      'unknown host',
      failing('ENOTFOUND'),
      'Domo token request failed: host name api.domo.test not found (ENOTFOUND). Check the host name in `api-url` or `instance`; on self-hosted runners, check DNS and `https_proxy`/`no_proxy`.',
    ],
    [
      'no answer in time',
      failing('ETIMEDOUT'),
      "Domo token request failed: no complete answer within 30 s. Raise `timeout-seconds`, or check the runner's network and `https_proxy`/`no_proxy`.",
    ],
    [
      'certificate not trusted',
      failing('SELF_SIGNED_CERT_IN_CHAIN'),
      'Domo token request failed: TLS failure talking to api.domo.test (SELF_SIGNED_CERT_IN_CHAIN). Behind a TLS-inspecting proxy, give Node its certificate authority with NODE_EXTRA_CA_CERTS.',
    ],
    [
      'connection reset',
      failing('ECONNRESET'),
      'Domo token request failed: connection to api.domo.test broken (ECONNRESET). The connection broke: re-run the job; on self-hosted runners check the proxy.',
    ],
    [
      'other socket error',
      failing('EHOSTUNREACH'),
      'Domo token request failed: network error talking to api.domo.test (EHOSTUNREACH). The connection broke: re-run the job; on self-hosted runners check the proxy.',
    ],
    [
      'malformed HTTP',
      failing('HPE_INVALID_HEADER_TOKEN'),
      "Domo token request failed: malformed HTTP answer from api.domo.test (HPE_INVALID_HEADER_TOKEN). Something other than Domo's API may have answered: check `api-url` (or `instance`).",
    ],
    [
      'a 2xx that is not JSON',
      answering({ status: 200, headers: {}, body: 'OK' }),
      'Domo token request failed: HTTP 200 with a body that is not JSON ("OK"). Something other than Domo\'s API may have answered: check `api-url` (or `instance`).',
    ],
    [
      'a redirect',
      answering({
        status: 302,
        headers: { location: 'https://sso.example.test/login?x=1' },
        body: '',
      }),
      'Domo token request failed: HTTP 302: a redirect to https://sso.example.test/login, not followed because it would carry credentials. Point `api-url` (or `instance`) at the final address.',
    ],
  ])('%s', async (_, transport, message) => {
    expect(await failure(transport)).toBe(message);
  });
});

test('an HTTP error status gets no transport advice: each call gives its own', () => {
  expect(
    transportHint(new DomoError({ call: 'Domo token request', kind: 'http', status: 500 })),
  ).toBeUndefined();
});
