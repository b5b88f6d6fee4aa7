/** Redaction of known secrets, in every form, from outside text, before it is cleaned or cut. */
import { afterEach, describe, expect, test } from '@jest/globals';
import { secretForms as runnerForms } from '../dev/runner.mjs';
import {
  base64Runs,
  forget,
  jsonEscaped,
  knownSecrets,
  MIN_FRAGMENT_LENGTH,
  redact,
  remember,
  scrub,
  uriEscaped,
  xmlEscaped,
} from '../src/secrets.js';

afterEach(() => forget());

// First in the file: what redact() does before anything was remembered or forgotten.
test('before any secret is known, text passes unchanged', () => {
  const text = 'undefined, null, [object Object], *** and s3cr3t';
  expect(redact(text)).toBe(text);
  expect(knownSecrets()).toEqual([]);
});

describe('the forms of a secret', () => {
  test.each<[string, string, string, string]>([
    // value, JSON-escaped, Uri.EscapeDataString, XML-escaped
    ['plain-Value_1.~', 'plain-Value_1.~', 'plain-Value_1.~', 'plain-Value_1.~'],
    ['a"b\\c', 'a\\"b\\\\c', 'a%22b%5Cc', 'a&quot;b\\c'],
    ["it's (*)!", "it's (*)!", 'it%27s%20%28%2A%29%21', 'it&apos;s (*)!'],
    ['<a&b>', '<a&b>', '%3Ca%26b%3E', '&lt;a&amp;b&gt;'],
    ['l1\nl2\tx', 'l1\\nl2\\tx', 'l1%0Al2%09x', 'l1\nl2\tx'],
    ['é😀', 'é😀', '%C3%A9%F0%9F%98%80', 'é😀'],
    ['p@ss/w?rd#=+', 'p@ss/w?rd#=+', 'p%40ss%2Fw%3Frd%23%3D%2B', 'p@ss/w?rd#=+'],
  ])('%j: JSON %j, percent %j, XML %j', (value, json, uri, xml) => {
    expect(jsonEscaped(value)).toBe(json);
    expect(uriEscaped(value)).toBe(uri);
    expect(xmlEscaped(value)).toBe(xml);
  });

  test('base64 runs: the characters that the value alone decides, in each byte alignment', () => {
    // "abcdef" is YWJjZGVm; after one byte AGFiY2RlZg==, after two AABhYmNkZWY=.
    expect(base64Runs('abcdef')).toEqual(['YWJjZGVm', 'FiY2RlZ', 'hYmNkZW']);
    for (const prefix of ['', 'x', 'xy', 'user:', 'Basic x:']) {
      for (const suffix of ['', 'z', 'zz', ':more']) {
        const encoded = Buffer.from(`${prefix}abcdef${suffix}`).toString('base64');
        expect(base64Runs('abcdef').some((run) => encoded.includes(run))).toBe(true);
      }
    }
  });

  test('base64 runs of a short value are short or empty; URL-safe ones are included', () => {
    expect(base64Runs('a')).toEqual(['Y', '', 'h']);
    expect(base64Runs('\u00ff\u00fe\u00fd\u00fc')).toEqual([
      'w7/DvsO9w7',
      'w7_DvsO9w7',
      'O/w77DvcO8',
      'O_w77DvcO8',
      'Dv8O+w73Dv',
      'Dv8O-w73Dv',
    ]);
  });

  test('a lone surrogate counts as U+FFFD, as .NET encodes it', () => {
    expect(base64Runs('ab\ud800cdef')).toEqual(base64Runs('ab\ufffdcdef'));
    expect(uriEscaped('ab\udc00')).toBe('ab%EF%BF%BD');
  });
});

