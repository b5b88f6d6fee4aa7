/**
 * Hostile text, black box: the committed bundles, run as GitHub's runner runs them (both
 * steps), against a simulator whose answers carry text meant to forge workflow commands, break
 * log lines and summary cells, and echo secrets in every encoding; and inputs that try the
 * same. Whatever comes in: nothing forged, at most one ::error::, no secret in any form
 * (expectNoLeaks), outputs carry no line break.
 */
import { describe, expect, test } from '@jest/globals';
import { createServer } from 'node:net';
import { action, runJob, runStep, splitLines, type StepResult } from '../../dev/runner.mjs';
import type { FaultSpec, RouteName, SimulatorOptions } from '../../dev/simulator.mjs';
import {
  basic,
  expectFailure,
  expectNoLeaks,
  expectNothingForged,
  withSimulator,
  type Simulator,
} from './helpers.js';

/** Every way to forge a command or break a line or a summary cell, in one text. */
const FORGE =
  'x\n::error::forged-1\r::warning::forged-2\r\n  ::ERROR::forged-3 ##[error]forged-4 ' +
  '##[set-output name=a]b \u2028::add-mask::forged-5\u0085::debug::x | <b>`c`</b> [l](u)';
/** The same without line breaks or control characters: a value outputs may carry as it is. */
const FORGE_ONE_LINE = '::error::forged-1 ##[error]forged-2 ::add-mask::x | <b>`c`</b> [l](u)';

/** Secrets with characters that every encoding changes. */
const SECRET = {
  client: 'hs&"<sec>é/+=',
  password: 'p@ss "wörd"&<1>',
  session: 'sess%&<tok>"x',
  cookie: 'ck%&<x>!7',
  developer: 'dev%&<tok>"y',
};
const CI_USER = 964382593;
const ALL_SCOPES = ['data', 'user', 'audit', 'dashboard', 'account', 'buzz', 'workflow'];
const OPTIONS: SimulatorOptions = {
  clients: [
    { id: 'sim-client-id', secret: 'sim-client-secret', scope: ALL_SCOPES },
    { id: 'hostile-client', secret: SECRET.client, scope: ALL_SCOPES },
  ],
  users: [{ email: 'ci@acme.example', password: SECRET.password, userId: CI_USER }],
  sessions: [SECRET.session],
  cookies: { [SECRET.cookie]: CI_USER },
  developerTokens: { [SECRET.developer]: CI_USER },
};
const ALL_SECRETS = [...Object.values(SECRET), basic('hostile-client', SECRET.client)];

/** A secret as Domo (or a proxy) might echo it: raw, escaped and encoded every way. */
function echoes(secret: string): string {
  const uri = encodeURIComponent(secret).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return [
    secret,
    JSON.stringify(secret),
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    new URLSearchParams({ s: secret }).toString(),
    secret.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`),
    secret
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;'),
    Buffer.from(secret).toString('base64'),
    Buffer.from(`u:${secret}`).toString('base64'),
    Buffer.from(`:${secret}`).toString('base64url'),
    `'${secret}'`,
  ].join(' ~ ');
}

const token = { 'client-id': 'hostile-client', 'client-secret': SECRET.client };
const provision = (sim: Simulator, extra: Record<string, string> = {}) => ({
  mode: 'provision',
  instance: sim.url,
  'api-url': sim.url,
  username: 'ci@acme.example',
  password: SECRET.password,
  ...extra,
});

/** Every secret a step of this suite could know: the inputs', and what Domo handed out. */
function secretsSeen(sim: Simulator, step?: StepResult): string[] {
  const sessions = sim.requests
    .map((r) => r.headers['x-domo-authentication'])
    .filter((s): s is string => !!s);
  const created = sim.clients.flatMap((c) => [
    c.client_secret,
    basic(c.client_id, c.client_secret),
  ]);
  return [...ALL_SECRETS, ...sessions, ...created, ...(step ? [] : [])];
}

function expectSafe(sim: Simulator, ...steps: StepResult[]): void {
  for (const step of steps) {
    expectNoLeaks(step, secretsSeen(sim));
    // Text from outside never reaches the summary as markup.
    expect(step.summary).not.toMatch(/<b>|<\/b>|`|\[l\]|\|/);
  }
}

const SHOWN_ONE_LINE =
  ': :error: :forged-1 # #&#91;error&#93;forged-2 : :add-mask: :x &#124; &#60;b&#62;&#96;c&#96;&#60;/b&#62; &#91;l&#93;(u)';

