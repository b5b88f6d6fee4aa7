/** Outside text made one safe log line (clean) or summary cell (cell); control characters found. */
import { describe, expect, test } from '@jest/globals';
import { parseCommand } from '../dev/runner.mjs';
import { cell, clean, controlIn } from '../src/text.js';

describe('clean: one line the runner cannot read as a workflow command', () => {
  test.each<[string, string]>([
    ['plain words', 'plain words'],
    ['a:::b', 'a: : :b'],
    ['line one\n::error::x', 'line one : :error: :x'],
    ['  spaced \t out  ', 'spaced out'],
    ['\u0085\u2028x', 'x'],
    ['a\rb', 'a b'],
    ['a\r\nb', 'a b'],
    ['a\u2029b', 'a b'],
    ['a\u0000b\u001bc\u007fd\u009be', 'a b c d e'],
    ['##[error]forged', '# #[error]forged'],
    ['x ##[warning]y', 'x # #[warning]y'],
    ['###[set-output name=a]b', '## #[set-output name=a]b'],
    ['####[x', '### #[x'],
    ['#[not a command] ## [neither]', '#[not a command] ## [neither]'],
    ['##\n[split]', '## [split]'],
    ['::', ': :'],
    [' ::warning::x', ': :warning: :x'],
    ['http://[::1]:8080', 'http://[: :1]:8080'],
    ['é 😀 中', 'é 😀 中'],
  ])('clean(%j) → %j', (input, expected) => {
    expect(clean(input)).toBe(expected);
  });

  test('cuts at max characters, never inside a surrogate pair', () => {
    expect(clean('abcdef', 3)).toBe('abc…');
    expect(clean('ab😀cd', 3)).toBe('ab…');
    expect(clean('abc', 3)).toBe('abc');
  });

  test.each([
    '::error::x',
    '  ::add-mask::x',
    '\t::ERROR::x',
    '\u00a0::warning::x',
    'a ##[error]b',
    '##[set-output name=x]y',
    'x\n::error::y',
    'x\r::error::y',
    'x\u2028::error::y',
    '##\r[error]y',
    ':\n:error::y',
    '#\u0085#[error]y',
  ])('no line of clean(%j) is a command', (input) => {
    const out = clean(input);
    expect(out.split(/\r\n|\r|\n/)).toHaveLength(1);
    expect(parseCommand(out)).toBeUndefined();
    expect(out).not.toContain('::');
    expect(out).not.toContain('##[');
  });
});

describe('cell: a summary cell shows outside text as text', () => {
  test.each<[string, string]>([
    ['acmecompany', 'acmecompany'],
    ['2026-11-23T12:59:59Z', '2026-11-23T12:59:59Z'],
    ['DOMO_ACCESS_TOKEN, DOMO_CLIENT_ID', 'DOMO_ACCESS_TOKEN, DOMO_CLIENT_ID'],
    ['<img src=x onerror=alert(1)>', '&#60;img src=x onerror=alert(1)&#62;'],
    ['a | b', 'a &#124; b'],
    ['[link](https://evil.test)', '&#91;link&#93;(https://evil.test)'],
    ['![x](y)', '&#33;&#91;x&#93;(y)'],
    ['`code`', '&#96;code&#96;'],
    ['&amp;', '&#38;amp;'],
    ['"quoted" \'single\'', '&#34;quoted&#34; &#39;single&#39;'],
    ['$x$ ~~y~~ a\\b', '&#36;x&#36; &#126;&#126;y&#126;&#126; a&#92;b'],
    ['row\n\n| x |', 'row &#124; x &#124;'],
    ['##[error]x', '# #&#91;error&#93;x'],
  ])('cell(%j) → %j', (input, expected) => {
    expect(cell(input)).toBe(expected);
  });

  test('is bounded like clean()', () => {
    expect(cell('x'.repeat(400))).toBe(`${'x'.repeat(300)}…`);
    expect(cell('<<<<', 2)).toBe('&#60;&#60;…');
  });
});

describe('controlIn: the first character an output may not carry', () => {
  test.each<[string, string | undefined]>([
    ['acmecompany', undefined],
    ['a b é 😀 ::x ##[y', undefined],
    ['a\nb', 'U+000A'],
    ['a\rb', 'U+000D'],
    ['a\tb', 'U+0009'],
    ['\u0000', 'U+0000'],
    ['x\u007f', 'U+007F'],
    ['x\u0085', 'U+0085'],
    ['x\u2028', 'U+2028'],
    ['x\u2029\n', 'U+2029'],
  ])('controlIn(%j) → %j', (input, expected) => {
    expect(controlIn(input)).toBe(expected);
  });
});