describe('redact', () => {
  test.each([
    ['as is', ['s3cr3t'], 'bad s3cr3t here', 'bad *** here'],
    ['longest first', ['abc', 'abcdef'], 'x abcdef y abc', 'x *** y ***'],
    ['in the form clean() gives it', ['a\tb::c'], 'got a b: :c', 'got ***'],
    ['every occurrence', ['k'], 'kkk', '*********'],
    ['a one-character secret, raw only', ['Y'], 'Y YQ== %59', '*** ***Q== ***'],
    ['nothing known', [], 'plain text', 'plain text'],
  ])('%s', (_, secrets, text, expected) => {
    for (const s of secrets) remember(s);
    expect(redact(text)).toBe(expected);
  });

  const SECRET = 'p@ss w/rd"&<é*~';
  const b64 = (text: string) => Buffer.from(text).toString('base64');
  test.each<[string, string]>([
    ['raw', SECRET],
    ['JSON-escaped', JSON.stringify(SECRET)],
    ['Uri.EscapeDataString', uriEscaped(SECRET)],
    ['encodeURIComponent', encodeURIComponent(SECRET)],
    ['form-encoded (space as +)', new URLSearchParams({ s: SECRET }).toString()],
    ['percent-encoded, lower-case hex', uriEscaped(SECRET).replace(/%../g, (h) => h.toLowerCase())],
    ['percent-encoded in part', 'p%40ss%20w/rd%22&<%C3%A9*~'],
    ['XML-escaped', xmlEscaped(SECRET)],
    ['HTML numeric references', [...SECRET].map((c) => `&#${c.codePointAt(0)};`).join('')],
    [
      'HTML hex references',
      [...SECRET].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(''),
    ],
    [
      'JSON \\u escapes',
      [...SECRET].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    ],
    ['base64', b64(SECRET)],
    ['base64 after one byte', b64(`:${SECRET}`)],
    ['base64 after two bytes (Basic user:secret)', b64(`u:${SECRET}`)],
    ['base64 in the middle of more', b64(`user:${SECRET}:and more`)],
    ['base64url', b64(`xy${SECRET}`).replace(/\+/g, '-').replace(/\//g, '_')],
  ])('removes the secret %s', (_, form) => {
    remember(SECRET);
    const out = redact(`before ${form} after`);
    expect(out).toContain('***');
    expect(out.startsWith('before ')).toBe(true);
    for (const f of runnerForms(SECRET)) expect(out).not.toContain(f);
  });

  test('removes a secret given in quotes when it shows without them', () => {
    remember('"quoted-secret"');
    expect(redact('got quoted-secret and "quoted-secret"')).toBe('got *** and ***');
  });

  test.each([
    ['"abcdef"', 'abcdef', '***'],
    ["'abcdef'", 'abcdef', '***'],
    [`"abcde": fewer than ${MIN_FRAGMENT_LENGTH} characters inside`, 'abcde', 'abcde'],
    ['"abcdef"-tail: quotes only around all of it', 'abcdef', 'abcdef'],
    ['head"abcdef": quotes only around all of it', 'abcdef', 'abcdef'],
    ['"abcdef\': quotes that do not match', 'abcdef', 'abcdef'],
  ])('the inside of %s alone: %j becomes %j', (secret, shown, expected) => {
    remember(secret.split(/: /)[0]!);
    expect(redact(shown)).toBe(expected);
  });

  test('every form the runner emulator looks for is redacted', () => {
    for (const secret of ['sim-client-secret', 'p@ss w/rd"&<é', "'quoted value'", 'a\nb\r\nc']) {
      forget();
      remember(secret);
      for (const form of runnerForms(secret))
        expect([form, redact(`<${form}>`)]).toEqual([form, '<***>']);
    }
  });

  test.each(['"', '\\', '/', '\b', '\f', '\n', '\r', '\t'])(
    'a %j echoed JSON-escaped (a backslash and a letter) is redacted',
    (c) => {
      const secret = `ab${c}cdef`;
      const escaped = JSON.stringify(secret).slice(1, -1).replace('/', '\\/');
      remember(secret);
      expect(redact(`got ${escaped}!`)).toBe('got ***!');
    },
  );

  test.each([
    ['&', '&amp;'],
    ['<', '&lt;'],
    ['>', '&gt;'],
    ['"', '&quot;'],
    ["'", '&apos;'],
  ])('a %j echoed as %j is redacted', (c, entity) => {
    remember(`ab${c}cdef`);
    expect(redact(`got ab${entity}cdef!`)).toBe('got ***!');
  });

  test('a character beyond U+FFFF echoed as two \\u escapes is redacted', () => {
    remember('pass😀word');
    expect(redact('got pass\\ud83d\\uDE00word!')).toBe('got ***!');
  });

  test(`a fragment of ${MIN_FRAGMENT_LENGTH} characters is redacted on its own; of fewer, it is not`, () => {
    // The form clean() gives a secret with a control character in it: a space instead.
    remember('abc\u0001de');
    remember('xy\u0001zw');
    expect(redact('abc de and xy zw')).toBe('*** and xy zw');
  });

  test.each([
    [4096, 'every form: the pattern per character', true],
    [4097, 'whole forms only: a pattern that long costs more than it finds', false],
  ])('a secret of %d characters: %s', (length, _, partlyEncodedRedacted) => {
    const secret = `${'a b'.repeat(1366)}xyz`.slice(0, length);
    expect(secret).toHaveLength(length);
    remember(secret);
    expect(redact(`<${secret}> <${secret}>`)).toBe('<***> <***>');
    expect(redact(`<${uriEscaped(secret)}>`)).toBe('<***>');
    const formEncoded = secret.replace(/ /g, '+');
    expect(redact(formEncoded)).toBe(partlyEncodedRedacted ? '***' : formEncoded);
  });

  test('leaves text that only resembles a secret', () => {
    remember('p@ss w/rd');
    // A + stands for a space only.
    const text =
      'p@ss w/rx, p%40ss, cEBzcyB3L3J4, p&#64;ss w, +@ss w/rd, undefined, p&undefined;ss w/rd';
    expect(redact(text)).toBe(text);
  });

  test('a short secret leaves base64 text alone: its runs would be ordinary letters', () => {
    remember('abc');
    expect(redact('YWJj is the base64 of abc')).toBe('YWJj is the base64 of ***');
  });

  test('stays fast on a megabyte of near-misses', () => {
    remember('secret-value-0123456789');
    const text = 'secret-value-012345678 %73%65 \\u0073 &#115; '.repeat(25_000);
    const started = performance.now();
    expect(redact(text)).toBe(text);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});

test('remember says whether the secret was new; knownSecrets lists them as given', () => {
  expect(remember('one')).toBe(true);
  expect(remember('one')).toBe(false);
  expect(remember('')).toBe(false);
  expect(remember(' two\n')).toBe(true);
  expect(knownSecrets()).toEqual(['one', ' two\n']);
});

test.each([
  ['a secret cut in half by the length limit', `${'x'.repeat(295)} SECRETVALUE`, 300],
  ['a secret split by a line break', 'before SECRET\nVALUE after', 300],
  ['a JSON-escaped secret with a line break', 'before SECRET\\nVALUE after', 300],
])('scrub removes %s', (_, text, max) => {
  remember('SECRETVALUE');
  remember('SECRET\nVALUE');
  const out = scrub(text, max);
  expect(out).not.toMatch(/SECRET|VALUE/);
  expect(out).not.toMatch(/[\r\n]/);
});