describe('injection through the token answer', () => {
  test('one-line fields: outputs carry them as sent; the log and the summary show them cleaned', async () => {
    await withSimulator(OPTIONS, async (sim) => {
      sim.fault('token', {
        kind: 'body',
        body: {
          access_token: 'hostile-token-0123456789',
          expires_in: 3599,
          token_type: 'bearer',
          scope: FORGE_ONE_LINE,
          customer: FORGE_ONE_LINE,
          role: FORGE_ONE_LINE,
          userId: FORGE_ONE_LINE,
        },
      });
      const step = await runStep({ inputs: { ...token, 'api-url': sim.url }, debug: true });
      expect(step.exitCode).toBe(0);
      for (const output of ['scope', 'customer', 'role', 'user-id'])
        expect(step.outputs[output]).toBe(FORGE_ONE_LINE);
      expect(step.stdout).toContain(
        'Domo access token ready for : :error: :forged-1 # #[error]forged-2 : :add-mask: :x | <b>`c`</b> [l](u): scope ": :error: :forged-1',
      );
      expect(step.summary).toContain(`<td>Customer</td><td>${SHOWN_ONE_LINE}</td>`);
      expectSafe(sim, step);
    });
  });

  test.concurrent.each([
    ['customer', 'customer'],
    ['role', 'role'],
    ['scope', 'scope'],
    ['userId', 'userId'],
    ['token_type', 'token_type'],
  ])('%s with line breaks: refused, naming the field; no output', async (field, named) => {
    await withSimulator(OPTIONS, async (sim) => {
      sim.fault('token', {
        kind: 'body',
        body: { access_token: 'hostile-token-0123456789', expires_in: 3599, [field]: FORGE },
      });
      const step = await runStep({ inputs: { ...token, 'api-url': sim.url } });
      expectFailure(
        step,
        `Domo token request failed: the answer is not a usable token: \`${named}\` contains a line break or control character (U+000A).`,
      );
      expect(step.outputs).toEqual({});
      expect(step.exportedEnv).toEqual({});
      expectSafe(sim, step);
    });
  });
});

describe('injection through error answers, every call, both steps', () => {
  const bodies: Array<[string, Partial<FaultSpec>]> = [
    ['error_description', { body: { error: 'x', error_description: FORGE } }],
    ['message', { body: { status: 400, message: FORGE } }],
    ['reason', { body: { success: false, reason: FORGE } }],
    [
      'an HTML title',
      { body: `<html><title>${FORGE}</title></html>`, headers: { 'content-type': 'text/html' } },
    ],
    ['plain text', { body: FORGE, headers: { 'content-type': 'text/plain' } }],
    [
      'a gzip-encoded body',
      { body: `\u001f\u008b${FORGE}`, headers: { 'content-encoding': 'gzip' } },
    ],
  ];
  const routes: Array<[RouteName, number, 'token' | 'password' | 'developer-token']> = [
    ['token', 401, 'token'],
    ['signon', 403, 'password'],
    ['create-client', 400, 'password'],
    ['create-dev-token', 403, 'developer-token'],
  ];
  const cases = routes.flatMap(([route, status, source]) =>
    bodies.map(([shape, spec]) => [route, shape, status, source, spec] as const),
  );

  test.concurrent.each(cases)('main step, %s: %s', async (route, _, status, source, spec) => {
    await withSimulator(OPTIONS, async (sim) => {
      sim.fault(route, { kind: 'status', status, ...spec, times: Infinity });
      const inputs: Record<string, string> =
        source === 'token'
          ? { ...token, 'api-url': sim.url }
          : source === 'password'
            ? provision(sim)
            : { mode: 'provision', instance: sim.url, 'developer-token': SECRET.developer };
      const { main, post } = await runJob({ inputs: { ...inputs, retries: '0' }, debug: true });
      expectFailure(main, /failed/);
      expect(main.errors[0]).not.toMatch(/[\r\n]/);
      expectSafe(sim, main, post);
    });
  });

  test.concurrent.each(bodies)('post step, the list of clients: %s', async (_, spec) => {
    await withSimulator(OPTIONS, async (sim) => {
      // No retries, in the post step either (it takes them from the main step's state).
      const main = await runStep({ inputs: { ...provision(sim), retries: '0' }, debug: true });
      expect(main.exitCode).toBe(0);
      sim.fault('list-dev-tokens', { kind: 'status', status: 500, ...spec, times: Infinity });
      const post = await runStep({ entry: action.runs.post, state: main.savedState, debug: true });
      expect(post.exitCode).toBe(0);
      expect(post.errors).toEqual([]);
      expect(post.warnings).toHaveLength(1);
      expect(post.warnings[0]).toMatch(/^Could not revoke Domo API client /);
      expectSafe(sim, main, post);
    });
  });
});

