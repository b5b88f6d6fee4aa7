// @ts-check
// `npm run docs:tables`: rewrites the README's inputs and outputs tables from action.yml, as
// actions/checkout's generate-docs script does, so that the two can never disagree. Only the
// text between each pair of marker comments changes:
//
//   <!-- inputs: generated from action.yml by npm run docs:tables -->
//   ...
//   <!-- end inputs -->
//
// Each table is laid out by Prettier with the repository's settings, so that `prettier --check`
// accepts what this writes. `--check` writes nothing and exits 1 when README.md is not current.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as prettier from 'prettier';
import YAML from 'yaml';

export const root = fileURLToPath(new URL('..', import.meta.url));
const README = path.join(root, 'README.md');
const ACTION = path.join(root, 'action.yml');

export const COMMAND = 'npm run docs:tables';

/**
 * What the tables show of action.yml, parsed (an entry with nothing under it parses as null).
 * @typedef {object} ActionTables
 * @property {Record<string, { default?: unknown, description?: unknown } | null>} [inputs]
 * @property {Record<string, { description?: unknown } | null>} [outputs]
 */

/**
 * The comments that open and close a generated table.
 * @param {string} table
 */
export function markers(table) {
  return {
    start: `<!-- ${table}: generated from action.yml by ${COMMAND} -->`,
    end: `<!-- end ${table} -->`,
  };
}

/**
 * A cell's text: one line, and no `|` that would end the cell.
 * @param {unknown} text
 */
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\|/g, '\\|');

/**
 * `value` as a code span, with a fence longer than any run of backticks inside it.
 * @param {unknown} value
 */
function code(value) {
  const text = String(value);
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const absent = (/** @type {unknown} */ value) =>
  value === undefined || value === null || String(value) === '';

/**
 * The rows of each table, from action.yml's parsed `inputs` and `outputs`.
 * @satisfies {Record<string, { header: string[], rows: (action: ActionTables) => string[][] }>}
 */
const TABLES = {
  inputs: {
    header: ['Input', 'Default', 'Description'],
    rows: (action) =>
      Object.entries(action.inputs ?? {}).map(([name, input]) => [
        code(name),
        absent(input?.default) ? '—' : cell(code(input?.default)),
        cell(input?.description),
      ]),
  },
  outputs: {
    header: ['Output', 'Description'],
    rows: (action) =>
      Object.entries(action.outputs ?? {}).map(([name, output]) => [
        code(name),
        cell(output?.description),
      ]),
  },
};

/** @typedef {keyof typeof TABLES} TableName */

export const TABLE_NAMES = /** @type {TableName[]} */ (Object.keys(TABLES));

/**
 * One table as Markdown, laid out as Prettier lays it out.
 * @param {TableName} table
 * @param {ActionTables} action
 * @param {prettier.Options} [options]
 */
export async function tableMarkdown(table, action, options = {}) {
  const { header, rows } = TABLES[table];
  const line = (/** @type {string[]} */ cells) => `| ${cells.join(' | ')} |`;
  const text = [line(header), line(header.map(() => '---')), ...rows(action).map(line)].join('\n');
  return (await prettier.format(text, { ...options, parser: 'markdown' })).trimEnd();
}

/**
 * `readme` with the text between each table's markers replaced by that table, made from
 * `actionYml` (the text of action.yml). Throws when a marker is missing, repeated or out of order.
 * @param {string} readme
 * @param {string} actionYml
 * @param {prettier.Options} [options]
 */
export async function withTables(readme, actionYml, options = {}) {
  const action = YAML.parse(actionYml) ?? {};
  const eol = readme.includes('\r\n') ? '\r\n' : '\n';
  const lines = readme.split(/\r?\n/);
  for (const table of TABLE_NAMES) {
    const { start, end } = markers(table);
    const at = (/** @type {string} */ marker) =>
      lines.flatMap((text, i) => (text.trim() === marker ? [i] : []));
    const [starts, ends] = [at(start), at(end)];
    // Read only once each is known to be there.
    const [from, to] = /** @type {[number, number]} */ ([starts[0], ends[0]]);
    if (starts.length !== 1 || ends.length !== 1 || to < from) {
      throw new Error(
        `README.md needs the line "${start}", then the line "${end}", once each (found ${starts.length} and ${ends.length})`,
      );
    }
    const generated = (await tableMarkdown(table, action, options)).split('\n');
    lines.splice(from + 1, to - from - 1, '', ...generated, '');
  }
  return lines.join(eol);
}

/** Prettier's settings for README.md, as `prettier --check` finds them. */
export async function readmeOptions(file = README) {
  return (await prettier.resolveConfig(file)) ?? {};
}

/** What this script would write to README.md, from the files as they are now. */
export async function expectedReadme() {
  return withTables(
    readFileSync(README, 'utf8'),
    readFileSync(ACTION, 'utf8'),
    await readmeOptions(),
  );
}

/** @param {string[]} args */
async function main(args) {
  const check = args.includes('--check');
  if (args.some((arg) => arg !== '--check')) {
    console.error(`Usage: ${COMMAND} [-- --check]`);
    return 2;
  }
  try {
    const current = readFileSync(README, 'utf8');
    const expected = await expectedReadme();
    if (current === expected) {
      console.log('README.md: the inputs and outputs tables match action.yml.');
      return 0;
    }
    if (check) {
      console.error(`README.md: the tables differ from action.yml; run \`${COMMAND}\`.`);
      return 1;
    }
    writeFileSync(README, expected);
    console.log('README.md: the inputs and outputs tables were rewritten from action.yml.');
    return 0;
  } catch (error) {
    console.error(`docs:tables: ${/** @type {Error} */ (error).message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
