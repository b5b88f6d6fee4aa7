// `npm run release-tree -- DIR`: writes to DIR the files a release tag holds, and nothing else:
// action.yml, every file git tracks in the directories of its runs.main / runs.pre / runs.post
// (dist/), README.md and LICENSE. GitHub's runner downloads the whole tree at the ref a workflow
// `uses:`, so a release that holds only these is all a job downloads. The release workflow
// commits exactly this tree on top of the released commit of main.
//
// Which files: those git tracks (committed or staged), so a stray file in dist/ never ships.
// Their content: the working tree's, so that after `npm run build` the tree is what that build
// made, which is how a release is checked against its source. A release checks out a clean
// commit, where the two agree.
//
// Node built-ins only: the release job runs it without installing anything.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Besides what the action runs: what a user who opens the tag should find. */
const DOCUMENTS = ['README.md', 'LICENSE'];

/**
 * The `runs:` entries of action.yml, read without a YAML library: the keys directly under
 * `runs:`, with plain, 'single' or "double" quoted scalar values.
 */
export function runsOf(text) {
  const runs = {};
  let inside = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^runs:\s*(#.*)?$/.test(line)) {
      inside = true;
      continue;
    }
    if (!inside || /^\s*(#.*)?$/.test(line)) continue;
    if (!/^\s/.test(line)) break;
    const entry = /^\s+([\w-]+):\s*(.*?)\s*$/.exec(line);
    if (!entry) continue;
    const [, key, raw] = entry;
    const single = /^'((?:[^']|'')*)'\s*(#.*)?$/.exec(raw);
    const double = /^("(?:[^"\\]|\\.)*")\s*(#.*)?$/.exec(raw);
    // A double-quoted YAML scalar escapes as JSON does, for anything a path holds.
    runs[key] = single
      ? single[1].replace(/''/g, "'")
      : double
        ? JSON.parse(double[1])
        : raw.replace(/\s+#.*$/, '');
  }
  return runs;
}

/** The directories the action's entry points live in: what it needs at run time. */
export function runtimeDirectories(runs) {
  if (!/^node\d+$/.test(runs.using ?? '')) {
    throw new Error(`action.yml: runs.using is "${runs.using ?? ''}", not a Node.js runtime`);
  }
  if (!runs.main) throw new Error('action.yml has no runs.main');
  const dirs = new Set();
  for (const key of ['pre', 'main', 'post']) {
    const entry = runs[key];
    if (!entry) continue;
    const file = path.posix.normalize(entry);
    const dir = path.posix.dirname(file);
    // The whole directory ships, so it must hold the bundle alone, not the repository.
    if (dir === '.' || path.posix.isAbsolute(file) || file.startsWith('../')) {
      throw new Error(
        `action.yml: runs.${key} (${entry}) must be in a directory of its own, such as dist/`,
      );
    }
    dirs.add(dir);
  }
  // A directory within another (dist/post within dist) adds nothing.
  const within = (dir, other) => dir !== other && dir.startsWith(`${other}/`);
  return [...dirs].filter((dir) => ![...dirs].some((other) => within(dir, other))).sort();
}

function git(repo, args) {
  return execFileSync('git', ['--literal-pathspecs', ...args], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
}

/**
 * The files of the release tree (repository-relative, '/'-separated, sorted) with their git
 * modes, and the untracked files left out of it.
 */
export function releaseFiles(repo = root) {
  const runs = runsOf(readFileSync(path.join(repo, 'action.yml'), 'utf8'));
  const dirs = runtimeDirectories(runs);
  const wanted = ['action.yml', ...DOCUMENTS, ...dirs];
  let listing;
  try {
    listing = git(repo, ['ls-files', '-z', '--stage', '--', ...wanted]);
  } catch (error) {
    throw new Error(
      `git ls-files failed: the release holds the files git tracks, so it needs a git checkout (${String(error.stderr ?? error.message).trim()})`,
    );
  }
  const files = [];
  for (const record of listing.split('\0').filter(Boolean)) {
    const [, mode, name] = /^(\d+) [0-9a-f]+ \d+\t(.*)$/s.exec(record) ?? [];
    if (mode !== '100644' && mode !== '100755') {
      throw new Error(`${name ?? record}: git mode ${mode}; a release holds plain files only`);
    }
    if (!files.some((file) => file.name === name)) files.push({ name, mode });
  }
  files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const tracked = new Set(files.map((file) => file.name));
  for (const name of ['action.yml', ...DOCUMENTS]) {
    if (!tracked.has(name)) throw new Error(`${name} is not tracked by git`);
  }
  for (const key of ['pre', 'main', 'post']) {
    const entry = runs[key] && path.posix.normalize(runs[key]);
    if (entry && !tracked.has(entry)) {
      throw new Error(`${entry} (runs.${key}) is not tracked by git: build dist/ and commit it`);
    }
  }
  const missing = files.filter((file) => !existsSync(path.join(repo, file.name)));
  if (missing.length > 0) {
    throw new Error(
      `tracked by git but missing from the working tree: ${missing.map((file) => file.name).join(', ')} (restore them, or git rm them)`,
    );
  }
  const untracked = git(repo, ['ls-files', '-z', '--others', '--exclude-standard', '--', ...dirs])
    .split('\0')
    .filter(Boolean)
    .sort();
  return { files, untracked };
}

/**
 * `dir` as the user typed it: `npm run` runs a script in the package's root, and says in
 * INIT_CWD where it was called from.
 */
export function resolveTarget(dir, env = process.env) {
  const byNpm = env.npm_lifecycle_event === 'release-tree' && env.INIT_CWD;
  return path.resolve(byNpm ? env.INIT_CWD : process.cwd(), dir);
}

/** Writes the release tree to `dir`, which must be new or empty. Returns what it wrote. */
export function writeReleaseTree(dir, repo = root) {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    if (readdirSync(dir).length > 0) {
      throw new Error(
        `${dir} is not empty: give a new or empty directory, so that it holds the release tree alone`,
      );
    }
  }
  const { files, untracked } = releaseFiles(repo);
  let bytes = 0;
  for (const file of files) {
    const target = path.join(dir, ...file.name.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(path.join(repo, file.name), target);
    // git records executable or not; the working tree's other bits are local settings.
    chmodSync(target, file.mode === '100755' ? 0o755 : 0o644);
    bytes += statSync(target).size;
  }
  return { files: files.map((file) => file.name), untracked, bytes };
}

function main(args) {
  if (args.length !== 1 || args[0].startsWith('-')) {
    console.error('Usage: npm run release-tree -- DIR   (DIR: a new or empty directory)');
    return 2;
  }
  const dir = resolveTarget(args[0]);
  try {
    const { files, untracked, bytes } = writeReleaseTree(dir);
    for (const name of untracked) console.error(`Left out, not tracked by git: ${name}`);
    for (const name of files) console.log(name);
    console.log(`${files.length} files, ${bytes} bytes, written to ${dir}`);
    return 0;
  } catch (error) {
    console.error(`release-tree: ${error.message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
