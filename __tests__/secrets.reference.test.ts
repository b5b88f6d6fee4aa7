/**
 * The redaction builds a secret's patterns only when a text could hold it. This holds it to
 * the eager redaction it replaced (kept below as it was, as the reference): for any secrets and
 * any text, above all text that holds them in any mix of encodings, both give the same output.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  base64Runs,
  forget,
  jsonEscaped,
  MIN_FRAGMENT_LENGTH,
  redact,
  remember,
  uriEscaped,
  xmlEscaped,
} from '../src/secrets.js';
import { clean } from '../src/text.js';

afterEach(() => forget());

// ---------------------------------------------------------------------------------------------
// The reference: every pattern of every secret built when it is remembered, all run on every text.
// ---------------------------------------------------------------------------------------------

const MAX_PATTERN_LENGTH = 4096;
// prettier-ignore
const JSON_SHORT: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', '\b': 'b', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't' };
const XML_NAMED: Record<string, string> = {
  '&': 'amp',
  '<': 'lt',
  '>': 'gt',
  '"': 'quot',
  "'": 'apos',
};

function literal(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += /[A-Za-z0-9 ]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return out;
}

function hex(n: number, width = 0): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (d) => `[${d.toUpperCase()}${d}]`);
}

function character(c: string): string {
  const code = c.codePointAt(0)!;
  const alternatives = [literal(c)];
  const bytes = Buffer.from(c, 'utf8');
  alternatives.push([...bytes].map((b) => `%${hex(b, 2)}`).join(''));
  if (c === ' ') alternatives.push('\\+');
  const units = [...Array(c.length).keys()].map((i) => c.charCodeAt(i));
  alternatives.push(units.map((u) => `\\\\[Uu]${hex(u, 4)}`).join(''));
  if (JSON_SHORT[c] !== undefined) alternatives.push(`\\\\${literal(JSON_SHORT[c])}`);
  if (XML_NAMED[c] !== undefined) alternatives.push(`&${XML_NAMED[c]};`);
  alternatives.push(`&#0*${code};`, `&#[Xx]0*${hex(code)};`);
  return `(?:${alternatives.join('|')})`;
}

function patternFor(secret: string): RegExp {
  let source = '';
  for (const c of secret) source += character(c);
  return new RegExp(source, 'g');
}

interface Redaction {
  length: number;
  pattern: RegExp;
}

const exactly = (text: string): Redaction => ({
  length: text.length,
  pattern: new RegExp(literal(text), 'g'),
});

function withoutQuotes(value: string): string | undefined {
  const m = /^(["'])([\s\S]*)\1$/.exec(value);
  return m && m[2] ? m[2] : undefined;
}

function wholeForms(secret: string): string[] {
  return [...new Set([secret, jsonEscaped(secret), uriEscaped(secret), xmlEscaped(secret)])];
}

function redactionsFor(secret: string): Redaction[] {
  const out: Redaction[] = [];
  const add = (value: string): void => {
    if (value.length <= MAX_PATTERN_LENGTH) {
      out.push({ length: value.length, pattern: patternFor(value) });
    } else {
      for (const form of wholeForms(value)) out.push(exactly(form));
    }
  };
  add(secret);
  const inner = withoutQuotes(secret);
  if (inner !== undefined && inner.length >= MIN_FRAGMENT_LENGTH) add(inner);
  const fragments = [...base64Runs(secret), clean(secret, Infinity)];
  for (const text of new Set(fragments)) {
    if (text.length >= MIN_FRAGMENT_LENGTH && text !== secret) out.push(exactly(text));
  }
  return out;
}

/** The eager redaction, for `secrets` remembered in this order. */
function reference(secrets: string[]): (text: string) => string {
  const known = new Set<string>();
  let redactions: Redaction[] = [];
  for (const secret of secrets) {
    if (!secret || known.has(secret)) continue;
    known.add(secret);
    redactions = [...redactions, ...redactionsFor(secret)].sort((a, b) => b.length - a.length);
  }
  return (text) => {
    let out = text;
    for (const r of redactions) out = out.replace(r.pattern, '***');
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Secrets, and text that holds them in every form the redaction knows, whole or in part.
// ---------------------------------------------------------------------------------------------

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/** Mutation runs set 0.1 (dev/stryker-setup.mjs): a tenth of the inputs. */
const RUNS_SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * RUNS_SCALE));

/** Characters each form escapes differently, the escape characters themselves, and others. */
// prettier-ignore
const UNITS = [
  'a', 'b', 'Z', '0', '9', '-', '_', '.', '~', ' ', ' ', '"', "'", '\\', '/', '&', '<', '>', '%',
  '+', '=', ':', '#', '[', ';', '*', '!', '(', '\n', '\r', '\t', '\b', '\u0001', '\u007f',
  '\u2028', 'é', 'ß', '中', '😀', '\ud800', '\udc00',
];
const unit = fc.constantFrom(...UNITS);

const secretArb = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit, minLength: 1, maxLength: 16 }) },
  // Quoted: its inside is a secret too.
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('"', "'"), fc.string({ unit, minLength: 1, maxLength: 12 }))
      .map(([q, inside]) => `${q}${inside}${q}`),
  },
  // As long as an access token, as base64url text.
  {
    weight: 1,
    arbitrary: fc.string({
      unit: fc.constantFrom(...'abcXYZ0189-_.'),
      minLength: 40,
      maxLength: 400,
    }),
  },
);

const upper = (h: string): string => h.toUpperCase();
const lower = (h: string): string => h.toLowerCase();
const pad = (text: string, zeros: number): string => '0'.repeat(zeros) + text;

