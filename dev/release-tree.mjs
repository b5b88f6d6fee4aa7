// @ts-check
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
// One change: README.md's relative links would lead nowhere in a tree without docs/ and
// examples/, so they are made absolute, to the released source commit on GitHub:
// {GITHUB_SERVER_URL}/{GITHUB_REPOSITORY}/blob/{HEAD}/{path} (raw/ for an image, tree/ for a
// folder), with https://github.com and domo-auth/domo-auth outside GitHub Actions.
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
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));

/** Besides what the action runs: what a user who opens the tag should find. */
const DOCUMENTS = ['README.md', 'LICENSE'];

/** The repository whose releases these are, where the runner does not say. */
const REPOSITORY = 'domo-auth/domo-auth';

/**
 * Where README.md's links point in a release (see sourceLinks).
 * @typedef {object} SourceLinks
 * @property {string} server
 * @property {string} repository
 * @property {string} sha
 */

/** @typedef {Record<string, string | undefined>} Env */
/** @typedef {{ name: string, mode: '100644' | '100755' }} ReleaseFile */
/** @typedef {RegExpExecArray & [string, string, string]} Groups2 a match whose two groups matched */
/** @typedef {Error & { stderr?: string }} GitError what execFileSync throws */

/**
 * The `runs:` entries of action.yml, read without a YAML library: the keys directly under
 * `runs:`, with plain, 'single' or "double" quoted scalar values.
 * @param {string} text
 */
export function runsOf(text) {
  /** @type {Record<string, string>} */
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
    const [, key, raw] = /** @type {Groups2} */ (entry);
    const single = /^'((?:[^']|'')*)'\s*(#.*)?$/.exec(raw);
    const double = /^("(?:[^"\\]|\\.)*")\s*(#.*)?$/.exec(raw);
    // A double-quoted YAML scalar escapes as JSON does, for anything a path holds.
    runs[key] = single
      ? /** @type {string} */ (single[1]).replace(/''/g, "'")
      : double
        ? JSON.parse(/** @type {string} */ (double[1]))
        : raw.replace(/\s+#.*$/, '');
  }
  return runs;
}

/**
 * The directories the action's entry points live in: what it needs at run time.
 * @param {Record<string, string>} runs
 */
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
  const within = (/** @type {string} */ dir, /** @type {string} */ other) =>
    dir !== other && dir.startsWith(`${other}/`);
  return [...dirs].filter((dir) => ![...dirs].some((other) => within(dir, other))).sort();
}

/**
 * @param {string} repo
 * @param {string[]} args
 */
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
 * @returns {{ files: ReleaseFile[], untracked: string[] }}
 */