describe('injection through the sign-on answer and the created client', () => {
  test('a sign-on user id, shown cleaned', async () => {
    await withSimulator(OPTIONS, async (sim) => {
      sim.fault('signon', {
        kind: 'body',
        body: { success: true, sessionToken: SECRET.session, userId: FORGE },
      });
      const { main, post } = await runJob({ inputs: provision(sim), debug: true });
      expect(main.exitCode).toBe(0);
      expect(main.stdout).toContain(
        `Signed on to ${sim.url.replace('::', ': :')} as user x : :error: :forged-1 : :warning: :forged-2`,
      );
      expectSafe(sim, main, post);
    });
  });

  test.concurrent.each<[string, RouteName, Record<string, unknown>, Record<string, string>]>([
    [
      'POST /clients: client id and name',
      'create-client',
      { client_id: FORGE, client_secret: 'hostile-secret-0123456789', name: FORGE },
      {},
    ],
    [
      'POST /clients: a one-line client id',
      'create-client',
      { client_id: FORGE_ONE_LINE, client_secret: 'hostile-secret-0123456789', name: FORGE },
      {},
    ],
    [
      'developer tokens: client id, name and id',
      'create-dev-token',
      { clientId: FORGE, clientSecret: 'hostile-secret-0123456789', id: FORGE, name: FORGE },
      { 'developer-token': SECRET.developer, username: '', password: '' },
    ],
  ])('%s', async (_, route, body, extra) => {
    await withSimulator(OPTIONS, async (sim) => {
      sim.fault(route, { kind: 'body', body });
      const { main, post } = await runJob({ inputs: provision(sim, extra), debug: true });
      // The simulator never made that client, so the token request fails; no line was forged
      // on the way, and the post step (which looks for it in the list) only says so.
      expect(main.exitCode).not.toBe(0);
      expect(main.outputs).toEqual({});
      expect(post.errors).toEqual([]);
      expectSafe(sim, main, post);
      expectNoLeaks(main, ['hostile-secret-0123456789']);
      expectNoLeaks(post, ['hostile-secret-0123456789']);
    });
  });
});

describe('secrets echoed in every encoding', () => {
  test.concurrent.each<[string, RouteName, Record<string, string>, string, number]>([
    ['the client secret and Basic credential (token)', 'token', {}, SECRET.client, 401],
    ['the password (sign-on)', 'signon', {}, SECRET.password, 200],
    [
      'the session token (creation)',
      'create-client',
      { 'session-token': SECRET.session },
      SECRET.session,
      401,
    ],
    ['the cookie (sign-on)', 'signon', { 'session-cookie': SECRET.cookie }, SECRET.cookie, 200],
    [
      'the developer token (creation)',
      'create-dev-token',
      { 'developer-token': SECRET.developer },
      SECRET.developer,
      403,
    ],
  ])('%s', async (_, route, source, secret, status) => {
    await withSimulator(OPTIONS, async (sim) => {
      const said =
        echoes(secret) + (route === 'token' ? ` ~ ${echoes(basic('hostile-client', secret))}` : '');
      sim.fault(route, {
        kind: 'status',
        status,
        body: { success: false, reason: said, error_description: said, message: said },
        times: Infinity,
      });
      const inputs =
        route === 'token'
          ? { ...token, 'api-url': sim.url }
          : {
              ...provision(sim, source),
              ...(Object.keys(source).length ? { username: '', password: '' } : {}),
            };
      const { main, post } = await runJob({ inputs: { ...inputs, retries: '0' }, debug: true });
      expectFailure(main, /failed/);
      // Redacted before the message was cut: nothing of it shows, in any form.
      expect(main.errors[0]).toMatch(/\*\*\*/);
      expectSafe(sim, main, post);
    });
  });

  test("the post step redacts the main step's secrets, the created client's included", async () => {
    await withSimulator(OPTIONS, async (sim) => {
      // No retries, in the post step either (it takes them from the main step's state).
      const main = await runStep({ inputs: { ...provision(sim), retries: '0' }, debug: true });
      expect(main.exitCode).toBe(0);
      const [client] = sim.clients;
      const said = [
        client!.client_secret,
        basic(client!.client_id, client!.client_secret),
        main.outputs['access-token']!,
        SECRET.password,
        ...secretsSeen(sim),
      ]
        .map(echoes)
        .join(' ~ ');
      sim.fault('list-dev-tokens', {
        kind: 'status',
        status: 500,
        body: { message: said },
        times: Infinity,
      });
      const post = await runStep({ entry: action.runs.post, state: main.savedState, debug: true });
      expect(post.warnings).toHaveLength(1);
      expect(post.warnings[0]).toContain('***');
      expectSafe(sim, main, post);
      expectNoLeaks(post, [main.outputs['access-token']!, main.outputs['client-secret']!]);
    });
  });
});

