/**
 * The documentation's promises: a README short enough to read, with its sections in the
 * promised order and a table of contents that matches them (its inputs and outputs tables are
 * generated from action.yml and held to it in readme-tables.test.ts), links that lead somewhere,
 * no text that only makes sense inside the team, and a Troubleshooting page with a heading for
 * every error and warning the action can print, found by running bad inputs and failing answers
 * through the real code.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { GITHUB_RUN, inProcess } from './helpers/inprocess.js';

const { run } = await import('../src/main.js');
const { cleanup } = await import('../src/stories/cleanup.js');
const { resetMasks } = await import('../src/log.js');
const { classify } = await import('../src/http.js');
type Transport = import('../src/http.js').Transport;
type HttpRequest = import('../src/http.js').HttpRequest;

import { ROOT, action, mapping, read, type Mapping } from './helpers/repo.js';

/** Fails with `message` unless `ok`: for checks whose failure must say what was looked for. */
function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// Markdown

/** The lines of a document outside fenced code blocks (code blocks become empty lines). */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split(/\r?\n/).map((line) => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return '';
    }
    return fenced ? '' : line;
  });
}

/** The `level` headings of a document (text after the #s), outside code blocks. */
function headings(markdown: string, level: number): string[] {
  const marker = `${'#'.repeat(level)} `;
  return prose(markdown)
    .filter((line) => line.startsWith(marker))
    .map((line) => line.slice(marker.length).trim());
}

/**
 * The anchor GitHub gives a heading: its text without markup, lower-cased, punctuation other
 * than `-` and `_` dropped, spaces made hyphens; a repeated anchor gets -1, -2...
 */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const line of prose(markdown)) {
    const match = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!match) continue;
    const text = match[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[`*]/g, '')
      .toLowerCase();
    const base = text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Every `[text](target)` and `![alt](target)` of a document, outside code blocks and spans. */
function links(markdown: string): Array<{ line: number; target: string }> {
  const found: Array<{ line: number; target: string }> = [];
  prose(markdown).forEach((text, i) => {
    const withoutCode = text.replace(/`[^`]*`/g, '');
    for (const m of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      found.push({ line: i + 1, target: m[1]! });
    }
  });
  return found;
}

const DOCS = readdirSync(path.join(ROOT, 'docs'))
  .filter((file) => file.endsWith('.md'))
  .map((file) => `docs/${file}`)
  .sort();

// ---------------------------------------------------------------------------------------------
// README

describe('README', () => {
  const readme = read('README.md');
  const lines = readme.split(/\r?\n/);
  const sections = headings(readme, 2);

  test('is at most 260 lines long (the rest belongs in docs/)', () => {
    check(
      lines.length <= 260,
      `README.md has ${lines.length} lines; move detail into docs/ to get to 260 or fewer`,
    );
  });

  test('has the sections in the promised order', () => {
    expect(sections).toEqual([
      'Contents',
      'Quick start',
      'Deploy with the Domo CLI',
      'Usage',
      'Jobs longer than an hour',
      'Inputs',
      'Outputs',
      'Environment variables',
      'Security',
      'Documentation',
      'License',
    ]);
  });

  test('has a table of contents whose entries are its ## headings, in order', () => {
    const start = lines.indexOf('## Contents');
    check(start >= 0, 'README.md has no line "## Contents"');
    const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
    const entries = lines
      .slice(start + 1, end)
      .filter((line) => line.startsWith('- '))
      .map((line) => {
        const m = /^- \[([^\]]+)\]\(#([^)]+)\)$/.exec(line);
        check(m !== null, `README.md: the contents line "${line}" is not "- [Heading](#anchor)"`);
        return { text: m![1]!, anchor: m![2]! };
      });
    expect(entries.map((e) => e.text)).toEqual(sections.filter((s) => s !== 'Contents'));
    const known = anchors(readme);
    for (const { text, anchor } of entries) {
      check(
        known.has(anchor),
        `README.md: the contents entry "${text}" links to a missing #${anchor}`,
      );
    }
  });

  test('starts with `npm ci && npm start` and `npm test`', () => {
    const firstFence = lines.findIndex((line) => line.startsWith('```'));
    check(firstFence >= 0, 'README.md has no code block');
    const commands = lines
      .slice(firstFence + 1, firstFence + 3)
      .map((line) => line.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npm ci && npm start', 'npm test']);
  });

  test('the quick start names the Node the commands need and the Node GitHub runs it on', () => {
    const start = lines.indexOf('## Quick start');
    const end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
    const quickStart = lines.slice(start, end).join(' ');
    const engines = String(mapping(mapping(JSON.parse(read('package.json'))).engines).node);
    const needed = /^>=(\d+)$/.exec(engines)?.[1];
    check(needed !== undefined, `package.json: engines.node is "${engines}", not ">=N"`);
    const runtime = /^node(\d+)$/.exec(String(mapping(action.runs).using))?.[1];
    expect(quickStart).toContain(`Node ${needed} or newer`);
    expect(quickStart).toContain(`Node ${runtime}`);
  });

  test('shows the job summary image made by `npm run docs:summary-image`', () => {
    check(
      /!\[[^\]]+\]\(docs\/job-summary\.svg\)/.test(readme),
      'README.md has no line with "![...](docs/job-summary.svg)"',
    );
    const scripts = mapping(mapping(JSON.parse(read('package.json'))).scripts);
    expect(scripts['docs:summary-image']).toBe('node dev/summary-image.mjs');
  });
});

