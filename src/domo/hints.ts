import type { DomoError } from '../errors.js';

/** Hints for failures that never reached Domo, shared by every call. */
export function transportHint(err: DomoError): string | undefined {
  switch (err.kind) {
    case 'refused':
      return 'Nothing is listening there: check the URL (`api-url` or `instance`) and any proxy settings.';
    case 'dns':
      return 'Check the host name in `api-url` or `instance`; on self-hosted runners, check DNS and `https_proxy`/`no_proxy`.';
    case 'timeout':
      return "Raise `timeout-seconds`, or check the runner's network and `https_proxy`/`no_proxy`.";
    case 'tls':
      return 'Behind a TLS-inspecting proxy, give Node its certificate authority with NODE_EXTRA_CA_CERTS.';
    case 'redirect':
      return 'Point `api-url` (or `instance`) at the final address.';
    case 'reset':
    case 'network':
      return 'The connection broke: re-run the job; on self-hosted runners check the proxy.';
    case 'response':
      return "Something other than Domo's API may have answered: check `api-url` (or `instance`).";
    default:
      return undefined;
  }
}