describe('inputs: quoted in one clean line, never a secret', () => {
  test.concurrent.each<[string, string | RegExp]>([
    [
      'mode',
      'Input `mode` must be "token", "provision", "login" or "sweep" (got "x : :error: :forged-1',
    ],
    ['scope', /^Input `scope` has an invalid scope/],
    ['env-var', /^Input `env-var` must be an environment variable name/],
    ['retries', /^Input `retries` must be a whole number from 0 to 20/],
    ['timeout-seconds', /^Input `timeout-seconds` must be a number of seconds/],
    ['export-env', /^Input `export-env` must be true or false/],
    ['summary', /^Input `summary` must be true or false/],
    ['client-id', /^Input `client-id` must not contain/],
    ['api-url', 'Input `api-url` must be an https URL (got the scheme "x").'],
  ])('%s', async (input, message) => {
    await withSimulator(OPTIONS, async (sim) => {
      const step = await runStep({ inputs: { ...token, 'api-url': sim.url, [input]: FORGE } });
      expectFailure(step, message);
      expect(sim.requests).toEqual([]);
      expectSafe(sim, step);
    });
  });

  test.concurrent.each<[string, string | RegExp]>([
    ['instance', /^Input `instance` must be an instance name/],
    ['client-name', 'Input `client-name` must be a single line of text.'],
    ['delete-client', /^Input `delete-client` must be true or false/],
  ])('%s (provision)', async (input, message) => {
    await withSimulator(OPTIONS, async (sim) => {
      const step = await runStep({ inputs: { ...provision(sim), [input]: FORGE } });
      expectFailure(step, message);
      expectSafe(sim, step);
    });
  });

  test('a one-line client-name is sent as it is, and shown cleaned', async () => {
    await withSimulator(OPTIONS, async (sim) => {
      const { main, post } = await runJob({
        inputs: provision(sim, { 'client-name': FORGE_ONE_LINE }),
      });
      expect(main.exitCode).toBe(0);
      expect(sim.clients[0]!.name).toBe(FORGE_ONE_LINE);
      expect(main.stdout).toContain(
        'Creating Domo API client ": :error: :forged-1 # #[error]forged-2',
      );
      expect(main.summary).toContain(SHOWN_ONE_LINE);
      expectSafe(sim, main, post);
    });
  });

  const PASSWORD = 'hunter2-"&<pw>';
  test.concurrent.each<[string, string, string]>([
    [
      'api-url',
      `https://user:${PASSWORD}@api.domo.com`,
      'must not contain a user name or password',
    ],
    ['api-url', `http://user:${PASSWORD}@api.domo.com`, 'got http://api.domo.com'],
    ['api-url', `https://user:${PASSWORD}@[::1`, '(got "https://[: :1")'],
    [
      'api-url',
      `https://u:${encodeURIComponent(PASSWORD)}@exa mple.com/x`,
      '(got "https://exa mple.com/x")',
    ],
    [
      'instance',
      `https://user:${PASSWORD}@acme.domo.com`,
      'must not contain a user name or password',
    ],
    ['instance', `user:${PASSWORD}@acme.domo.com`, 'got "acme.domo.com"'],
  ])('%s with a password: refused without quoting it (%s)', async (input, value, message) => {
    await withSimulator(OPTIONS, async (sim) => {
      const inputs =
        input === 'api-url'
          ? { ...token, 'api-url': value }
          : { ...provision(sim), instance: value };
      const step = await runStep({ inputs });
      expectFailure(step, message);
      expect(sim.requests).toEqual([]);
      expectNoLeaks(step, [PASSWORD, encodeURIComponent(PASSWORD), 'hunter2']);
    });
  });

  test.concurrent.each([
    [`${'sim-dsid-cookie'}; admin=1`],
    ['sim-dsid-cookie,x=1'],
    ['"sim-dsid-cookie"'],
    ['sim dsid cookie'],
    ['sim-dsid-cookie\\'],
  ])('a smuggled cookie %j is refused before any request', async (cookie) => {
    await withSimulator(OPTIONS, async (sim) => {
      const inputs = {
        mode: 'provision',
        instance: sim.url,
        'api-url': sim.url,
        'session-cookie': cookie,
      };
      const { main, post } = await runJob({ inputs });
      expectFailure(main, /^Input `session-cookie` must be the bare `_dsidv1` cookie value/);
      expect(sim.requests).toEqual([]);
      expectNoLeaks(main, [cookie]);
      expectNoLeaks(post, [cookie]);
    });
  });
});