test("package.json's description names every mode that action.yml's `mode` offers", () => {
  const modes = [
    ...String(mapping(mapping(action.inputs).mode).description).matchAll(/"(\w+)"/g),
  ].map((m) => m[1]!);
  expect(modes).toEqual(expect.arrayContaining(['token', 'provision', 'login', 'sweep']));
  const description = String(mapping(JSON.parse(read('package.json'))).description);
  for (const mode of modes) {
    check(
      description.includes(`${mode} mode`),
      `package.json's description does not name ${mode} mode`,
    );
  }
});

// ---------------------------------------------------------------------------------------------
// Links, and words that belong inside the team

describe('links', () => {
  const documents = ['README.md', ...DOCS];

  test('docs/ has the promised pages', () => {
    expect(DOCS).toEqual(
      expect.arrayContaining([
        'docs/TROUBLESHOOTING.md',
        'docs/behaviour.md',
        'docs/login-mode.md',
        'docs/long-jobs.md',
        'docs/performance.md',
        'docs/provision-mode.md',
        'docs/sweep.md',
      ]),
    );
  });

  test.each(documents)(
    'every relative link in %s leads to a file (and heading) that exists',
    (doc) => {
      const text = read(doc);
      const broken: string[] = [];
      for (const { line, target } of links(text)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:...
        const [file = '', anchor] = target.split('#');
        const resolved = file ? path.posix.join(path.posix.dirname(doc), file) : doc;
        if (!existsSync(path.join(ROOT, resolved))) {
          broken.push(`${doc}:${line}: "${target}" (no file ${resolved})`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor)) {
          broken.push(`${doc}:${line}: "${target}" (${resolved} has no heading for #${anchor})`);
        }
      }
      expect(broken).toEqual([]);
    },
  );
});

/** Text files of the project, skipping dependencies, build caches and tool output. */
function projectFiles(dir = ''): string[] {
  const skip = new Set(['node_modules', '.git', '.cache', 'coverage', 'reports', '.tmp']);
  const files: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!skip.has(entry.name) && !entry.name.startsWith('.stryker'))
        files.push(...projectFiles(rel));
    } else if (
      /\.(md|ya?ml|json|[cm]?[jt]s|txt|sh|svg|example)$|^run$|^\.[a-z]+$/.test(entry.name)
    ) {
      files.push(rel);
    }
  }
  return files;
}

test("no project text points at material outside the repository or the team's private words", () => {
  // Built from parts, so that this file does not contain them itself.
  const words = [
    ['..', 'shared'].join('/'),
    ['', 'work', ''].join('/'),
    ['design', 'card'].join(' '),
  ];
  const found: string[] = [];
  for (const file of projectFiles()) {
    read(file)
      .split('\n')
      .forEach((line, i) => {
        for (const word of words) {
          if (line.toLowerCase().includes(word)) found.push(`${file}:${i + 1} mentions "${word}"`);
        }
      });
  }
  expect(found).toEqual([]);
});

// ---------------------------------------------------------------------------------------------
// Troubleshooting: one heading per message, held to the messages the code prints

const TROUBLESHOOTING = 'docs/TROUBLESHOOTING.md';
/** The `###` headings: each is a message's first words; … stands for any text, 5xx for 500-599. */
const messageHeadings = headings(read(TROUBLESHOOTING), 3);
const headingPatterns = messageHeadings.map(
  (heading) =>
    new RegExp(
      `^${heading
        .split('…')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/(\d)xx/g, '$1\\d\\d'))
        .join('.*')}`,
    ),
);
const headingsFor = (message: string): string[] =>
  messageHeadings.filter((_, i) => headingPatterns[i]!.test(message));

type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | Error;
type Route =
  | 'token'
  | 'signon'
  | 'create'
  | 'create-dev'
  | 'list'
  | 'revoke'
  | 'me'
  | 'run'
  | 'run-only'
  | 'tokens'
  | 'mint'
  | 'revoke-token';

interface Scenario {
  inputs: Record<string, string>;
  /** Answers that replace the working Domo's, per route; a list is used in turn, the last repeated. */
  answers?: Partial<Record<Route, Answer | Answer[]>>;
  /** Without GITHUB_OUTPUT and the other runner files. */
  noRunnerFiles?: boolean;
  /** Replaces the run's GITHUB_* variables. */
  env?: Record<string, string>;
  /** Clients the instance lists from the start, as a sweep finds them. */
  clients?: Listed[];
  /** Access tokens the instance lists. */
  tokens?: Listed[];
}

interface Listed {
  id: number | string;
  clientId: string;
  name: string;
  description?: string;
}

const socketError = (code: string): Error => Object.assign(new Error(code), { code });
const json = (body: unknown): string => (typeof body === 'string' ? body : JSON.stringify(body));