export function releaseFiles(repo = root) {
  const runs = runsOf(readFileSync(path.join(repo, 'action.yml'), 'utf8'));
  const dirs = runtimeDirectories(runs);
  const wanted = ['action.yml', ...DOCUMENTS, ...dirs];
  let listing;
  try {
    listing = git(repo, ['ls-files', '-z', '--stage', '--', ...wanted]);
  } catch (error) {
    const { stderr, message } = /** @type {GitError} */ (error);
    throw new Error(
      `git ls-files failed: the release holds the files git tracks, so it needs a git checkout (${String(stderr ?? message).trim()})`,
    );
  }
  /** @type {ReleaseFile[]} */
  const files = [];
  for (const record of listing.split('\0').filter(Boolean)) {
    const [, mode, name] = /^(\d+) [0-9a-f]+ \d+\t(.*)$/s.exec(record) ?? [];
    if (mode !== '100644' && mode !== '100755') {
      throw new Error(`${name ?? record}: git mode ${mode}; a release holds plain files only`);
    }
    // A known mode: the record matched, name and all.
    if (!files.some((file) => file.name === name)) files.push({ name: String(name), mode });
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
 * Where README.md's links point in a release: the commit checked out in `repo` (the released
 * source commit), on the server and in the repository the runner names.
 * @param {string} [repo]
 * @param {Env} [env]
 * @returns {SourceLinks}
 */
export function sourceLinks(repo = root, env = process.env) {
  let sha;
  try {
    sha = git(repo, ['rev-parse', '--verify', 'HEAD^{commit}']).trim();
  } catch (error) {
    const { stderr, message } = /** @type {GitError} */ (error);
    throw new Error(
      `git rev-parse HEAD failed: README.md's links point at the source commit, so it needs a git checkout with a commit (${String(stderr ?? message).trim()})`,
    );
  }
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return { server, repository: env.GITHUB_REPOSITORY || REPOSITORY, sha };
}

/**
 * `line` with every code span blanked out, so that `](x)` inside one is not taken for a link.
 * @param {string} line
 */
function withoutCodeSpans(line) {
  return line.replace(/(`+)(?:(?!\1)[\s\S])*?\1(?!`)/g, (span) => ' '.repeat(span.length));
}

/**
 * Whether the `]` at `close` ends the text of an image: `![alt](...)`.
 * @param {string} masked
 * @param {number} close
 */
function isImage(masked, close) {
  let depth = 0;
  for (let i = close; i >= 0; i -= 1) {
    if (masked[i] === ']' && masked[i - 1] !== '\\') depth += 1;
    if (masked[i] === '[' && masked[i - 1] !== '\\') depth -= 1;
    if (depth === 0) return masked[i - 1] === '!';
  }
  return false;
}

/**
 * A link's target made absolute at `links`, or as it is when it is absolute or an anchor.
 * @param {string} target
 * @param {boolean} image
 * @param {SourceLinks} links
 */
function absoluteTarget(target, image, { server, repository, sha }) {
  const bracketed = /^<(.*)>$/.exec(target);
  const bare = bracketed ? /** @type {string} */ (bracketed[1]) : target;
  if (/^[a-z][a-z0-9+.-]*:|^#|^\/\//i.test(bare)) return target;
  // Matches any string.
  const [, file, rest] = /** @type {Groups2} */ (/^([^?#]*)(.*)$/.exec(bare));
  const normalised = path.posix.normalize(file.replace(/^\/+/, ''));
  if (normalised === '..' || normalised.startsWith('../')) {
    throw new Error(`README.md links to ${target}, outside the repository`);
  }
  const kind = image ? 'raw' : file.endsWith('/') ? 'tree' : 'blob';
  const where = normalised === '.' ? '' : normalised;
  const url = `${server}/${repository}/${kind}/${sha}/${where}${rest}`;
  return bracketed ? `<${url}>` : url;
}

/**
 * `markdown` with the targets of its relative links, images and link reference definitions
 * made absolute at `links` (see sourceLinks); code blocks and code spans are left as they are.
 * @param {string} markdown
 * @param {SourceLinks} links
 */
export function absoluteLinks(markdown, links) {
  /** @type {string | undefined} */
  let fence;
  return markdown
    .split(/(?<=\n)/)
    .map((line) => {
      const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence) {
        if (opening !== undefined && opening[0] === fence[0] && opening.length >= fence.length) {
          fence = undefined;
        }
        return line;
      }
      if (opening) {
        fence = opening;
        return line;
      }
      const definition = /^( {0,3}\[[^\]]+\]:[ \t]*)(<[^>]*>|\S+)/.exec(line);
      if (definition) {
        const [whole, label, target] = /** @type {Groups2} */ (definition);
        return label + absoluteTarget(target, false, links) + line.slice(whole.length);
      }
      const masked = withoutCodeSpans(line);
      let result = '';
      let from = 0;
      for (const m of masked.matchAll(/\]\((\s*)(<[^>\n]*>|[^)\s]+)/g)) {
        const [, space, link] = /** @type {Groups2} */ (m);
        const start = m.index + 2 + space.length;
        const target = line.slice(start, start + link.length);
        result += line.slice(from, start) + absoluteTarget(target, isImage(masked, m.index), links);
        from = start + link.length;
      }
      return result + line.slice(from);
    })
    .join('');
}

/**
 * `dir` as the user typed it: `npm run` runs a script in the package's root, and says in
 * INIT_CWD where it was called from.
 * @param {string} dir
 * @param {Env} [env]
 */
export function resolveTarget(dir, env = process.env) {
  const byNpm = env.npm_lifecycle_event === 'release-tree' && env.INIT_CWD;
  return path.resolve(byNpm || process.cwd(), dir);
}

/**
 * Writes the release tree to `dir`, which must be new or empty, README.md's links pointing at
 * `links`. Returns what it wrote.
 * @param {string} dir
 * @param {string} [repo]
 * @param {SourceLinks} [links]
 */
export function writeReleaseTree(dir, repo = root, links = undefined) {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
    if (readdirSync(dir).length > 0) {
      throw new Error(
        `${dir} is not empty: give a new or empty directory, so that it holds the release tree alone`,
      );
    }
  }
  const { files, untracked } = releaseFiles(repo);
  const at = links ?? sourceLinks(repo);
  let bytes = 0;
  for (const file of files) {
    const target = path.join(dir, ...file.name.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    const source = path.join(repo, file.name);
    if (file.name === 'README.md') {
      writeFileSync(target, absoluteLinks(readFileSync(source, 'utf8'), at));
    } else {
      copyFileSync(source, target);
    }
    // git records executable or not; the working tree's other bits are local settings.
    chmodSync(target, file.mode === '100755' ? 0o755 : 0o644);
    bytes += statSync(target).size;
  }
  return { files: files.map((file) => file.name), untracked, bytes, links: at };
}

/** @param {string[]} args */
function main(args) {
  const [target] = args;
  if (args.length !== 1 || target === undefined || target.startsWith('-')) {
    console.error('Usage: npm run release-tree -- DIR   (DIR: a new or empty directory)');
    return 2;
  }
  const dir = resolveTarget(target);
  try {
    const { files, untracked, bytes, links } = writeReleaseTree(dir);
    for (const name of untracked) console.error(`Left out, not tracked by git: ${name}`);
    for (const name of files) console.log(name);
    console.log(`README.md's links lead to ${links.server}/${links.repository}/blob/${links.sha}/`);
    console.log(`${files.length} files, ${bytes} bytes, written to ${dir}`);
    return 0;
  } catch (error) {
    console.error(`release-tree: ${/** @type {Error} */ (error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
