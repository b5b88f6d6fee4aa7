import { describe, expect, test } from '@jest/globals';
import { githubRun, parseConfig, secretInputValues, type RawInputs } from '../src/config.js';
import { ActionError, InputError } from '../src/errors.js';
import { clientDescription, defaultName as defaultClientName } from '../src/names.js';

const env = {
  GITHUB_REPOSITORY: 'octo-org/octo-repo',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '3',
  GITHUB_JOB: 'deploy',
  GITHUB_SERVER_URL: 'https://github.example.com',
};
const token = { 'client-id': 'id-1', 'client-secret': 'secret-1' };
const provision = { mode: 'provision', instance: 'acmecompany', 'session-token': 'sess-1' };

function parse(raw: Partial<RawInputs>) {
  return parseConfig(raw, env, () => 0.5);
}

function failure(raw: Partial<RawInputs>): InputError {
  try {
    parse(raw);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('token mode', () => {
  test('defaults match the contract', () => {
    const { config, warnings } = parse(token);
    expect(config).toEqual({
      tokenCommand: false,
      mode: 'token',
      scopes: ['data'],
      apiUrl: 'https://api.domo.com',
      exportEnv: true,
      envVar: 'DOMO_ACCESS_TOKEN',
      retries: 5,
      timeoutMs: 30_000,
      summary: true,
      client: { id: 'id-1', secret: 'secret-1' },
    });
    expect(warnings).toEqual([]);
  });

  test.each([
    ['data', ['data']],
    ['data user', ['data', 'user']],
    ['data,user', ['data', 'user']],
    [' data ,  user,,data\nuser audit ', ['data', 'user', 'audit']],
    ['DATA data', ['DATA', 'data']],
  ])('scope %j → %j', (scope, scopes) => {
    expect(parse({ ...token, scope }).config.scopes).toEqual(scopes);
  });

  test.each([
    ['https://api.domo.com/', 'https://api.domo.com'],
    ['https://API.domo.com', 'https://api.domo.com'],
    ['https://proxy.example.com/domo/', 'https://proxy.example.com/domo'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://localhost:9', 'http://localhost:9'],
    ['http://127.3.2.1', 'http://127.3.2.1'],
    ['http://[::1]:8080/', 'http://[::1]:8080'],
  ])('api-url %s → %s', (apiUrl, expected) => {
    expect(parse({ ...token, 'api-url': apiUrl }).config.apiUrl).toBe(expected);
  });

  test.each([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false],
  ])('boolean %s', (text, value) => {
    const { config } = parse({ ...token, 'export-env': text, summary: text });
    expect([config.exportEnv, config.summary]).toEqual([value, value]);
  });

  test.each(['MY_GITHUB_TOKEN', 'XPATH', 'PATHS', 'CIRCLE', 'domo_token'])(
    'env-var %s is a name of its own, not a reserved one',
    (envVar) => {
      expect(parse({ ...token, 'env-var': envVar }).config.envVar).toBe(envVar);
    },
  );

  test.each([
    ['0', 0],
    ['20', 20],
    [' 3 ', 3],
  ])('retries %j', (text, retries) => {
    expect(parse({ ...token, retries: text }).config.retries).toBe(retries);
  });

  test.each([
    ['0.5', 500],
    ['600', 600_000],
    ['1.25', 1250],
    ['.5', 500],
    ['.25', 250],
    ['2.', 2000],
  ])('timeout-seconds %s → %d ms', (text, ms) => {
    expect(parse({ ...token, 'timeout-seconds': text }).config.timeoutMs).toBe(ms);
  });

  test('empty inputs take the defaults, but for scope (as a runner without action.yml defaults would pass)', () => {
    const { config } = parse({ ...token, retries: '', 'api-url': '  ', 'export-env': '' });
    expect([config.scopes, config.retries, config.apiUrl]).toEqual([
      ['data'],
      5,
      'https://api.domo.com',
    ]);
  });

  test('mode is case-insensitive', () => {
    expect(parse({ ...token, mode: 'TOKEN' }).config.mode).toBe('token');
  });

  test('provision-only inputs are warnings, not failures; defaults do not warn', () => {
    const { warnings } = parse({
      ...token,
      username: 'someone',
      instance: 'acme',
      'delete-client': 'true',
      'client-name': 'x',
    });
    expect(warnings).toEqual([
      'Input `instance` does not apply to mode: token; it is ignored.',
      'Input `username` does not apply to mode: token; it is ignored.',
      'Input `client-name` applies only to mode: provision; it is ignored.',
    ]);
    expect(parse({ ...token, 'delete-client': 'false' }).warnings).toHaveLength(1);
  });
});

describe('bad inputs fail before any request, naming the input', () => {
  test.each<[string, Partial<RawInputs>, string, RegExp]>([
    ['missing client-id', { 'client-secret': 's' }, 'client-id', /required in token mode/],
    ['missing client-secret', { 'client-id': 'i' }, 'client-secret', /required/],
    ['empty scope', { ...token, scope: ' , ' }, 'scope', /is empty/],
    ['scope given as empty', { ...token, scope: '' }, 'scope', /is empty/],
    ['scope given as blanks', { ...token, scope: ' \n ' }, 'scope', /is empty/],
    ['odd scope', { ...token, scope: 'data us$er' }, 'scope', /"us\$er"/],
    [
      'bad mode',
      { ...token, mode: 'tokens' },
      'mode',
      /"token", "provision", "login" or "sweep" \(got "tokens"\)/,
    ],
    ['http to a remote host', { ...token, 'api-url': 'http://api.domo.com' }, 'api-url', /https/],
    ['http to a private host', { ...token, 'api-url': 'http://10.0.0.1' }, 'api-url', /loopback/],
    ['not a URL', { ...token, 'api-url': 'api.domo.com' }, 'api-url', /must be a URL/],
    ['ftp', { ...token, 'api-url': 'ftp://x' }, 'api-url', /https URL/],
    ['user in URL', { ...token, 'api-url': 'https://u:p@x.com' }, 'api-url', /user name/],
    ['query in URL', { ...token, 'api-url': 'https://x.com/?a=1' }, 'api-url', /query/],
    ['127 lookalike', { ...token, 'api-url': 'http://127.0.0.1.evil.com' }, 'api-url', /loopback/],
    ['retries too big', { ...token, retries: '21' }, 'retries', /0 to 20/],
    ['retries negative', { ...token, retries: '-1' }, 'retries', /whole number/],
    ['retries fraction', { ...token, retries: '1.5' }, 'retries', /whole number/],
    ['timeout zero', { ...token, 'timeout-seconds': '0' }, 'timeout-seconds', /above 0/],
    ['timeout too big', { ...token, 'timeout-seconds': '601' }, 'timeout-seconds', /600/],
    ['timeout text', { ...token, 'timeout-seconds': '30s' }, 'timeout-seconds', /"30s"/],
    ['timeout in e-notation', { ...token, 'timeout-seconds': '1e2' }, 'timeout-seconds', /"1e2"/],
    ['boolean yes', { ...token, 'export-env': 'yes' }, 'export-env', /true or false/],
    ['summary 1', { ...token, summary: '1' }, 'summary', /true or false/],
    [
      'env-var with dash',
      { ...token, 'env-var': 'DOMO-TOKEN' },
      'env-var',
      /environment variable name/,
    ],
    ['env-var digit', { ...token, 'env-var': '1TOKEN' }, 'env-var', /environment variable name/],
    ['env-var reserved', { ...token, 'env-var': 'GITHUB_TOKEN' }, 'env-var', /reserves/],
    ['env-var NODE_OPTIONS', { ...token, 'env-var': 'NODE_OPTIONS' }, 'env-var', /reserves/],
    ['client-id with colon', { ...token, 'client-id': 'a:b' }, 'client-id', /colon/],
  ])('%s', (_, raw, input, message) => {
    const err = failure(raw);
    expect(err.input).toBe(input);
    expect(err.message).toContain(`\`${input}\``);
    expect(err.message).toMatch(message);
  });
});

describe('provision mode', () => {
  test('a session token, with the default client name', () => {
    const { config, warnings } = parse(provision);
    expect(config.provision).toEqual({
      instanceUrl: 'https://acmecompany.domo.com',
      customerDomain: 'acmecompany.domo.com',
      session: { kind: 'session-token', token: 'sess-1' },
      clientName: 'github-actions octo-org/octo-repo run 4242.3 deploy 800000',
      description:
        'Created by domo-auth for https://github.example.com/octo-org/octo-repo/actions/runs/4242; revoked when the job ends.',
      deleteClient: true,
    });
    expect(config.client).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  test.each([
    ['acmecompany', 'https://acmecompany.domo.com', 'acmecompany.domo.com'],
    ['acme-co', 'https://acme-co.domo.com', 'acme-co.domo.com'],
    ['acmecompany.domo.com', 'https://acmecompany.domo.com', 'acmecompany.domo.com'],
    ['acme.domotech.io', 'https://acme.domotech.io', 'acme.domotech.io'],
    ['https://acmecompany.domo.com', 'https://acmecompany.domo.com', 'acmecompany.domo.com'],
    ['https://acmecompany.domo.com/', 'https://acmecompany.domo.com', 'acmecompany.domo.com'],
    [
      'https://acmecompany.domo.com:8443',
      'https://acmecompany.domo.com:8443',
      'acmecompany.domo.com',
    ],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787', '127.0.0.1'],
    ['localhost:8787', 'https://localhost:8787', 'localhost'],
  ])('instance %s → %s (%s)', (instance, url, domain) => {
    const p = parse({ ...provision, instance }).config.provision!;
    expect([p.instanceUrl, p.customerDomain]).toEqual([url, domain]);
  });

  test.each<[string, Partial<RawInputs>, unknown]>([
    [
      'password',
      { username: 'ci@acme.example', password: ' p w ' },
      { kind: 'password', username: 'ci@acme.example', password: ' p w ' },
    ],
    ['cookie', { 'session-cookie': 'abc.def' }, { kind: 'session-cookie', cookie: 'abc.def' }],
    [
      'cookie with its name',
      { 'session-cookie': '_dsidv1=abc' },
      { kind: 'session-cookie', cookie: 'abc' },
    ],
    [
      'cookie whose value holds the name',
      { 'session-cookie': 'abc_dsidv1=def' },
      { kind: 'session-cookie', cookie: 'abc_dsidv1=def' },
    ],
    [
      'password with a trailing line break from YAML',
      { username: 'u', password: 'p w\r\n' },
      { kind: 'password', username: 'u', password: 'p w' },
    ],
    [
      'password with an inner line break',
      { username: 'u', password: 'p\nw\n' },
      { kind: 'password', username: 'u', password: 'p\nw' },
    ],
    [
      'password ending in a bare CR',
      { username: 'u', password: 'pw\r' },
      { kind: 'password', username: 'u', password: 'pw\r' },
    ],
    [
      'developer token',
      { 'developer-token': ' DDCI1a2b3c ' },
      { kind: 'developer-token', token: 'DDCI1a2b3c' },
    ],
  ])('session from %s', (_, source, session) => {
    const raw = { mode: 'provision', instance: 'acme', ...source };
    expect(parse(raw).config.provision!.session).toEqual(session);
  });

  test('client-name, delete-client, and token-only inputs warn', () => {
    const { config, warnings } = parse({
      ...provision,
      'client-name': 'deploy bot',
      'delete-client': 'false',
      'client-id': 'x',
    });
    expect(config.provision!.clientName).toBe('deploy bot');
    expect(config.provision!.deleteClient).toBe(false);
    expect(warnings).toEqual(['Input `client-id` applies only to mode: token; it is ignored.']);
  });

  test('the default name without GitHub variables', () => {
    const { config } = parseConfig(provision, {}, () => 0);
    expect(config.provision!.clientName).toBe('github-actions local run local.1 job 000000');
    expect(config.provision!.description).toBe(
      'Created by domo-auth outside GitHub Actions; revoked when the job ends.',
    );
  });

  test('default names differ between matrix jobs, re-runs and two steps in one job', () => {
    const draws = [0, 0.25, 0.999999999];
    const names = [
      defaultClientName({ ...env, GITHUB_JOB: 'deploy' }, () => draws[0]!),
      defaultClientName({ ...env, GITHUB_JOB: 'deploy' }, () => draws[1]!),
      defaultClientName({ ...env, GITHUB_RUN_ATTEMPT: '4' }, () => draws[0]!),
      defaultClientName({ ...env, GITHUB_JOB: 'test' }, () => draws[0]!),
    ];
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 2)).toEqual([
      'github-actions octo-org/octo-repo run 4242.3 deploy 000000',
      'github-actions octo-org/octo-repo run 4242.3 deploy 400000',
    ]);
    expect(defaultClientName(env, () => draws[2]!)).toMatch(/ ffffff$/);
    // Math.random by default: six hex digits.
    expect(parseConfig(provision, env).config.provision!.clientName).toMatch(
      /^github-actions octo-org\/octo-repo run 4242\.3 deploy [0-9a-f]{6}$/,
    );
  });

  test.each<[NodeJS.ProcessEnv, boolean, string]>([
    [
      { GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9' },
      true,
      'Created by domo-auth for https://github.com/o/r/actions/runs/9; revoked when the job ends.',
    ],
    [
      { GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9', GITHUB_SERVER_URL: 'https://ghe.example/' },
      false,
      'Created by domo-auth for https://ghe.example/o/r/actions/runs/9; kept after the job ends (delete-client: false).',
    ],
    [
      { GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9', GITHUB_SERVER_URL: 'https://ghe.example//' },
      true,
      'Created by domo-auth for https://ghe.example/o/r/actions/runs/9; revoked when the job ends.',
    ],
    [
      { GITHUB_REPOSITORY: 'o/r' },
      true,
      'Created by domo-auth outside GitHub Actions; revoked when the job ends.',
    ],
    [
      { GITHUB_RUN_ID: '9' },
      true,
      'Created by domo-auth outside GitHub Actions; revoked when the job ends.',
    ],
  ])('description %#', (environment, deleteClient, text) => {
    expect(clientDescription(environment, deleteClient)).toBe(text);
  });

  test.each<[string, Partial<RawInputs>, string, RegExp]>([
    [
      'no session source',
      { mode: 'provision', instance: 'acme' },
      'developer-token',
      /exactly one Domo session source: `developer-token`, `session-token`, `username` \+ `password`, or `session-cookie`\./,
    ],
    [
      'a developer token and a session token',
      { ...provision, 'developer-token': 'd' },
      'developer-token',
      /conflicts with `session-token`/,
    ],
    [
      'a developer token with a space',
      { mode: 'provision', instance: 'acme', 'developer-token': 'a b' },
      'developer-token',
      /visible ASCII/,
    ],
    [
      'two sources',
      { ...provision, 'session-cookie': 'c' },
      'session-token',
      /conflicts with `session-cookie`/,
    ],
    [
      'three sources',
      { ...provision, username: 'u', password: 'p', 'session-cookie': 'c' },
      'session-token',
      /`username` \+ `password` and `session-cookie`/,
    ],
    [
      'password without username',
      { mode: 'provision', instance: 'acme', password: 'p' },
      'username',
      /required/,
    ],
    [
      'username without password',
      { mode: 'provision', instance: 'acme', username: 'u' },
      'password',
      /required/,
    ],
    [
      'missing instance',
      { mode: 'provision', 'session-token': 's' },
      'instance',
      /required in provision mode/,
    ],
    [
      'instance with a path',
      { ...provision, instance: 'https://acme.domo.com/page' },
      'instance',
      /without a path/,
    ],
    ['instance over http', { ...provision, instance: 'http://acme.domo.com' }, 'instance', /https/],
    [
      'instance with spaces',
      { ...provision, instance: 'acme company' },
      'instance',
      /instance name/,
    ],
    [
      'session token with a newline',
      { ...provision, 'session-token': 'a\nb' },
      'session-token',
      /visible ASCII/,
    ],
    ...['café', 'a;b', 'a,b', 'a b', 'a"b', 'a\\b', 'x; _dsidv1=evil'].map(
      (cookie): [string, Partial<RawInputs>, string, RegExp] => [
        `cookie ${JSON.stringify(cookie)} (not RFC 6265 cookie-octets)`,
        { mode: 'provision', instance: 'acme', 'session-cookie': cookie },
        'session-cookie',
        /must be the bare `_dsidv1` cookie value: visible ASCII without `;`, `,`, spaces, quotes or backslashes \(RFC 6265\)\.$/,
      ],
    ),
    [
      'client-name with a newline',
      { ...provision, 'client-name': 'a\nb' },
      'client-name',
      /single line/,
    ],
  ])('%s', (_, raw, input, message) => {
    const err = failure(raw);
    expect(err.input).toBe(input);
    expect(err.message).toMatch(message);
  });
});

test('secret inputs are collected raw and trimmed, empty ones skipped', () => {
  expect(
    secretInputValues({
      'client-secret': ' s1 \n',
      password: '',
      'session-token': 't',
      'client-id': 'not secret',
    }),
  ).toEqual([' s1 \n', 's1', 't']);
});

test('a session cookie is masked with and without its _dsidv1= prefix', () => {
  expect(secretInputValues({ 'session-cookie': '_dsidv1=abc123' })).toEqual([
    '_dsidv1=abc123',
    'abc123',
  ]);
  expect(secretInputValues({ 'session-cookie': 'abc_dsidv1=123' })).toEqual(['abc_dsidv1=123']);
  expect(secretInputValues({ 'session-cookie': ' _dsidv1=abc123\n' })).toEqual([
    ' _dsidv1=abc123\n',
    '_dsidv1=abc123',
    'abc123',
  ]);
});

test('a secret input of spaces only is no secret to mask', () => {
  expect(secretInputValues({ password: '   ', 'client-secret': 's3' })).toEqual(['s3']);
});

describe('sweep mode', () => {
  const sweep = {
    mode: 'sweep',
    instance: 'acmecompany',
    'developer-token': 'dev-1',
    'github-token': 'ghs_abc',
  };
  const runner = { ...env, GITHUB_API_URL: 'https://api.github.com' };

  test('the instance, one session source, the GitHub token and the run from the runner', () => {
    const { config, warnings } = parseConfig(sweep, runner);
    expect(config).toEqual({
      tokenCommand: false,
      mode: 'sweep',
      scopes: [],
      apiUrl: 'https://api.domo.com',
      exportEnv: false,
      envVar: 'DOMO_ACCESS_TOKEN',
      retries: 5,
      timeoutMs: 30_000,
      summary: true,
      sweep: {
        instanceUrl: 'https://acmecompany.domo.com',
        customerDomain: 'acmecompany.domo.com',
        session: { kind: 'developer-token', token: 'dev-1' },
        githubToken: 'ghs_abc',
        dryRun: false,
        run: {
          repository: 'octo-org/octo-repo',
          serverUrl: 'https://github.example.com',
          apiUrl: 'https://api.github.com',
          runId: '4242',
          attempt: '3',
        },
      },
    });
    expect(warnings).toEqual([]);
  });

  test.each<[NodeJS.ProcessEnv, Partial<ReturnType<typeof githubRun>>]>([
    [{ GITHUB_API_URL: 'https://ghe.example/api/v3/' }, { apiUrl: 'https://ghe.example/api/v3' }],
    [{ GITHUB_API_URL: undefined }, { apiUrl: 'https://api.github.com' }],
    [{ GITHUB_API_URL: 'http://127.0.0.1:8080' }, { apiUrl: 'http://127.0.0.1:8080' }],
    [{ GITHUB_RUN_ATTEMPT: undefined }, { attempt: '1' }],
    [{ GITHUB_SERVER_URL: undefined }, { serverUrl: 'https://github.com' }],
    [{ GITHUB_SERVER_URL: 'https://ghe.example//' }, { serverUrl: 'https://ghe.example' }],
  ])('the run from %j', (change, expected) => {
    expect(githubRun({ ...runner, ...change })).toMatchObject(expected);
  });

  test.each<[string, NodeJS.ProcessEnv, RegExp]>([
    [
      'no repository',
      { GITHUB_REPOSITORY: undefined },
      /^Sweep mode runs only in a GitHub Actions job/,
    ],
    ['a repository without an owner', { GITHUB_REPOSITORY: 'site' }, /^Sweep mode runs only in/],
    ['a repository with a space', { GITHUB_REPOSITORY: 'o/a b' }, /^Sweep mode runs only in/],
    ['a repository with three parts', { GITHUB_REPOSITORY: 'a/b/c' }, /^Sweep mode runs only in/],
    ['no run id', { GITHUB_RUN_ID: undefined }, /^Sweep mode runs only in/],
    ['a run id that is not a number', { GITHUB_RUN_ID: '42x' }, /^Sweep mode runs only in/],
    ['an attempt that is not a number', { GITHUB_RUN_ATTEMPT: '1 ' }, /^Sweep mode runs only in/],
    [
      'GitHub over http',
      { GITHUB_API_URL: 'http://api.github.com' },
      /^The runner's GITHUB_API_URL must use https/,
    ],
    [
      'GitHub at no URL',
      { GITHUB_API_URL: 'api.github.com' },
      /^The runner's GITHUB_API_URL must be a URL/,
    ],
  ])('%s: an error before any request', (_, change, message) => {
    let thrown: unknown;
    try {
      parseConfig(sweep, { ...runner, ...change });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ActionError);
    expect(thrown).not.toBeInstanceOf(InputError);
    expect((thrown as Error).message).toMatch(message);
  });

  test.each<[string, Partial<RawInputs>, string, RegExp]>([
    [
      'no github-token',
      { 'github-token': '' },
      'github-token',
      /is required in sweep mode.*actions: read/,
    ],
    ['a github-token with a space', { 'github-token': 'a b' }, 'github-token', /single token/],
    ['no instance', { instance: '' }, 'instance', /is required in sweep mode/],
    [
      'no session source',
      { 'developer-token': '' },
      'developer-token',
      /sweep mode needs exactly one Domo session source/,
    ],
    [
      'two session sources',
      { 'session-token': 's' },
      'developer-token',
      /sweep mode takes exactly one/,
    ],
    ['a dry-run that is not a boolean', { 'dry-run': 'yes' }, 'dry-run', /must be true or false/],
  ])('%s', (_, change, input, message) => {
    const err = failure({ ...sweep, ...change });
    expect(err.input).toBe(input);
    expect(err.message).toMatch(message);
  });

  test('what applies only to creating clients is a warning; defaults, github-token and dry-run are not', () => {
    const { config, warnings } = parseConfig(
      {
        ...sweep,
        'dry-run': 'true',
        scope: '',
        'api-url': 'not a url',
        'client-id': 'x',
        'client-name': 'bot',
        'delete-client': 'true',
        'env-var': 'X',
        'export-env': 'false',
      },
      runner,
    );
    expect(config.sweep!.dryRun).toBe(true);
    expect(warnings).toEqual([
      'Input `client-id` applies only to mode: token; it is ignored.',
      'Input `client-name` applies only to mode: provision; it is ignored.',
      'Input `api-url` does not apply to mode: sweep; it is ignored.',
      'Input `export-env` does not apply to mode: sweep; it is ignored.',
      'Input `env-var` does not apply to mode: sweep; it is ignored.',
    ]);
  });

  test.each([
    ['token', token],
    ['provision', provision],
  ])('in %s mode, github-token never warns; dry-run does unless false', (_, raw) => {
    expect(parse({ ...raw, 'github-token': 'ghs_abc', 'dry-run': 'false' }).warnings).toEqual([]);
    expect(parse({ ...raw, 'dry-run': 'true' }).warnings).toEqual([
      'Input `dry-run` applies only to mode: sweep; it is ignored.',
    ]);
  });

  test('github-token is masked as it is read, like every secret input', () => {
    expect(secretInputValues({ 'github-token': ' ghs_abc ' })).toEqual([' ghs_abc ', 'ghs_abc']);
  });
});

describe('login mode', () => {
  const dev = { mode: 'login', instance: 'acme', 'developer-token': 'dev-1' };
  const sess = { mode: 'login', instance: 'acme', 'session-token': 'sess-1' };
  const pw = { mode: 'login', instance: 'acme', username: 'u@x', password: 'p' };
  const cookie = { mode: 'login', instance: 'acme', 'session-cookie': 'ck-1' };

  test('defaults: a developer token handed over, six hours, the CLI logged in, exported', () => {
    const { config, warnings } = parse(dev);
    expect(warnings).toEqual([]);
    expect(config).toEqual({
      mode: 'login',
      scopes: [],
      apiUrl: 'https://api.domo.com',
      exportEnv: true,
      envVar: 'DOMO_ACCESS_TOKEN',
      retries: 5,
      timeoutMs: 30_000,
      summary: true,
      tokenCommand: false,
      login: {
        instanceUrl: 'https://acme.domo.com',
        customerDomain: 'acme.domo.com',
        session: { kind: 'developer-token', token: 'dev-1' },
        mint: false,
        hours: 6,
        cliLogin: true,
        tokenName: 'github-actions octo-org/octo-repo run 4242.3 deploy 800000',
        host: 'acme.domo.com',
      },
    });
  });

  test.each<[string, Partial<RawInputs>, boolean]>([
    ['auto with a developer token: handed over', dev, false],
    ['auto with a session token: minted', sess, true],
    ['auto with a password sign-on: minted', pw, true],
    ['auto with a cookie: minted', cookie, true],
    ['AUTO', { ...sess, 'job-token': 'AUTO' }, true],
    ['true with a developer token: minted', { ...dev, 'job-token': 'true' }, true],
    ['True', { ...dev, 'job-token': 'True' }, true],
    ['false with a developer token: handed over', { ...dev, 'job-token': 'false' }, false],
  ])('job-token %s', (_, raw, mint) => {
    expect(parse(raw).config.login!.mint).toBe(mint);
  });

  test.each<[string, Partial<RawInputs>, string, string]>([
    ['false with a session token', { ...sess, 'job-token': 'false' }, 'job-token', 'is false'],
    ['false with a password', { ...pw, 'job-token': 'false' }, 'job-token', 'is false'],
    [
      'maybe',
      { ...dev, 'job-token': 'maybe' },
      'job-token',
      'must be auto, true or false (got "maybe")',
    ],
    ['hours 0', { ...dev, 'job-token-hours': '0' }, 'job-token-hours', '(got "0")'],
    ['hours 721', { ...dev, 'job-token-hours': '721' }, 'job-token-hours', '(got "721")'],
    ['hours 1.5', { ...dev, 'job-token-hours': '1.5' }, 'job-token-hours', '(got "1.5")'],
    ['hours -1', { ...dev, 'job-token-hours': '-1' }, 'job-token-hours', '(got "-1")'],
    ['cli-login yes', { ...dev, 'cli-login': 'yes' }, 'cli-login', 'must be true or false'],
    ['export-env no', { ...dev, 'export-env': 'no' }, 'export-env', 'must be true or false'],
    ['no instance', { ...dev, instance: '' }, 'instance', 'is required in login mode'],
    [
      'no source',
      { mode: 'login', instance: 'acme' },
      'developer-token',
      'login mode needs exactly one',
    ],
  ])('%s: an input error', (_, raw, input, words) => {
    const err = failure(raw);
    expect(err.input).toBe(input);
    expect(err.message).toContain(words);
  });

  test.each<[string, string]>([
    ['1', '1'],
    ['720', '720'],
    ['24', '24'],
  ])('job-token-hours %s', (hours, expected) => {
    expect(parse({ ...dev, 'job-token-hours': hours }).config.login!.hours).toBe(Number(expected));
  });

  test('the instance host keeps its port; export-env and cli-login are read', () => {
    const { config } = parse({
      ...dev,
      instance: 'http://127.0.0.1:8443',
      'export-env': 'false',
      'cli-login': 'false',
    });
    expect(config.login).toMatchObject({ host: '127.0.0.1:8443', cliLogin: false });
    expect(config.exportEnv).toBe(false);
  });

  test('inputs of other modes are warnings; scope only when not its default', () => {
    const { warnings } = parse({
      ...dev,
      'client-id': 'c',
      'client-secret': 's',
      'client-name': 'n',
      'delete-client': 'false',
      'api-url': 'https://x.test',
      'env-var': 'X',
      'dry-run': 'true',
      'token-command': 'true',
      scope: 'data',
      'github-token': 'ghs_x',
    });
    expect(warnings).toEqual([
      'Input `client-id` applies only to mode: token; it is ignored.',
      'Input `client-secret` applies only to mode: token; it is ignored.',
      'Input `client-name` applies only to mode: provision; it is ignored.',
      'Input `delete-client` applies only to mode: provision; it is ignored.',
      'Input `api-url` does not apply to mode: login; it is ignored.',
      'Input `env-var` does not apply to mode: login; it is ignored.',
      'Input `dry-run` applies only to mode: sweep; it is ignored.',
      'Input `token-command` does not apply to mode: login; it is ignored.',
    ]);
  });

  test('login inputs are warnings in the other modes', () => {
    const { warnings } = parse({
      'client-id': 'c',
      'client-secret': 's',
      'job-token': 'true',
      'job-token-hours': '2',
      'cli-login': 'false',
    });
    expect(warnings).toEqual([
      'Input `job-token` applies only to mode: login; it is ignored.',
      'Input `job-token-hours` applies only to mode: login; it is ignored.',
      'Input `cli-login` applies only to mode: login; it is ignored.',
    ]);
  });
});

describe('token-command', () => {
  test.each<[string, Partial<RawInputs>, boolean]>([
    ['token mode, default', { 'client-id': 'c', 'client-secret': 's' }, false],
    ['token mode, true', { 'client-id': 'c', 'client-secret': 's', 'token-command': 'true' }, true],
    [
      'provision mode, true',
      { mode: 'provision', instance: 'acme', 'session-token': 's', 'token-command': 'TRUE' },
      true,
    ],
  ])('%s', (_, raw, expected) => {
    expect(parse(raw).config.tokenCommand).toBe(expected);
  });

  test('a value that is no boolean is an input error', () => {
    expect(failure({ 'client-id': 'c', 'client-secret': 's', 'token-command': 'on' }).input).toBe(
      'token-command',
    );
  });
});

describe('inputs far too long', () => {
  test.each([8192, 8193])('%s characters', (length) => {
    const raw = { 'client-id': 'c', 'client-secret': 'x'.repeat(length) };
    if (length <= 8192) {
      expect(parse(raw).config.client!.secret).toHaveLength(length);
    } else {
      const err = failure(raw);
      expect(err.input).toBe('client-secret');
      expect(err.message).toBe(
        'Input `client-secret` is 8193 characters long; domo-auth takes at most 8192 (was a file or a whole secret store pasted in?).',
      );
    }
  });

  test('any input, before anything else is read', () => {
    expect(failure({ mode: 'x'.repeat(9000) }).input).toBe('mode');
    expect(failure({ 'job-token': 'x'.repeat(9000), mode: 'nonsense' }).input).toBe('job-token');
  });
});