function route(request: HttpRequest): Route {
  const { pathname } = new URL(request.url);
  // GitHub's "get a workflow run attempt", which sweep mode asks.
  if (/\/actions\/runs\/\d+\/attempts\/\d+$/.test(pathname)) return 'run';
  // "Get a workflow run", asked when an attempt answers 404.
  if (/\/actions\/runs\/\d+$/.test(pathname)) return 'run-only';
  if (/\/api\/data\/v1\/accesstokens\/[^/]+$/.test(pathname)) return 'revoke-token';
  if (pathname.endsWith('/api/data/v1/accesstokens')) {
    return request.method === 'POST' ? 'mint' : 'tokens';
  }
  if (pathname.endsWith('/oauth/token')) return 'token';
  if (pathname.endsWith('/api/content/v2/authentication')) return 'signon';
  if (pathname.endsWith('/api/content/v2/users/me')) return 'me';
  if (pathname.endsWith('/clients')) return 'create';
  if (/\/api\/identity\/v1\/developer-tokens\/[^/]+$/.test(pathname)) return 'revoke';
  if (pathname.endsWith('/api/identity/v1/developer-tokens')) {
    return request.method === 'POST' ? 'create-dev' : 'list';
  }
  throw new Error(`the fake Domo has no route for ${request.method} ${request.url}`);
}

/**
 * A Domo that works, as the contract describes it, unless a scenario says otherwise for a
 * route. Its clients are listed until revoked. It answers for GitHub too: the job's own run
 * (4242, attempt 1) is in progress, and every other run has finished.
 */
function fakeDomo(scenario: Scenario, created: Mapping[]): Transport {
  const listed: Listed[] = [...(scenario.clients ?? [])];
  const tokens: Listed[] = [...(scenario.tokens ?? [])];
  const turns = new Map<Route, number>();
  let next = 1;
  return async (request) => {
    const which = route(request);
    if (which === 'create' || which === 'create-dev')
      created.push(JSON.parse(request.body ?? '{}'));
    const override = scenario.answers?.[which];
    if (override !== undefined) {
      const list = Array.isArray(override) ? override : [override];
      const turn = turns.get(which) ?? 0;
      turns.set(which, turn + 1);
      const answer = list[Math.min(turn, list.length - 1)]!;
      if (answer instanceof Error) throw classify(answer, request.url, 30);
      return { headers: {}, ...answer, body: answer.body === undefined ? '' : json(answer.body) };
    }
    const reply = (status: number, body?: unknown) => ({
      status,
      headers: {},
      body: body === undefined ? '' : json(body),
    });
    const sent = request.body ? (JSON.parse(request.body) as Mapping) : {};
    switch (which) {
      case 'token':
        return reply(200, {
          access_token: 'tok-SECRET',
          token_type: 'bearer',
          expires_in: 3599,
          scope: 'data',
          customer: 'acmecompany',
          userId: 42,
          role: 'Admin',
        });
      case 'signon':
        return reply(200, { success: true, sessionToken: 'session-SECRET', userId: 42 });
      case 'me':
        return reply(200, { id: 42, displayName: 'CI Robot' });
      case 'run':
        return request.url.endsWith('/runs/4242/attempts/1')
          ? reply(200, { id: 4242, status: 'in_progress', conclusion: null })
          : reply(200, { status: 'completed', conclusion: 'failure' });
      case 'create':
      case 'create-dev': {
        const entry = { id: next, clientId: `cid-${next}`, name: String(sent.name) };
        next += 1;
        listed.push(entry);
        return which === 'create'
          ? reply(201, { client_id: entry.clientId, client_secret: 'csecret-SECRET' })
          : reply(201, { id: entry.id, clientId: entry.clientId, clientSecret: 'csecret-SECRET' });
      }
      case 'list':
        return reply(200, listed);
      case 'run-only':
        return reply(404, { message: 'Not Found' });
      case 'tokens':
        return reply(200, tokens);
      case 'mint': {
        const entry = { id: next, clientId: '', name: String(sent.name) };
        next += 1;
        tokens.push(entry);
        return reply(200, { id: entry.id, name: entry.name, token: 'minted-SECRET-7' });
      }
      case 'revoke-token': {
        const id = Number(request.url.split('/').pop());
        const at = tokens.findIndex((entry) => entry.id === id);
        if (at < 0) return reply(400, { message: 'no such token' });
        tokens.splice(at, 1);
        return reply(204);
      }
      case 'revoke': {
        const id = Number(request.url.split('/').pop());
        const at = listed.findIndex((entry) => entry.id === id);
        if (at < 0) return reply(400, { message: 'validate that it exists' });
        listed.splice(at, 1);
        return reply(204);
      }
    }
  };
}

const h = inProcess();

interface Job {
  /** The errors and warnings, in order. */
  problems: string[];
  /** The log as a person reads it: plain lines, and warnings as "Warning: …". */
  log: string[];
  /** The bodies of the requests that created a client. */
  created: Mapping[];
}

/**
 * What a job prints: the main step, then, when it saved state, the post step, both run by the
 * real code against the fake Domo, with no real waiting.
 */
