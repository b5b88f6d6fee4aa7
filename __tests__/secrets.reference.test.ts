/**
 * The redaction held to what it promises, not to a copy of itself: secrets (hand-picked ones
 * with characters every encoding changes, and others drawn from a fixed seed) are encoded by
 * the encoders a message could have used (encodeURIComponent, URLSearchParams, JSON.stringify,
 * Buffer's base64 in longer data, XML and HTML escaping, and mixes of those, character by
 * character), put in text, and redacted. No piece of six characters or more of any form may be
 * left (the runner's own bound for fragments), and the text around it must be left as it was.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { forget, MIN_FRAGMENT_LENGTH, redact, remember } from '../src/secrets.js';

afterEach(() => forget());

const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
/** Mutation runs set 0.1 (dev/stryker-setup.mjs): a tenth of the inputs. */
const RUNS_SCALE = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
const runs = (n: number): number => Math.max(1, Math.round(n * RUNS_SCALE));

// ---------------------------------------------------------------------------------------------
// The encoders, as other programs write a secret into a message.
// ---------------------------------------------------------------------------------------------

const XML: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const xmlEscaped = (s: string) => s.replace(/[&<>"']/g, (c) => XML[c]!);
const unicodeEscaped = (s: string) =>
  [...Array(s.length).keys()]
    .map((i) => `\\u${s.charCodeAt(i).toString(16).padStart(4, '0')}`)
    .join('');
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());
const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);