/** One character as some message might write it: raw, or escaped in any way the redaction knows. */
const encodedCharacter = (c: string): fc.Arbitrary<string> => {
  const code = c.codePointAt(0)!;
  const units = [...Array(c.length).keys()].map((i) => c.charCodeAt(i).toString(16));
  const percent = [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`);
  const ways: fc.Arbitrary<string>[] = [
    fc.constant(c),
    fc.constantFrom(percent.join('').toUpperCase(), percent.join('')),
    fc
      .tuple(fc.constantFrom('u', 'U'), fc.constantFrom(upper, lower))
      .map(([u, cased]) => units.map((x) => `\\${u}${cased(x.padStart(4, '0'))}`).join('')),
    fc.nat(2).map((zeros) => `&#${pad(String(code), zeros)};`),
    fc
      .tuple(fc.constantFrom('x', 'X'), fc.constantFrom(upper, lower), fc.nat(2))
      .map(([x, cased, zeros]) => `&#${x}${pad(cased(code.toString(16)), zeros)};`),
  ];
  if (c === ' ') ways.push(fc.constant('+'));
  if (JSON_SHORT[c] !== undefined) ways.push(fc.constant(`\\${JSON_SHORT[c]}`));
  if (XML_NAMED[c] !== undefined) ways.push(fc.constant(`&${XML_NAMED[c]};`));
  return fc.oneof(...ways);
};

/** A text a secret could be in: each character raw or escaped at random. */
const mixedForm = (secret: string): fc.Arbitrary<string> =>
  fc.tuple(...[...secret].map(encodedCharacter)).map((parts) => parts.join(''));

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/** Every whole form the redaction knows, and what an encoder around the secret would write. */
const wholeForm = (secret: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      secret,
      jsonEscaped(secret),
      uriEscaped(secret),
      encodeURIComponent(secret.replace(/[\ud800-\udfff]/g, '\ufffd')),
      xmlEscaped(secret),
      clean(secret, Infinity),
      withoutQuotes(secret) ?? secret,
    ),
    fc
      .tuple(fc.constantFrom('', 'x', 'xy', 'user:'), fc.constantFrom('', 'z', ':more'))
      .chain(([before, after]) => {
        const encoded = b64(`${before}${secret}${after}`);
        return fc.constantFrom(encoded, encoded.replace(/\+/g, '-').replace(/\//g, '_'));
      }),
  );

/** A form of the secret, or a piece of one: near misses are what a wrong skip would hide. */
const formOf = (secret: string): fc.Arbitrary<string> =>
  fc
    .tuple(fc.oneof(mixedForm(secret), wholeForm(secret)), fc.boolean(), fc.nat(), fc.nat())
    .map(([form, whole, a, b]) => {
      if (whole || form.length < 2) return form;
      const [from, to] = [a % form.length, b % form.length];
      return form.slice(Math.min(from, to), Math.max(from, to) + 1);
    });

/** Secrets remembered in order, and texts that hold them (and other words) in every form. */
const caseArb = fc.array(secretArb, { minLength: 1, maxLength: 4 }).chain((secrets) => {
  const piece = fc.oneof(
    fc.string({ unit, maxLength: 8 }),
    // Words without any escape character, around forms that may hold only one.
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '-', '.'), maxLength: 8 }),
    fc.constantFrom(...secrets).chain(formOf),
  );
  const text = fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join(''));
  return fc.tuple(fc.constant(secrets), fc.array(text, { minLength: 1, maxLength: 5 }));
});

describe('the redaction gives what the eager one did', () => {
  test('for any secrets, on text that holds them in any mix of forms', () => {
    fc.assert(
      fc.property(caseArb, ([secrets, texts]) => {
        forget();
        for (const secret of secrets) remember(secret);
        const expected = reference(secrets);
        for (const text of texts) expect([text, redact(text)]).toEqual([text, expected(text)]);
      }),
      { seed: SEED, numRuns: runs(400) },
    );
  });

  test('with secrets remembered between texts, as a run learns them', () => {
    fc.assert(
      fc.property(caseArb, ([secrets, texts]) => {
        forget();
        secrets.forEach((secret, i) => {
          remember(secret);
          const expected = reference(secrets.slice(0, i + 1));
          for (const text of texts) expect([text, redact(text)]).toEqual([text, expected(text)]);
        });
      }),
      { seed: SEED, numRuns: runs(150) },
    );
  });

  test.each<[string, string[], string]>([
    ['a text only as long as the secret', ['sim-client-secret'], 'sim-client-secret'],
    ['a text one character shorter', ['sim-client-secret'], 'sim-client-secre'],
    ['a secret escaped, in text with no other escape', ['p@ss w/rd'], 'x p%40ss+w%2Frd y'],
    ['a space written +, the only escape in the text', ['p@ss w/rd'], 'x p@ss+w/rd y'],
    ['a one-character secret, whose *** makes the text longer', ['k', 'kk'], 'k kk kkk'],
    [
      'a short secret inside a longer one, replaced after it',
      ['abcdef', 'xxabcdefxx'],
      'xxabcdefxx abcdef xx&#97;bcdefxx',
    ],
    [
      `a secret longer than ${MAX_PATTERN_LENGTH} characters: whole forms only`,
      [`${'a b&'.repeat(1100)}`],
      `<${'a b&'.repeat(1100)}> <${uriEscaped('a b&'.repeat(1100))}> <${'a+b&'.repeat(1100)}>`,
    ],
    [
      `a secret of ${MAX_PATTERN_LENGTH} characters, escaped in part`,
      [`${'a b&'.repeat(1024)}`],
      `<${'a+b&amp;'.repeat(1024)}>`,
    ],
  ])('%s', (_, secrets, text) => {
    for (const secret of secrets) remember(secret);
    expect(redact(text)).toBe(reference(secrets)(text));
  });
});