async function jobOf(scenario: Scenario): Promise<Job> {
  h.reset({
    env: { ...GITHUB_RUN, ...scenario.env },
    files: scenario.noRunnerFiles ? [] : undefined,
  });
  h.setInputs(scenario.inputs);
  const created: Mapping[] = [];
  const domo = fakeDomo(scenario, created);
  const deps = { ...h.deps, transport: () => domo };
  await run({ ...deps, env: process.env });
  const saved = scenario.noRunnerFiles ? {} : h.state();
  if (Object.keys(saved).length > 0) {
    h.setInputs({}, saved);
    resetMasks();
    await cleanup(deps);
  }
  const commands = h.commands();
  const log = h.stdout
    .split('\n')
    .filter((line) => line && !line.startsWith('::'))
    .concat(commands.filter((c) => c.name === 'warning').map((c) => `Warning: ${c.message}`));
  const problems = commands
    .filter((c) => c.name === 'error' || c.name === 'warning')
    .map((c) => c.message);
  return { problems, log, created };
}

const messagesOf = async (scenario: Scenario): Promise<string[]> =>
  (await jobOf(scenario)).problems;

// Secrets that no message could contain by chance: the action redacts every one it knows.
const token = { 'client-id': 'id', 'client-secret': 'client-SECRET-1', retries: '5' };
const provision = { mode: 'provision', instance: 'acme', 'session-token': 'session-SECRET-2' };
const password = {
  mode: 'provision',
  instance: 'acme',
  username: 'ci@acme.example',
  password: 'password-SECRET-3',
};
const cookie = { mode: 'provision', instance: 'acme', 'session-cookie': 'cookie-SECRET-4' };
const developer = { mode: 'provision', instance: 'acme', 'developer-token': 'developer-SECRET-5' };
const login = { mode: 'login', instance: 'acme', 'developer-token': 'developer-SECRET-5' };
const loginSession = { mode: 'login', instance: 'acme', 'session-token': 'session-SECRET-2' };
const sweep = {
  mode: 'sweep',
  instance: 'acme',
  'developer-token': 'developer-SECRET-5',
  'github-token': 'ghs-SECRET-6',
};
/** A client that provision mode left behind in run attempt `run` of this repository. */
const leftover = (id: number, run = '41.1'): Listed => ({
  id,
  clientId: `left-${id}`,
  name: `github-actions octo-org/octo-repo run ${run} deploy ${String(id).padStart(6, '0')}`,
  description: `Created by domo-auth for https://github.com/octo-org/octo-repo/actions/runs/${run.split('.')[0]}; revoked when the job ends.`,
});
/** GitHub's answer for a run attempt in `status`. */
const runIs = (status: string): Answer => ({ status: 200, body: { status, conclusion: null } });
const body = (domoSays: Mapping) => ({ body: domoSays });

/** Bad inputs: each fails before any request, with a message naming the input. */
const inputScenarios: Array<[string, Scenario]> = [
  ['no inputs', { inputs: {} }],
  ['no client-secret', { inputs: { 'client-id': 'id' } }],
  ['an empty scope', { inputs: { ...token, scope: '' } }],
  ['a scope with a slash', { inputs: { ...token, scope: 'data da/ta' } }],
  ['an unknown mode', { inputs: { ...token, mode: 'oauth' } }],
  ['an http api-url', { inputs: { ...token, 'api-url': 'http://api.domo.com' } }],
  ['an api-url that is no URL', { inputs: { ...token, 'api-url': 'not a url' } }],
  ['an ftp api-url', { inputs: { ...token, 'api-url': 'ftp://api.domo.com' } }],
  ['an api-url with a query', { inputs: { ...token, 'api-url': 'https://api.domo.com/?a=b' } }],
  ['an http instance', { inputs: { ...provision, instance: 'http://acme.domo.com' } }],
  ['an instance with spaces', { inputs: { ...provision, instance: 'acme company' } }],
  ['retries 21', { inputs: { ...token, retries: '21' } }],
  ['timeout-seconds 0', { inputs: { ...token, 'timeout-seconds': '0' } }],
  ['export-env yes', { inputs: { ...token, 'export-env': 'yes' } }],
  ['summary no', { inputs: { ...token, summary: 'no' } }],
  ['delete-client maybe', { inputs: { ...provision, 'delete-client': 'maybe' } }],
  ['env-var 1X', { inputs: { ...token, 'env-var': '1X' } }],
  ['env-var GITHUB_TOKEN', { inputs: { ...token, 'env-var': 'GITHUB_TOKEN' } }],
  ['a client-id with a colon', { inputs: { ...token, 'client-id': 'a:b' } }],
  ['no session source', { inputs: { mode: 'provision', instance: 'acme' } }],
  [
    'two session sources',
    { inputs: { ...developer, username: 'u', password: 'password-SECRET-3' } },
  ],
  [
    'a username without password',
    { inputs: { mode: 'provision', instance: 'acme', username: 'u' } },
  ],
  ['a password without username', { inputs: { ...password, username: '' } }],
  ['no instance', { inputs: { ...provision, instance: '' } }],
  ['an instance with a path', { inputs: { ...provision, instance: 'https://acme.domo.com/x' } }],
  ['a session-token with a space', { inputs: { ...provision, 'session-token': 'a b' } }],
  ['a developer-token with a space', { inputs: { ...developer, 'developer-token': 'a b' } }],
  ['a session-cookie with a semicolon', { inputs: { ...cookie, 'session-cookie': 'a;b' } }],
  ['a two-line client-name', { inputs: { ...provision, 'client-name': 'a\nb' } }],
  ['no runner files', { inputs: token, noRunnerFiles: true }],
  ['sweep: an empty github-token', { inputs: { ...sweep, 'github-token': '' } }],
  ['sweep: a github-token with a space', { inputs: { ...sweep, 'github-token': 'a b' } }],
  ['sweep: dry-run maybe', { inputs: { ...sweep, 'dry-run': 'maybe' } }],
  ['sweep: no session source', { inputs: { ...sweep, 'developer-token': '' } }],
  ['sweep: no instance', { inputs: { ...sweep, instance: '' } }],
  ['sweep: outside a GitHub Actions job', { inputs: sweep, env: { GITHUB_RUN_ID: '' } }],
  [
    'sweep: an http GITHUB_API_URL',
    { inputs: sweep, env: { GITHUB_API_URL: 'http://github.example/api/v3' } },
  ],
  ['an input far too long', { inputs: { ...token, 'client-secret': 'x'.repeat(9000) } }],
  ['a state file that is gone', { inputs: provision, env: { GITHUB_STATE: '/nonexistent/state' } }],
  ['login: job-token false with a session', { inputs: { ...loginSession, 'job-token': 'false' } }],
  ['login: job-token maybe', { inputs: { ...login, 'job-token': 'maybe' } }],
  ['login: job-token-hours 0', { inputs: { ...login, 'job-token-hours': '0' } }],
  ['login: cli-login maybe', { inputs: { ...login, 'cli-login': 'maybe' } }],
  ['login: no session source', { inputs: { mode: 'login', instance: 'acme' } }],
];

