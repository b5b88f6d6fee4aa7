/**
 * A release as a job downloads it: the tree `npm run release-tree -- DIR` writes, which the
 * release workflow commits and tags. It holds action.yml, every file git tracks in the
 * directories of its runs entries, README.md and LICENSE, as they are, except that README.md's
 * relative links lead to the released source commit on GitHub (the tree has no docs/ for them);
 * it runs end to end on its own, away from the repository's source and node_modules; and its
 * gzipped tarball stays under 50 KB.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { action, root, runJob, runStep } from '../dev/runner.mjs';
import {
  absoluteLinks,
  resolveTarget,
  runsOf,
  runtimeDirectories,
  sourceLinks,
} from '../dev/release-tree.mjs';
import { expectFailure, expectNoLeaks, withSimulator } from './e2e/helpers.js';

/** 50 KB in decimal bytes, the stricter reading of "KB". */
const DOWNLOAD_LIMIT = 50_000;

let base: string;
let tree: string;

/** The command as `npm run release-tree -- DIR` runs it. */
function releaseTree(dir: string) {
  return spawnSync(process.execPath, [path.join(root, 'dev/release-tree.mjs'), dir], {
    cwd: root,
    encoding: 'utf8',
  });
}

/** Every file under a directory, '/'-separated, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => statSync(path.join(dir, file)).isFile())
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

beforeAll(() => {
  base = mkdtempSync(path.join(tmpdir(), 'domo-auth-release-'));
  tree = path.join(base, 'tree');
  const result = releaseTree(tree);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('npm run release-tree', () => {
  test('writes action.yml, README.md, LICENSE and the files git tracks in the runs directories, as they are (README.md but for its links)', () => {
    const entries = [action.runs.main, action.runs.post];
    const dirs = entries.map((entry) => path.posix.dirname(entry));
    const tracked = execFileSync('git', ['ls-files', '-z', '--', ...dirs], { cwd: root })
      .toString()
      .split('\0')
      .filter(Boolean);
    const expected = ['LICENSE', 'README.md', 'action.yml', ...tracked].sort();
    expect(filesUnder(tree)).toEqual(expected);
    expect(expected).toEqual(expect.arrayContaining(entries));
    const links = sourceLinks(root, process.env);
    const readme = absoluteLinks(readFileSync(path.join(root, 'README.md'), 'utf8'), links);
    expect(readFileSync(path.join(tree, 'README.md'), 'utf8')).toBe(readme);
    for (const file of expected.filter((name) => name !== 'README.md')) {
      expect({
        file,
        same: readFileSync(path.join(tree, file)).equals(readFileSync(path.join(root, file))),
      }).toEqual({ file, same: true });
    }
  });

  test("README.md's links all lead somewhere: to the source commit's files on GitHub, or to its own headings", () => {
    const { server, repository, sha } = sourceLinks(root, process.env);
    expect(sha).toBe(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root }).toString().trim());
    const readme = readFileSync(path.join(tree, 'README.md'), 'utf8');
    // Every link target outside code, as GitHub would follow it.
    const targets = readme
      .replace(/```[\s\S]*?```/g, '')
      .replace(/`[^`\n]*`/g, '')
      .matchAll(/\]\(([^)\s]+)\)/g);
    const prefix = `${server}/${repository}/`;
    const checked: string[] = [];
    for (const [, target] of targets) {
      if (target!.startsWith('#') || !target!.startsWith(prefix)) {
        expect(target).toMatch(/^(#|https:\/\/|mailto:)/);
        continue;
      }
      const [kind, at, ...rest] = target!.slice(prefix.length).split('#')[0]!.split('/');
      expect({ target, kind, at }).toEqual({
        target,
        kind: expect.stringMatching(/^(blob|raw|tree)$/),
        at: sha,
      });
      // The file (or folder) is in the source: at a release, the working tree is that commit.
      const file = rest.join('/').replace(/\/$/, '');
      expect({ file, exists: existsSync(path.join(root, file)) }).toEqual({ file, exists: true });
      checked.push(file);
    }
    expect(checked).toEqual(
      expect.arrayContaining(['LICENSE', 'docs/job-summary.svg', 'examples']),
    );
  });

  test('refuses a directory that is not empty, and leaves it as it was', () => {
    const before = filesUnder(tree);
    const result = releaseTree(tree);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `release-tree: ${tree} is not empty: give a new or empty directory, so that it holds the release tree alone\n`,
    );
    expect(result.stdout).toBe('');
    expect(filesUnder(tree)).toEqual(before);
  });

  const links = { server: 'https://github.com', repository: 'octo/repo', sha: 'a'.repeat(40) };
  const blob = `https://github.com/octo/repo/blob/${'a'.repeat(40)}`;
  test.each([
    ['a file', '[x](docs/a.md)', `[x](${blob}/docs/a.md)`],
    ['a heading of a file', '[x](docs/a.md#b-c)', `[x](${blob}/docs/a.md#b-c)`],
    [
      './ and a repository-root path',
      '[x](./LICENSE) [y](/docs/a.md)',
      `[x](${blob}/LICENSE) [y](${blob}/docs/a.md)`,
    ],
    [
      'a folder (tree)',
      '[`examples/`](examples/)',
      `[\`examples/\`](https://github.com/octo/repo/tree/${'a'.repeat(40)}/examples/)`,
    ],
    [
      'an image (raw, so that it shows)',
      '![alt [1]](docs/i.svg)',
      `![alt [1]](https://github.com/octo/repo/raw/${'a'.repeat(40)}/docs/i.svg)`,
    ],
    [
      'a link around an image',
      '[![a](i.svg)](docs/a.md)',
      `[![a](https://github.com/octo/repo/raw/${'a'.repeat(40)}/i.svg)](${blob}/docs/a.md)`,
    ],
    [
      'a title and a bracketed target',
      '[x](docs/a.md "T") [y](<docs/b c.md>)',
      `[x](${blob}/docs/a.md "T") [y](<${blob}/docs/b c.md>)`,
    ],
    ['a reference definition', '[ref]: docs/a.md "T"', `[ref]: ${blob}/docs/a.md "T"`],
    [
      'anchors and absolute links, kept',
      '[a](#usage) [b](https://x.test/y) [c](mailto:a@b.test) [d](//x.test)',
      null,
    ],
    ['code spans, kept', '`[x](docs/a.md)` and ``a ` [y](b.md)``', null],
    [
      'a fenced block, kept',
      '```md\n[x](docs/a.md)\n```\n[y](b.md)',
      `\`\`\`md\n[x](docs/a.md)\n\`\`\`\n[y](${blob}/b.md)`,
    ],
  ])("README.md's links in a release: %s", (_, markdown, expected) => {
    expect(absoluteLinks(markdown, links)).toBe(expected ?? markdown);
  });

  test('refuses a README link that leads out of the repository', () => {
    expect(() => absoluteLinks('[x](../elsewhere.md)', links)).toThrow(
      'README.md links to ../elsewhere.md, outside the repository',
    );
  });

  test("the links lead to the runner's server and repository, else to github.com/domo-auth/domo-auth", () => {
    const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root }).toString().trim();
    expect(sourceLinks(root, {})).toEqual({
      server: 'https://github.com',
      repository: 'domo-auth/domo-auth',
      sha,
    });
    expect(
      sourceLinks(root, {
        GITHUB_SERVER_URL: 'https://ghe.example/',
        GITHUB_REPOSITORY: 'acme/fork',
      }),
    ).toEqual({ server: 'https://ghe.example', repository: 'acme/fork', sha });
  });

  test('takes DIR relative to where npm was run, not to the package root', () => {
    const npm = { npm_lifecycle_event: 'release-tree', INIT_CWD: base };
    expect(resolveTarget('out', npm)).toBe(path.join(base, 'out'));
    expect(resolveTarget(tree, npm)).toBe(tree);
    // Run by another script, INIT_CWD is that script's: the working directory counts.
    expect(resolveTarget('out', { npm_lifecycle_event: 'test', INIT_CWD: base })).toBe(
      path.resolve('out'),
    );
  });

  // action.yml is read without a YAML library (the release job installs nothing): it must
  // agree with one on every way to write the runs entries.
  test.each([
    ["the repository's action.yml", readFileSync(path.join(root, 'action.yml'), 'utf8')],
    [
      'quoted values, comments, CRLF and a section after runs',
      [
        'name: x',
        'runs:   # how',
        "  using: 'node24'",
        '',
        '  # the steps',
        '  main: "dist/m\\u0061in.js" # main',
        "  post: 'lib/it''s.js'",
        '  post-if: always()',
        'branding:',
        '  icon: key',
        '',
      ].join('\r\n'),
    ],
  ])('reads runs: as a YAML parser does: %s', (_, text) => {
    expect(runsOf(text)).toEqual(YAML.parse(text).runs);
  });

  test.each([
    [
      { using: 'node24', main: 'index.js' },
      'runs.main (index.js) must be in a directory of its own',
    ],
    [
      { using: 'node24', main: '../x/index.js' },
      'runs.main (../x/index.js) must be in a directory',
    ],
    [{ using: 'node24', main: 'dist/index.js', post: './post.js' }, 'runs.post (./post.js) must'],
    [{ using: 'composite' }, 'runs.using is "composite", not a Node.js runtime'],
    [{ using: 'node24' }, 'action.yml has no runs.main'],
  ])('refuses runs %j, which would ship more than the bundles', (runs, message) => {
    expect(() => runtimeDirectories(runs)).toThrow(message);
  });

  test.each([
    [{ main: 'dist/index.js', post: 'dist/index.js' }, ['dist']],
    [{ main: 'dist/index.js', post: 'dist/post/index.js' }, ['dist']],
    [
      { pre: 'lib/pre/a.js', main: 'lib/main/a.js', post: 'lib/main/b.js' },
      ['lib/main', 'lib/pre'],
    ],
  ])('ships the directories of the entries %j: %j', (entries, dirs) => {
    expect(runtimeDirectories({ using: 'node24', ...entries })).toEqual(dirs);
  });
});

describe('the action, run from a release tree', () => {
  const credentials = { 'client-id': 'sim-client-id', 'client-secret': 'sim-client-secret' };

  test('runs the bundle in DIR, not the one in the repository: without one there, it fails', async () => {
    const step = await runStep({ dir: base, inputs: credentials });
    expect(step.exitCode).not.toBe(0);
    expect(step.stderr).toContain(path.join(base, 'dist', 'main.js'));
  });

  test('token mode: main and post steps succeed, nothing leaks', async () => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({
        dir: tree,
        inputs: { ...credentials, 'api-url': sim.url },
        debug: true,
      });
      expect(main.errors).toEqual([]);
      expect(main.exitCode).toBe(0);
      expect(main.outputs['access-token']!.length).toBeGreaterThan(20);
      expect(main.exportedEnv).toEqual({ DOMO_ACCESS_TOKEN: main.outputs['access-token'] });
      expect(sim.requests.map((r) => r.route)).toEqual(['token']);
      expect(post.exitCode).toBe(0);
      expect(post.errors).toEqual([]);
      expect(post.warnings).toEqual([]);
      expectNoLeaks(main);
      expectNoLeaks(post);
    });
  });

  test('token mode: a refusal that echoes the secret and forges a command is one clean error', async () => {
    await withSimulator({}, async (sim) => {
      sim.fault('token', {
        kind: 'status',
        status: 401,
        body: { error: 'unauthorized', message: 'bad secret sim-client-secret\n::error::forged' },
        times: Infinity,
      });
      const step = await runStep({ dir: tree, inputs: { ...credentials, 'api-url': sim.url } });
      expectFailure(step, /401/);
      expectNoLeaks(step);
    });
  });

  test('provision mode: the post step revokes the client it created, nothing leaks', async () => {
    await withSimulator({}, async (sim) => {
      const { main, post } = await runJob({
        dir: tree,
        inputs: {
          mode: 'provision',
          instance: sim.url,
          'api-url': sim.url,
          'developer-token': 'sim-developer-token',
        },
      });
      expect(main.errors).toEqual([]);
      expect(main.exitCode).toBe(0);
      expect(sim.clients).toHaveLength(1);
      expect(post.exitCode).toBe(0);
      expect(post.warnings).toEqual([]);
      expect(sim.clients[0]!.deleted).toBe(true);
      const extra = ['sim-developer-token', sim.clients[0]!.client_secret];
      expectNoLeaks(main, extra);
      expectNoLeaks(post, extra);
    });
  });
});

describe('what a job downloads', () => {
  test(`the gzipped tarball of the release tree (tar -cz -C DIR .) is under ${DOWNLOAD_LIMIT} bytes`, () => {
    const tarball = execFileSync('tar', ['-cz', '-C', tree, '.']);
    expect(tarball.length).toBeGreaterThan(1000);
    expect(tarball.length).toBeLessThan(DOWNLOAD_LIMIT);
  });
});
