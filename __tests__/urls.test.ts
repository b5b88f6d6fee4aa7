/** URL inputs: https (or http to loopback), and errors that never quote a password. */
import { describe, expect, test } from '@jest/globals';
import { isLoopbackHost, parseBaseUrl, parseInstance, withoutCredentials } from '../src/urls.js';

describe('withoutCredentials', () => {
  test.each<[string, string]>([
    ['https://api.domo.com', 'https://api.domo.com'],
    ['https://user:hunter2@api.domo.com/v1', 'https://api.domo.com/v1'],
    ['https://user@api.domo.com', 'https://api.domo.com'],
    ['https://:hunter2@api.domo.com', 'https://api.domo.com'],
    ['https://u:p@ss@w@rd@api.domo.com', 'https://api.domo.com'],
    ['https://u:pa/ss?w#rd@api.domo.com', 'https://api.domo.com'],
    ['https://u:hunter2@[::1', 'https://[::1'],
    ['https:\\\\u:hunter2@host', 'https:\\\\host'],
    ['HTTP://u:hunter2@host', 'HTTP://host'],
    ['https:u:hunter2@host', 'host'],
    ['u:hunter2@acme.domo.com', 'acme.domo.com'],
    ['acme', 'acme'],
    ['not a url', 'not a url'],
    // A scheme counts only at the start; an `@` right after it leaves no user part.
    ['see https://u:hunter2@host', 'host'],
    ['https://@host', 'https://host'],
  ])('%j → %j', (input, expected) => {
    expect(withoutCredentials(input)).toBe(expected);
  });
});

describe('parseBaseUrl', () => {
  test.each<[string, string]>([
    ['https://api.domo.com', 'https://api.domo.com'],
    ['https://api.domo.com/', 'https://api.domo.com'],
    ['https://api.domo.com/v1//', 'https://api.domo.com/v1'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['http://127.0.0.1:9', 'http://127.0.0.1:9'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
    ['http://[0:0:0:0:0:0:0:1]:8787/', 'http://[::1]:8787'],
  ])('%j is a base URL: %j', (input, url) => {
    expect(parseBaseUrl(input)).toEqual({ url });
  });

  test.each<[string, string]>([
    ['not a url', 'must be a URL such as https://api.domo.com (got "not a url")'],
    [
      'https://user:hunter2@exa mple.com',
      'must be a URL such as https://api.domo.com (got "https://exa mple.com")',
    ],
    ['https://u:hunter2@[::1', 'must be a URL such as https://api.domo.com (got "https://[::1")'],
    ['https://user:hunter2@api.domo.com', 'must not contain a user name or password'],
    ['https://user@api.domo.com', 'must not contain a user name or password'],
    ['https://:hunter2@api.domo.com', 'must not contain a user name or password'],
    [
      'http://user:hunter2@api.domo.com',
      'must use https: credentials are sent over http only to loopback hosts (localhost, 127.0.0.0/8, [::1]); got http://api.domo.com',
    ],
    ['http://user:hunter2@[::1]:8080', 'must not contain a user name or password'],
    ['ftp://api.domo.com', 'must be an https URL (got the scheme "ftp")'],
    ['https://api.domo.com/?x=1', 'must not contain a query string or fragment'],
  ])('%j: %j', (input, problem) => {
    expect(parseBaseUrl(input)).toEqual({ problem });
    expect(problem).not.toContain('hunter2');
  });
});

describe('parseInstance', () => {
  test.each<[string, string, string]>([
    ['acmecompany', 'https://acmecompany.domo.com', 'acmecompany.domo.com'],
    ['a', 'https://a.domo.com', 'a.domo.com'],
    ['acme.domo.com', 'https://acme.domo.com', 'acme.domo.com'],
    ['https://acme.domo.com/', 'https://acme.domo.com', 'acme.domo.com'],
    ['http://[::1]:8787', 'http://[::1]:8787', '::1'],
  ])('%j → %j (customer domain %j)', (input, url, domain) => {
    expect(parseInstance(input)).toEqual({ url, domain });
  });

  test.each<[string, RegExp]>([
    ['user:hunter2@acme.domo.com', /got "acme\.domo\.com"$/],
    ['https://user:hunter2@acme.domo.com', /^must not contain a user name or password$/],
    ['https://user:hunter2@acme.domo.com/x/y', /^must not contain a user name or password$/],
    ['acme/x', /got "acme\/x"$/],
    [
      'https://acme.domo.com/path',
      /^must be the instance's address without a path \(got "https:\/\/acme\.domo\.com\/path"\)$/,
    ],
  ])('%j is refused without quoting a password', (input, problem) => {
    const result = parseInstance(input);
    expect('problem' in result && result.problem).toMatch(problem);
    expect(JSON.stringify(result)).not.toContain('hunter2');
  });
});

test.each<[string, boolean]>([
  ['localhost', true],
  ['127.0.0.1', true],
  ['127.255.255.255', true],
  ['[::1]', true],
  ['::1', true],
  ['[0:0:0:0:0:0:0:1]', true],
  ['127.0.0.256', false],
  ['[::ffff:127.0.0.1]', false],
  ['api.domo.com', false],
])('isLoopbackHost(%j) is %j', (host, loopback) => {
  expect(isLoopbackHost(host)).toBe(loopback);
});