/** Failed calls, and the post step's revocation going wrong. */
const callScenarios: Array<[string, Scenario]> = [
  // The token request
  [
    'token: 401',
    {
      inputs: token,
      answers: { token: { status: 401, ...body({ error_description: 'Bad credentials' }) } },
    },
  ],
  [
    'token: 400 for a scope',
    {
      inputs: token,
      answers: { token: { status: 400, ...body({ error_description: 'Invalid scope: x' }) } },
    },
  ],
  [
    'token: 403',
    { inputs: token, answers: { token: { status: 403, ...body({ message: 'Forbidden' }) } } },
  ],
  ['token: 404', { inputs: token, answers: { token: { status: 404 } } }],
  ['token: 405 to GET and POST', { inputs: token, answers: { token: { status: 405 } } }],
  [
    'token: 429 every time',
    { inputs: token, answers: { token: { status: 429, headers: { 'retry-after': '1' } } } },
  ],
  [
    'token: 429 without retries',
    { inputs: { ...token, retries: '0' }, answers: { token: { status: 429 } } },
  ],
  [
    'token: 502 every time',
    {
      inputs: token,
      answers: { token: { status: 502, body: '<html><title>Bad gateway</title></html>' } },
    },
  ],
  ['token: a timeout', { inputs: token, answers: { token: socketError('ETIMEDOUT') } }],
  ['token: connection refused', { inputs: token, answers: { token: socketError('ECONNREFUSED') } }],
  ['token: connection reset', { inputs: token, answers: { token: socketError('ECONNRESET') } }],
  ['token: DNS', { inputs: token, answers: { token: socketError('ENOTFOUND') } }],
  ['token: TLS', { inputs: token, answers: { token: socketError('CERT_HAS_EXPIRED') } }],
  [
    'token: a redirect',
    {
      inputs: token,
      answers: { token: { status: 302, headers: { location: 'https://elsewhere.test/' } } },
    },
  ],
  [
    'token: an HTML page with 200',
    {
      inputs: token,
      answers: { token: { status: 200, body: '<html><title>Sign in</title></html>' } },
    },
  ],
  [
    'token: JSON without a token',
    { inputs: token, answers: { token: { status: 200, body: { expires_in: 60 } } } },
  ],
  [
    'token: a token that expires at once',
    {
      inputs: token,
      answers: { token: { status: 200, body: { access_token: 'tok-SECRET', expires_in: 0 } } },
    },
  ],
  [
    'token: a role with a control character',
    {
      inputs: token,
      answers: {
        token: {
          status: 200,
          body: { access_token: 'tok-SECRET', expires_in: 60, role: 'a\u0007' },
        },
      },
    },
  ],
  [
    'token: a gzip-encoded error',
    {
      inputs: token,
      answers: {
        token: { status: 500, headers: { 'content-encoding': 'gzip' }, body: '\u001f\u008b\u0008' },
      },
    },
  ],
  // Sign-on
  [
    'sign-on: a wrong password',
    {
      inputs: password,
      answers: {
        signon: { status: 200, ...body({ success: false, reason: 'INVALID_CREDENTIALS' }) },
      },
    },
  ],
  [
    'sign-on: a locked account',
    {
      inputs: password,
      answers: { signon: { status: 200, ...body({ success: false, reason: 'ACCOUNT_LOCKED' }) } },
    },
  ],
  [
    'sign-on: an expired cookie (refused)',
    { inputs: cookie, answers: { signon: { status: 200, ...body({ success: false }) } } },
  ],
  ['sign-on: an expired cookie (401)', { inputs: cookie, answers: { signon: { status: 401 } } }],
  ['sign-on: an unknown instance', { inputs: password, answers: { signon: { status: 403 } } }],
  [
    'sign-on: success without a session token',
    { inputs: password, answers: { signon: { status: 200, ...body({ success: true }) } } },
  ],
  // Client creation with a session
  [
    'create: a taken name',
    {
      inputs: provision,
      answers: { create: { status: 400, ...body({ message: 'Bad Request' }) } },
    },
  ],
  [
    'create: an unknown scope',
    {
      inputs: provision,
      answers: { create: { status: 400, ...body({ message: 'Invalid scope' }) } },
    },
  ],
  [
    'create: a stale session',
    {
      inputs: provision,
      answers: { create: { status: 401, ...body({ message: 'Unauthorized' }) } },
    },
  ],
  [
    'create: a missing grant',
    { inputs: provision, answers: { create: { status: 403, ...body({ message: 'Forbidden' }) } } },
  ],
  ['create: an ambiguous 500', { inputs: provision, answers: { create: { status: 500 } } }],
  ['create: a timeout', { inputs: provision, answers: { create: socketError('ETIMEDOUT') } }],
  [
    'create: a reset connection',
    { inputs: provision, answers: { create: socketError('ECONNRESET') } },
  ],
  [
    'create: a client id with a line break',
    {
      inputs: provision,
      answers: {
        create: { status: 201, body: { client_id: 'cid\nx', client_secret: 'csecret-SECRET' } },
      },
    },
  ],
  [
    'token: a customer with a line break',
    {
      inputs: token,
      answers: {
        token: {
          status: 200,
          body: { access_token: 'tok-SECRET', expires_in: 60, customer: 'a\nb' },
        },
      },
    },
  ],
  [
    'create: 2xx without credentials',
    { inputs: provision, answers: { create: { status: 201, body: {} } } },
  ],
  // Client creation with a developer token
  [
    'create (developer token): a taken name',
    {
      inputs: developer,
      answers: { 'create-dev': { status: 400, ...body({ message: 'Bad Request' }) } },
    },
  ],
  [
    'create (developer token): a refused token',
    {
      inputs: developer,
      answers: {
        'create-dev': { status: 401, ...body({ message: 'Unauthorized' }) },
        me: { status: 401, ...body({ message: 'Unauthorized' }) },
      },
    },
  ],
  [
    'create (developer token): refused, and asking who the token belongs to fails too',
    {
      inputs: developer,
      answers: { 'create-dev': { status: 401 }, me: { status: 503 } },
    },
  ],
  [
    'create (developer token): a missing grant',
    {
      inputs: developer,
      answers: { 'create-dev': { status: 403, ...body({ message: 'Forbidden' }) } },
    },
  ],
  [
    'create (developer token): a wrong instance',
    { inputs: developer, answers: { 'create-dev': { status: 404 } } },
  ],
  [
    'create (developer token): an ambiguous 502',
    { inputs: developer, answers: { 'create-dev': { status: 502 } } },
  ],
  // The post step
  [
    'revoke: the session expired',
    { inputs: provision, answers: { list: { status: 401, ...body({ message: 'expired' }) } } },
  ],
  ['revoke: Domo down', { inputs: provision, answers: { list: { status: 503 } } }],
  [
    'revoke: the DELETE refused',
    { inputs: developer, answers: { revoke: { status: 403, ...body({ message: 'Forbidden' }) } } },
  ],
  [
    'revoke: still listed after the DELETE',
    { inputs: developer, answers: { revoke: { status: 204 } } },
  ],
  [
    'revoke: listed under an id that is not a plain number',
    {
      inputs: provision,
      answers: { list: { status: 200, body: [{ id: 'x1', clientId: 'cid-1', name: 'n' }] } },
    },
  ],
  // Sweep mode
  [
    'sweep: a refused github-token',
    { inputs: sweep, answers: { run: { status: 401, ...body({ message: 'Bad credentials' }) } } },
  ],
  [
    'sweep: a github-token without actions: read',
    {
      inputs: sweep,
      answers: {
        run: { status: 403, ...body({ message: 'Resource not accessible by integration' }) },
      },
    },
  ],
  [
    'sweep: a github-token that cannot see the repository',
    { inputs: sweep, answers: { run: { status: 404, ...body({ message: 'Not Found' }) } } },
  ],
  ['sweep: GitHub down', { inputs: sweep, answers: { run: { status: 503 } } }],
  [
    'sweep: the list refused (401)',
    { inputs: sweep, answers: { list: { status: 401, ...body({ message: 'Unauthorized' }) } } },
  ],
  [
    'sweep: the list refused (403)',
    { inputs: sweep, answers: { list: { status: 403, ...body({ message: 'Forbidden' }) } } },
  ],
  [
    'sweep: a list that is not a list',
    { inputs: sweep, answers: { list: { status: 200, body: { clients: [] } } } },
  ],
  [
    'sweep: GitHub not answering for one run',
    {
      inputs: sweep,
      clients: [leftover(1)],
      answers: { run: [runIs('in_progress'), { status: 502 }] },
    },
  ],
  [
    'sweep: the DELETEs refused',
    {
      inputs: sweep,
      clients: [leftover(1), leftover(2, '40.2')],
      answers: { revoke: { status: 403, ...body({ message: 'Forbidden' }) } },
    },
  ],
  [
    'sweep: an orphan listed under an id that is not a plain number',
    { inputs: sweep, clients: [{ ...leftover(1), id: '1/../2' }] },
  ],
  [
    'sweep: access tokens not readable (403)',
    { inputs: sweep, answers: { tokens: { status: 403, ...body({ message: 'Forbidden' }) } } },
  ],
  [
    'sweep: access tokens unreadable (500)',
    { inputs: sweep, answers: { tokens: { status: 500 } } },
  ],
  [
    'sweep: an attempt GitHub does not show, in a run it shows',
    {
      inputs: sweep,
      clients: [leftover(1)],
      answers: {
        run: [runIs('in_progress'), { status: 404 }],
        'run-only': runIs('completed'),
      },
    },
  ],
  [
    'sweep: an access token not revoked',
    {
      inputs: sweep,
      tokens: [{ ...leftover(3), clientId: '' }],
      answers: { 'revoke-token': { status: 403, ...body({ message: 'Forbidden' }) } },
    },
  ],
  // Login mode
  [
    'login: a refused developer token',
    { inputs: login, answers: { me: { status: 401, ...body({ message: 'Unauthorized' }) } } },
  ],
  [
    'login: a user without an id',
    { inputs: login, answers: { me: { status: 200, body: { displayName: 'x' } } } },
  ],
  [
    'login: minting refused',
    {
      inputs: loginSession,
      answers: { mint: { status: 403, ...body({ message: 'Forbidden' }) } },
    },
  ],
  [
    'login: a lifetime the instance refuses',
    {
      inputs: loginSession,
      answers: { mint: { status: 400, ...body({ message: 'Bad expires' }) } },
    },
  ],
  [
    'login: a home folder that cannot hold the login',
    { inputs: login, env: { HOME: '/dev/null' } },
  ],
  ['login: an ambiguous mint', { inputs: loginSession, answers: { mint: { status: 500 } } }],
  [
    'login: a mint answer without a token',
    { inputs: loginSession, answers: { mint: { status: 200, body: { id: 9 } } } },
  ],
  [
    'login: the revocation refused',
    {
      inputs: loginSession,
      answers: { 'revoke-token': { status: 403, ...body({ message: 'Forbidden' }) } },
    },
  ],
  [
    'login: still listed after the DELETE',
    { inputs: loginSession, answers: { 'revoke-token': { status: 204 } } },
  ],
  // A warning, not a failure
  ['token-command in login mode', { inputs: { ...login, 'token-command': 'true' } }],
  ['an input of the other mode', { inputs: { ...provision, 'client-id': 'id' } }],
  ['an input of creation in sweep mode', { inputs: { ...sweep, 'client-name': 'deploy' } }],
  ['dry-run outside sweep mode', { inputs: { ...token, 'dry-run': 'true' } }],
];