/** Ways to write one character; a mixed form picks one for each. */
const PER_CHARACTER: Array<(c: string) => string> = [
  encodeURIComponent,
  (c) => lowerHex(encodeURIComponent(c)),
  jsonInner,
  unicodeEscaped,
  xmlEscaped,
  (c) => `&#${c.codePointAt(0)};`,
  (c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`,
];

/** Whole-value encoders. */
const WHOLE: Array<[string, (s: string) => string]> = [
  ['as it is', (s) => s],
  ['encodeURIComponent', encodeURIComponent],
  ['encodeURIComponent, lower-case hex', (s) => lowerHex(encodeURIComponent(s))],
  ['a form body (URLSearchParams)', (s) => new URLSearchParams({ v: s }).toString().slice(2)],
  ['JSON.stringify, inner part', jsonInner],
  ['JSON, ASCII only', (s) => jsonInner(s).replace(/[^\x20-\x7e]/g, unicodeEscaped)],
  ['XML escaping', xmlEscaped],
  ['HTML escaping, numeric', (s) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)],
];

/**
 * Bytes before and after the secret in longer data: 0, 1, 2, 5 and 10 bytes before it, so
 * that each of base64's three byte alignments occurs; always something after it, as in a
 * Basic credential or a JSON document (at the very end, the last character would carry the
 * secret's bits and padding only: the runner does not mask that one either).
 */
const AROUND: Array<[string, string]> = [
  ['', ':'],
  ['x', '"}'],
  ['xy', ' '],
  ['user:', '\n'],
  ['{"token":"', '"}'],
];
const ALPHABETS: Array<[string, BufferEncoding]> = [
  ['standard', 'base64'],
  ['URL-safe', 'base64url'],
];

interface Form {
  how: string;
  /** What the message holds. */
  text: string;
  /** What must not be left of it. */
  gone: string[];
}

/** Every piece of `text` of MIN_FRAGMENT_LENGTH characters (all of it, when shorter). */
const pieces = (text: string): string[] =>
  text.length <= MIN_FRAGMENT_LENGTH
    ? [text]
    : [...Array(text.length - MIN_FRAGMENT_LENGTH + 1).keys()].map((i) =>
        text.slice(i, i + MIN_FRAGMENT_LENGTH),
      );

/**
 * The characters of the base64 of `before + secret + after` that the secret's bytes alone
 * decide: those that stay the same when every byte around it is 0x00 and when it is 0xff.
 */
function secretRun(before: string, secret: string, after: string, alphabet: BufferEncoding) {
  const encode = (fill: number) =>
    Buffer.concat([
      Buffer.alloc(Buffer.byteLength(before), fill),
      Buffer.from(secret),
      Buffer.alloc(Buffer.byteLength(after), fill),
    ]).toString(alphabet);
  const [low, high] = [encode(0x00), encode(0xff)];
  const actual = Buffer.from(before + secret + after).toString(alphabet);
  const same = [...low].map((c, i) => c === high[i] && c !== '=');
  const start = same.indexOf(true);
  const end = same.lastIndexOf(true) + 1;
  return { text: actual, run: start < 0 ? '' : actual.slice(start, end) };
}

/** Every form of `secret`; `mix` picks the encoder of each character of the mixed one. */
function formsOf(secret: string, mix: number[]): Form[] {
  const chars = [...secret];
  const mixed = chars
    .map((c, i) => {
      const pick = mix[i % mix.length]!;
      return pick < PER_CHARACTER.length ? PER_CHARACTER[pick]!(c) : c;
    })
    .join('');
  const whole = [...WHOLE, ['mixed, character by character', () => mixed] as const].map(
    ([how, encode]) => {
      const text = encode(secret);
      return { how, text, gone: [...pieces(text), ...pieces(secret)] };
    },
  );
  const base64 = AROUND.flatMap(([before, after]) =>
    ALPHABETS.map(([alphabet, encoding]) => {
      const { text, run } = secretRun(before, secret, after, encoding);
      const how = `base64 (${alphabet}) after ${JSON.stringify(before)}`;
      // Shorter runs are four or five common letters: not redacted, by design.
      return { how, text, gone: run.length >= MIN_FRAGMENT_LENGTH ? pieces(run) : [] };
    }),
  );
  // A program that prints a value without its quotes (a shell, a YAML or CSV reader).
  const inner = /^(["'])(.+)\1$/s.exec(secret)?.[2];
  const unquoted =
    inner && inner.length >= MIN_FRAGMENT_LENGTH
      ? [{ how: 'without its quotes', text: inner, gone: pieces(inner) }]
      : [];
  return [...whole, ...unquoted, ...base64];
}

/** `|` is in no secret below and in no encoding of one: a redaction cannot reach across it. */
const LEFT = 'Domo said |';
const RIGHT = '| (HTTP 401: 100% sure, +1).';

/** What is left of `form`, put between LEFT and RIGHT, once redacted; and what changed around it. */
function leftOf(form: Form) {
  const [left, middle = '', right] = redact(`${LEFT}${form.text}${RIGHT}`).split('|');
  return {
    how: form.how,
    around: [`${left}|`, `|${right}`],
    left: form.gone.filter((piece) => middle.includes(piece)),
  };
}
/** What leftOf() gives when the redaction keeps its promise. */
const promised = (form: Form) => ({ how: form.how, around: [LEFT, RIGHT], left: [] });

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

const HAND_PICKED = [
  '&"<>é/+=%',
  'p@ss w/rd "x" & <y>',
  "it's a 'secret'",
  '"quoted from end to end"',
  ' leading and trailing ',
  'non-BMP 😀 𝄞 and 中文',
  'tab\tline\nbreak\r\u2028end',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln+bmF0/dXJl==',
];

// `*` is left out too: the redaction writes ***, which a piece of such a secret could match.
const unit = fc
  .oneof(
    { weight: 3, arbitrary: fc.constantFrom(...'abcXYZ0189') },
    { weight: 2, arbitrary: fc.constantFrom(...'&"<>é/+=%\' \\;:#?~!()[]{}.-_', '😀', '中') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  )
  .filter((c) => c !== '|' && c !== '*');
const secretArb = fc.string({ unit, minLength: 8, maxLength: 40 }).filter((s) => /\S/.test(s));
/** Which encoder each character of a mixed form gets: two in three stay as they are. */
const mixArb = fc.array(fc.nat(PER_CHARACTER.length * 3 - 1), { minLength: 1, maxLength: 12 });

describe('every form of a secret is redacted, and nothing around it', () => {
  test.each(HAND_PICKED.map((s) => [JSON.stringify(s), s]))('%s', (_, secret) => {
    remember(secret);
    // Each way of writing a character in turn, with a character as it is after each.
    const forms = formsOf(
      secret,
      [...PER_CHARACTER.keys()].flatMap((i) => [i, PER_CHARACTER.length]),
    );
    expect(forms.map(leftOf)).toEqual(forms.map(promised));
  });

  test('any secret, in any form', () => {
    fc.assert(
      fc.property(secretArb, mixArb, (secret, mix) => {
        forget();
        remember(secret);
        const forms = formsOf(secret, mix);
        expect([secret, forms.map(leftOf)]).toEqual([secret, forms.map(promised)]);
      }),
      { seed: SEED, numRuns: runs(120) },
    );
  });

  test('several secrets in one text, learnt one at a time: the others are left alone till then', () => {
    const words = fc.constantFrom('', ' ', 'token=', 'Basic ', '{"error":"', '"}', '<td>', '100%');
    const caseArb = fc
      .uniqueArray(secretArb, { minLength: 1, maxLength: 3 })
      // A secret inside another is redacted with it: that is not the text around it.
      .filter((list) => list.every((a, i) => list.every((b, j) => i === j || !b.includes(a))))
      .chain((secrets) =>
        fc.tuple(
          fc.constant(secrets),
          fc.array(fc.tuple(words, fc.nat(secrets.length - 1), mixArb, fc.nat()), {
            minLength: 1,
            maxLength: 4,
          }),
        ),
      );
    fc.assert(
      fc.property(caseArb, ([secrets, parts]) => {
        forget();
        const chosen = parts.map(([word, which, mix, n]) => {
          const forms = formsOf(secrets[which]!, mix);
          return { word, which, form: forms[n % forms.length]! };
        });
        const text = chosen.map((p) => `${p.word}|${p.form.text}|`).join('');
        secrets.forEach((secret, known) => {
          remember(secret);
          const segments = redact(text).split('|');
          chosen.forEach((p, i) => {
            const [word, middle] = [segments[2 * i], segments[2 * i + 1]!];
            const left =
              p.which <= known
                ? p.form.gone.filter((piece) => middle.includes(piece))
                : middle === p.form.text
                  ? []
                  : [`changed before it was known: ${JSON.stringify(middle)}`];
            expect([p.form.how, word, left]).toEqual([p.form.how, p.word, []]);
          });
        });
      }),
      { seed: SEED, numRuns: runs(100) },
    );
  });
});

describe('where the redaction draws its lines', () => {
  const long = 'a b&'.repeat(1100);
  test.each<[string, string[], string, string]>([
    ['a text only as long as the secret', ['sim-client-secret'], 'sim-client-secret', '***'],
    ['a text one character shorter', ['sim-client-secret'], 'sim-client-secre', 'sim-client-secre'],
    [
      'a secret escaped, in text with no other escape',
      ['p@ss w/rd'],
      'x p%40ss+w%2Frd y',
      'x *** y',
    ],
    ['a space written +, the only escape in the text', ['p@ss w/rd'], 'x p@ss+w/rd y', 'x *** y'],
    [
      'a one-character secret, whose *** makes the text longer',
      ['k', 'kk'],
      'k kk kkk',
      '*** *** ******',
    ],
    [
      'a short secret inside a longer one, replaced after it',
      ['abcdef', 'xxabcdefxx'],
      'xxabcdefxx abcdef xx&#97;bcdefxx',
      '*** *** ***',
    ],
    [
      'a secret longer than 4096 characters: its whole forms only, not one escaped in part',
      [long],
      `<${long}> <${encodeURIComponent(long)}> <${'a+b&'.repeat(1100)}>`,
      `<***> <***> <${'a+b&'.repeat(1100)}>`,
    ],
    [
      'a secret of 4096 characters, escaped in part',
      ['a&b '.repeat(1024)],
      `<${'a&amp;b+'.repeat(1024)}>`,
      '<***>',
    ],
  ])('%s', (_, secrets, text, expected) => {
    for (const secret of secrets) remember(secret);
    expect(redact(text)).toBe(expected);
  });
});
