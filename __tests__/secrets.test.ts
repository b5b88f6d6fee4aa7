/** Redaction of known secrets from outside text, before it is cleaned or cut. */
import { afterEach, expect, test } from '@jest/globals';
import { forget, redact, remember, scrub } from '../src/secrets.js';
import { clean } from '../src/text.js';

afterEach(() => forget());

test.each([
  ['as is', ['s3cr3t'], 'bad s3cr3t here', 'bad *** here'],
  ['longest first', ['abc', 'abcdef'], 'x abcdef y abc', 'x *** y ***'],
  ['in the form clean() gives it', ['a\tb::c'], 'got a b: :c', 'got ***'],
  ['every occurrence', ['k'], 'kkk', '*********'],
  ['nothing known', [], 'plain text', 'plain text'],
])('redact: %s', (_, secrets, text, expected) => {
  for (const s of secrets) remember(s);
  expect(redact(text)).toBe(expected);
});

test('remember says whether the secret was new', () => {
  expect(remember('one')).toBe(true);
  expect(remember('one')).toBe(false);
  expect(remember('')).toBe(false);
});

test.each([
  ['a secret cut in half by the length limit', `${'x'.repeat(295)} SECRETVALUE`, 300],
  ['a secret split by a line break', 'before SECRET\nVALUE after', 300],
])('scrub removes %s', (_, text, max) => {
  remember('SECRETVALUE');
  remember('SECRET\nVALUE');
  const out = scrub(text, max);
  expect(out).not.toMatch(/SECRET|VALUE/);
  expect(out).not.toMatch(/[\r\n]/);
});

test.each([
  ['a:::b', 'a: : :b'],
  ['line one\n::error::x', 'line one : :error: :x'],
  ['  spaced \t out  ', 'spaced out'],
  ['\u0085\u2028x', 'x'],
])('clean(%j) → %j', (input, expected) => {
  expect(clean(input)).toBe(expected);
});

test('clean cuts at max characters, never inside a surrogate pair', () => {
  expect(clean('abcdef', 3)).toBe('abc…');
  expect(clean('ab😀cd', 3)).toBe('ab…');
});