describe(`${TROUBLESHOOTING}`, () => {
  test('has message headings (### Message as the user sees it)', () => {
    expect(messageHeadings.length).toBeGreaterThan(20);
  });

  test.each(inputScenarios)('explains the input error for %s', async (_, scenario) => {
    const messages = await messagesOf(scenario);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      check(
        headingsFor(message).length > 0,
        `${TROUBLESHOOTING} has no heading "### <first words>" for the message:\n  ${message}`,
      );
    }
  });

  test.each(callScenarios)('explains what the action prints for %s', async (_, scenario) => {
    const messages = await messagesOf(scenario);
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) {
      check(
        headingsFor(message).length > 0,
        `${TROUBLESHOOTING} has no heading "### <first words>" for the message:\n  ${message}`,
      );
    }
  });

  test('every heading is a message the action prints (none left over from an old message)', async () => {
    const reached = new Set<string>();
    for (const [, scenario] of [...inputScenarios, ...callScenarios]) {
      for (const message of await messagesOf(scenario)) {
        for (const heading of headingsFor(message)) reached.add(heading);
      }
    }
    // domo-token's own headings are held to its messages in docs-token-command.test.ts.
    const stale = messageHeadings.filter(
      (heading) => !reached.has(heading) && !heading.startsWith('domo-token'),
    );
    check(
      stale.length === 0,
      `${TROUBLESHOOTING} has headings that no message starts with (or no scenario here makes):\n  ${stale.join('\n  ')}`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Provision mode: what the page quotes is what the action sends and prints

/**
 * The lines of the first ```text block after the line `heading` of `file`, without the indent
 * a block inside a list item has.
 */
function textBlockUnder(file: string, heading: string): string[] {
  const lines = read(file)
    .split(/\r?\n/)
    .map((line) => line.trim());
  const start = lines.indexOf(heading);
  check(start >= 0, `${file} has no line "${heading}"`);
  const open = lines.findIndex((line, i) => i > start && line === '```text');
  const close = lines.findIndex((line, i) => i > open && line === '```');
  check(open > 0 && close > open, `"${heading}" has no \`\`\`text block`);
  return lines.slice(open + 1, close);
}

/** A quoted line as a pattern of whole lines, where `wildcard` stands for any text. */
const lineShape = (line: string, wildcard: RegExp = /…/): RegExp =>
  new RegExp(
    `^${line
      .split(wildcard)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

describe('docs/provision-mode.md', () => {
  const quotedUnder = (heading: string): string[] =>
    textBlockUnder('docs/provision-mode.md', heading);
  const asPattern = (line: string): RegExp => lineShape(line);
  const dev = {
    mode: 'provision',
    instance: 'acmecompany',
    'developer-token': 'developer-SECRET-5',
  };
  const session = {
    mode: 'provision',
    instance: 'acmecompany',
    'session-token': 'session-SECRET-2',
  };

  test('the post step prints the lines quoted under "Revocation in the post step"', async () => {
    const printed: string[] = [];
    for (const scenario of [
      { inputs: dev },
      { inputs: session, answers: { list: { status: 200, body: [] } } },
      { inputs: dev, answers: { revoke: { status: 204 } } },
      { inputs: { ...dev, 'delete-client': 'false' } },
    ]) {
      printed.push(...(await jobOf(scenario)).log);
    }
    const quoted = quotedUnder('## Revocation in the post step');
    expect(quoted.length).toBeGreaterThanOrEqual(4);
    for (const line of quoted) {
      check(
        printed.some((p) => asPattern(line).test(p)),
        `docs/provision-mode.md quotes a line the post step does not print:\n  ${line}\nIt printed:\n  ${printed.join('\n  ')}`,
      );
    }
  });

  test('the descriptions quoted are the ones the action gives its clients', async () => {
    const env = { GITHUB_REPOSITORY: 'OWNER/REPO', GITHUB_RUN_ID: 'RUN_ID' };
    const sent: string[] = [];
    for (const deleteClient of ['true', 'false']) {
      const job = await jobOf({ inputs: { ...session, 'delete-client': deleteClient }, env });
      sent.push(String(job.created[0]?.description));
    }
    const quoted = quotedUnder("### The client's description");
    for (const description of sent) {
      check(
        quoted.includes(description),
        `docs/provision-mode.md does not quote the description the action sends:\n  ${description}`,
      );
    }
  });

  test('the default client name is as the template and the example say', async () => {
    const job = await jobOf({ inputs: session });
    const name = String(job.created[0]?.name);
    const shape = /^github-actions octo-org\/octo-repo run 4242\.1 deploy [0-9a-f]{6}$/;
    expect(name).toMatch(shape);
    const [template, example] = quotedUnder('### Client names');
    expect(template).toBe(
      'github-actions <GITHUB_REPOSITORY> run <GITHUB_RUN_ID>.<GITHUB_RUN_ATTEMPT> <GITHUB_JOB> <6 random hex digits>',
    );
    expect(example).toMatch(shape);
  });
});

// ---------------------------------------------------------------------------------------------
// Sweep mode: what the page quotes is what the action takes and prints

describe('docs/sweep.md', () => {
  const inputs = { ...sweep, instance: 'acmecompany' };

  test('the name and description it takes are the ones provision mode gives its clients', async () => {
    const quoted = textBlockUnder('docs/sweep.md', '## How the sweep decides');
    // The placeholders filled in with the run jobOf makes, the random digits left to match.
    const run: Record<string, string> = {
      '<GITHUB_SERVER_URL>': 'https://github.com',
      '<GITHUB_REPOSITORY>': 'octo-org/octo-repo',
      '<RUN_ID>': '4242',
      '<ATTEMPT>': '1',
      '<JOB>': 'deploy',
    };
    const [name, description] = quoted.map((line) =>
      line.replace(/<[A-Z_]+>/g, (placeholder) => run[placeholder] ?? placeholder),
    );
    const job = await jobOf({
      inputs: { mode: 'provision', instance: 'acmecompany', 'session-token': 'session-SECRET-2' },
    });
    const made = job.created[0] ?? {};
    expect(String(made.name)).toMatch(lineShape(name!, /<6 hex digits>/));
    expect(String(made.name)).toMatch(/ deploy [0-9a-f]{6}$/);
    expect(String(made.description)).toBe(description);
  });

  test('a sweep prints the lines quoted under "The log and the job summary"', async () => {
    const clients = [leftover(1), leftover(2, '40.1'), leftover(3, '43.1')];
    const printed: string[] = [];
    for (const scenario of [
      // The current run, then 41.1 finished, 40.1 deleted, 43.1 still going.
      {
        inputs,
        clients,
        answers: {
          run: [runIs('in_progress'), runIs('completed'), { status: 404 }, runIs('in_progress')],
        },
      },
      { inputs: { ...inputs, 'dry-run': 'true' }, clients },
    ]) {
      const job = await jobOf(scenario);
      expect(job.problems).toEqual([]);
      printed.push(...job.log);
    }
    const quoted = textBlockUnder('docs/sweep.md', '## The log and the job summary');
    expect(quoted.length).toBeGreaterThanOrEqual(6);
    for (const line of quoted) {
      check(
        printed.some((p) => lineShape(line).test(p)),
        `docs/sweep.md quotes a line a sweep does not print:\n  ${line}\nIt printed:\n  ${printed.join('\n  ')}`,
      );
    }
  });
});