/** Whether this machine can listen on the IPv6 loopback address; the reason when not. */
async function ipv6Loopback(): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen(0, '::1', () => server.close(() => resolve(undefined)));
  });
}
const noIpv6 = await ipv6Loopback();

// Skipped, a test's name says why: a full `npm test` lists skipped tests by name.
const ipv6Test = noIpv6
  ? (name: string, fn: () => Promise<void>) =>
      test.skip(`${name}: SKIPPED, this machine cannot listen on [::1] (${noIpv6})`, fn)
  : test;

describe('IPv6 loopback over http', () => {
  ipv6Test('token mode: http://[::1]:PORT works, retries nothing', async () => {
    await withSimulator({ ...OPTIONS, host: '::1' }, async (sim) => {
      expect(sim.url).toMatch(/^http:\/\/\[::1\]:\d+$/);
      const step = await runStep({ inputs: { ...token, 'api-url': sim.url }, debug: true });
      expect(step.errors).toEqual([]);
      expect(step.exitCode).toBe(0);
      expect(sim.requests.map((r) => r.route)).toEqual(['token']);
      expect(sim.requests[0]!.headers.host).toBe(sim.url.replace('http://', ''));
      // The action's own words are cleaned too: "::" shows as ": :".
      expect(
        step.debugs.some((l) => l.startsWith(`GET ${sim.url.replace('::', ': :')}/oauth/token?`)),
      ).toBe(true);
      expectSafe(sim, step);
    });
  });

  ipv6Test('provision mode and the post step: instance and api-url on [::1]', async () => {
    await withSimulator({ ...OPTIONS, host: '::1' }, async (sim) => {
      const { main, post } = await runJob({ inputs: provision(sim) });
      expect(main.errors).toEqual([]);
      expect(main.exitCode).toBe(0);
      expect(
        sim.requests.find((r) => r.route === 'create-client')!.headers['x-domo-customerdomain'],
      ).toBe('::1');
      expect(post.warnings).toEqual([]);
      expect(sim.clients[0]!.deleted).toBe(true);
      expectSafe(sim, main, post);
    });
  });
});

test('every line the steps above could print is one line as the runner reads it', () => {
  // The runner's line splitting, which every check above relies on.
  expect(splitLines('a\rb\r\nc\nd')).toEqual(['a', 'b', 'c', 'd']);
  expectNothingForged({
    commands: [],
    errors: [],
    stdout: 'plain\n::debug::x',
    stderr: '',
  } as unknown as StepResult);
});

describe("saved state, as the runner's debug log prints it", () => {
  /** `Save intra-action state NAME = VALUE` per value, masked as the runner masks: by what it was told. */
  const debugLog = (step: StepResult): string =>
    Object.entries(step.savedState)
      .map(([name, value]) =>
        step.masks.reduce(
          (text, secret) => text.split(secret).join('***'),
          `Save intra-action state ${name} = ${value}`,
        ),
      )
      .join('\n');

  test('a token Domo issued and the action refused is masked before any state holds it', async () => {
    await withSimulator(OPTIONS, async (sim) => {
      const refused = 'hostile-token-0123456789';
      sim.fault('token', {
        kind: 'body',
        body: { access_token: refused, expires_in: 3599, customer: FORGE },
      });
      const step = await runStep({
        inputs: {
          mode: 'provision',
          instance: sim.url,
          'api-url': sim.url,
          'session-token': SECRET.session,
        },
        debug: true,
      });
      expect(step.exitCode).toBe(1);
      expect(JSON.parse(step.savedState.secrets!)).toContain(refused);
      expect(step.masks).toContain(refused);
      const client = sim.clients[0]!;
      const log = debugLog(step);
      for (const secret of [refused, client.client_secret, SECRET.session]) {
        expect(log).not.toContain(secret);
      }
    });
  });
});
