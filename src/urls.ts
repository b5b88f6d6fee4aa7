/**
 * URL rules from the contract: credentials travel over https only, except to a loopback
 * host, so that local simulators and tests work without certificates.
 */

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/[[\]]/g, '');
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return v4 !== null && v4.slice(1).every((part) => Number(part) <= 255);
}

/** Why a URL cannot carry credentials, or undefined when it can. */
function problemWith(url: URL): string | undefined {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must be an https URL (got the scheme "${url.protocol.replace(':', '')}")`;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `must use https: credentials are sent over http only to loopback hosts (localhost, 127.0.0.0/8, [::1]); got http://${url.host}`;
  }
  if (url.username || url.password) return 'must not contain a user name or password';
  if (url.search || url.hash) return 'must not contain a query string or fragment';
  return undefined;
}

/**
 * A URL input as an error message may quote it: without any `user:password@` part, whether
 * or not the URL parses. Everything between the scheme and the last `@` goes, which also
 * covers a password holding `/`, `?`, `#` or `@` (where a parser would end the user part early).
 */
export function withoutCredentials(value: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:[/\\]+/i.exec(value)?.[0] ?? '';
  const at = value.lastIndexOf('@');
  return at < scheme.length ? value : scheme + value.slice(at + 1);
}

export type UrlResult = { url: string } | { problem: string };

/** A base URL such as `https://api.domo.com`, without a trailing slash. */
export function parseBaseUrl(value: string, example = 'https://api.domo.com'): UrlResult {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return {
      problem: `must be a URL such as ${example} (got "${withoutCredentials(value)}")`,
    };
  }
  const problem = problemWith(url);
  if (problem) return { problem };
  return { url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
}

export type InstanceResult = { url: string; domain: string } | { problem: string };

/**
 * `acmecompany` → https://acmecompany.domo.com; `acmecompany.domo.com` → https://acmecompany.domo.com;
 * a URL is taken as it is. The X-DOMO-CustomerDomain header is the host name, without port.
 */
export function parseInstance(value: string): InstanceResult {
  let candidate: string;
  if (value.includes('://')) {
    candidate = value;
  } else if (/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(value)) {
    candidate = `https://${value}.domo.com`;
  } else if (/^[^\s/?#@]+$/.test(value)) {
    candidate = `https://${value}`;
  } else {
    return {
      problem: `must be an instance name (acmecompany), a host (acmecompany.domo.com) or a URL (https://acmecompany.domo.com); got "${withoutCredentials(value)}"`,
    };
  }
  const parsed = parseBaseUrl(candidate);
  if ('problem' in parsed) return parsed;
  const url = new URL(parsed.url);
  // An http(s) URL's path is never empty: at least `/`.
  if (url.pathname !== '/') {
    return {
      problem: `must be the instance's address without a path (got "${withoutCredentials(value)}")`,
    };
  }
  return { url: url.origin, domain: url.hostname.replace(/[[\]]/g, '') };
}
