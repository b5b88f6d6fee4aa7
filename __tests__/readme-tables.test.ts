/**
 * README.md's inputs and outputs tables are generated from action.yml by `npm run docs:tables`
 * (dev/readme-tables.mjs): the README must hold exactly what the script would write, and the
 * script must write what a reader of action.yml expects.
 */
import { describe, expect, test } from '@jest/globals';
import {
  COMMAND,
  TABLE_NAMES,
  expectedReadme,
  markers,
  readmeOptions,
  withTables,
} from '../dev/readme-tables.mjs';
import { mapping, read } from './helpers/repo.js';

/** The lines between a table's markers, without the blank lines around the table. */
function between(readme: string, table: string): string[] {
  const lines = readme.split(/\r?\n/);
  const { start, end } = markers(table);
  return lines.slice(lines.indexOf(start) + 1, lines.indexOf(end)).filter((line) => line !== '');
}

describe('README.md', () => {
  test('`npm run docs:tables` runs dev/readme-tables.mjs', () => {
    const scripts = mapping(mapping(JSON.parse(read('package.json'))).scripts);
    expect(scripts['docs:tables']).toBe('node dev/readme-tables.mjs');
    expect(COMMAND).toBe('npm run docs:tables');
  });

  test.each([
    ['inputs', '## Inputs'],
    ['outputs', '## Outputs'],
  ])('holds the %s table under "%s"', (table, heading) => {
    const lines = read('README.md').split(/\r?\n/);
    const { start } = markers(table);
    const section = lines.indexOf(heading);
    const next = lines.findIndex((line, i) => i > section && line.startsWith('## '));
    expect(section).toBeGreaterThanOrEqual(0);
    expect(lines.indexOf(start)).toBeGreaterThan(section);
    expect(lines.indexOf(start)).toBeLessThan(next);
  });

  test.each(TABLE_NAMES)('its %s table is what `npm run docs:tables` writes', async (table) => {
    const readme = read('README.md');
    const expected = await expectedReadme();
    const [now, wanted] = [between(readme, table), between(expected, table)];
    if (now.join('\n') !== wanted.join('\n')) {
      throw new Error(
        `README.md's ${table} table is not what action.yml says: run \`${COMMAND}\`.\n` +
          `Expected:\n${wanted.join('\n')}\nFound:\n${now.join('\n')}`,
      );
    }
    // Nothing else of the README would change either.
    expect(readme === expected).toBe(true);
  });
});

describe('dev/readme-tables.mjs', () => {
  const actionYml = [
    'name: x',
    'inputs:',
    '  mode:',
    "    description: 'Which mode: a | b.'",
    "    default: 'token'",
    '  client-id:',
    '    description: >-',
    '      Two lines',
    '      folded.',
    '  github-token:',
    "    default: '${{ github.token }}'",
    "    description: 'Needs `actions: read`.'",
    'outputs:',
    '  access-token:',
    "    description: 'The token.'",
    'runs:',
    '  using: node24',
    '',
  ].join('\n');
  const readme = (inputs: string[], outputs: string[]) =>
    [
      '# Title',
      '',
      markers('inputs').start,
      ...inputs,
      markers('inputs').end,
      '',
      'Between.',
      '',
      markers('outputs').start,
      ...outputs,
      markers('outputs').end,
      '',
    ].join('\n');

  test('writes each input with its default (— for none) and description, in order, and each output', async () => {
    const written = await withTables(readme(['old'], []), actionYml, await readmeOptions());
    expect(written).toBe(
      readme(
        [
          '',
          '| Input          | Default               | Description            |',
          '| -------------- | --------------------- | ---------------------- |',
          '| `mode`         | `token`               | Which mode: a \\| b.    |',
          '| `client-id`    | —                     | Two lines folded.      |',
          '| `github-token` | `${{ github.token }}` | Needs `actions: read`. |',
          '',
        ],
        [
          '',
          '| Output         | Description |',
          '| -------------- | ----------- |',
          '| `access-token` | The token.  |',
          '',
        ],
      ),
    );
    // Written once, it is current: a second run changes nothing.
    expect(await withTables(written, actionYml, await readmeOptions())).toBe(written);
  });

  test.each([
    ['no markers', '# Title\n'],
    ['an end before its start', `${markers('inputs').end}\n${markers('inputs').start}\n`],
    ['a repeated start', readme([markers('inputs').start], [])],
  ])('refuses a README with %s, naming the markers', async (_, text) => {
    await expect(withTables(text, actionYml)).rejects.toThrow(
      `README.md needs the line "${markers('inputs').start}", then the line "${markers('inputs').end}", once each`,
    );
  });

  test('keeps CRLF line endings', async () => {
    const written = await withTables(readme([], []).replace(/\n/g, '\r\n'), actionYml);
    expect(written).toContain(`${markers('inputs').start}\r\n\r\n| Input`);
    expect(written.replace(/\r\n/g, '')).not.toContain('\n');
  });
});
