/**
 * The secrets this run knows, and their redaction from any text before it is printed.
 *
 * `publish.ts` registers them (and masks them with the runner); every line it writes is
 * redacted here first, before it is cleaned or cut, because a cleaned or truncated secret no
 * longer matches anything.
 *
 * GitHub's runner masks, for every secret, the value and the forms it takes when something
 * encodes it: JSON-escaped, percent-encoded (`Uri.EscapeDataString`), XML-escaped, base64 in
 * its three byte alignments, and without surrounding quotes. Other runners (act, Gitea,
 * Forgejo) mask the value only, so the action redacts every one of those forms itself; and
 * more: each character of a secret may show raw or escaped in any of those ways, so that a
 * message that encodes only some characters (a Java URLEncoder's `+` for a space, lower-case
 * hex, `&#39;`) is redacted too.
 */
import { clean } from './text.js';

/**
 * Derived fragments (base64 runs, a value without its quotes, the form clean() gives) shorter
 * than this are not redacted on their own: a base64 run of a three-character secret is four
 * common letters, and replacing those everywhere would destroy the log. The runner draws the
 * same line for its own fragments (six characters), and masks whole values of any length.
 */
export const MIN_FRAGMENT_LENGTH = 6;

/** Longer secrets get their exact forms only: a per-character pattern that long costs more than it finds. */
const MAX_PATTERN_LENGTH = 4096;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The value inside a JSON string, as JSON.stringify writes it. */
export function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** Percent-encoding as .NET's Uri.EscapeDataString does it: all but RFC 3986's unreserved characters. */
export function uriEscaped(value: string): string {
  return encodeURIComponent(value.replace(LONE_SURROGATE, '\ufffd')).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** XML-escaped, as .NET's SecurityElement.Escape does it. */
export function xmlEscaped(value: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&apos;',
  };
  return value.replace(/[&<>"']/g, (c) => entities[c]!);
}

/**
 * The base64 of `value` wherever it sits in longer data: for each of the three byte alignments
 * (the value first, or after one or two other bytes), the characters that depend on the
 * value's bytes alone, without the unstable ones at either edge. Standard and URL-safe alphabets.
 */
export function base64Runs(value: string): string[] {
  // A lone surrogate becomes U+FFFD's bytes, as in .NET's UTF-8 encoder.
  const bytes = Buffer.from(value, 'utf8');
  const runs: string[] = [];
  for (const shift of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64');
    // Character i of base64 carries bits [6i, 6i + 6) of the data.
    const first = Math.ceil((shift * 8) / 6);
    const end = Math.floor(((shift + bytes.length) * 8) / 6);
    const run = encoded.slice(first, Math.max(first, end));
    runs.push(run, run.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...new Set(runs)];
}

/** The value without the quotes around it, when it has them. */
function withoutQuotes(value: string): string | undefined {
  const m = /^(["'])([\s\S]*)\1$/.exec(value);
  return m && m[2] ? m[2] : undefined;
}

/** The value and the forms that encode all of it (never shorter than the value). */
function wholeForms(secret: string): string[] {
  return [...new Set([secret, jsonEscaped(secret), uriEscaped(secret), xmlEscaped(secret)])];
}

// ---------------------------------------------------------------------------------------------
// A pattern per secret: each character raw, percent-encoded, JSON-escaped or an XML/HTML entity.
// ---------------------------------------------------------------------------------------------

const JSON_SHORT: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
};
const XML_NAMED: Record<string, string> = {
  '&': 'amp',
  '<': 'lt',
  '>': 'gt',
  '"': 'quot',
  "'": 'apos',
};

/** A regex source matching `text` literally. */
function literal(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += /[A-Za-z0-9 ]/.test(c) ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** Hex digits in either case: `2f` → `2[Ff]`. */
function hex(n: number, width = 0): string {
  return n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (d) => `[${d.toUpperCase()}${d}]`);
}

function character(c: string): string {
  const code = c.codePointAt(0)!;
  const alternatives: string[] = [];
  const bytes = Buffer.from(c, 'utf8');
  alternatives.push([...bytes].map((b) => `%${hex(b, 2)}`).join(''));
  if (c === ' ') alternatives.push('\\+');
  const units = [...Array(c.length).keys()].map((i) => c.charCodeAt(i));
  alternatives.push(units.map((u) => `\\\\[Uu]${hex(u, 4)}`).join(''));
  if (JSON_SHORT[c] !== undefined) alternatives.push(`\\\\${literal(JSON_SHORT[c])}`);
  if (XML_NAMED[c] !== undefined) alternatives.push(`&${XML_NAMED[c]};`);
  alternatives.push(`&#0*${code};`, `&#[Xx]0*${hex(code)};`);
  // The character as it is comes last: tried first, it would win over its own escape (`%`
  // before `%25`, `&` before `&amp;`) and leave the escape's tail after the stars.
  alternatives.push(literal(c));
  return `(?:${alternatives.join('|')})`;
}

function patternFor(secret: string): RegExp {
  let source = '';
  for (const c of secret) source += character(c);
  return new RegExp(source, 'g');
}

// ---------------------------------------------------------------------------------------------
// The registry
// ---------------------------------------------------------------------------------------------

/**
 * What redact() replaces, tried longest first. Nothing is built until a text could hold it.
 * Every form of a value is at least as long as the value (each character shows as itself, as
 * a longer escape, or a space as `+`), so a shorter text is skipped. Every escape holds `%`,
 * `+`, `\` or `&`: in a text with none of those the value can only show as itself, found
 * without a pattern; in a text with a few, some piece of it must (couldHold). Most log lines
 * are shorter than a token, and few hold an escape. A pattern, once built, is kept.
 */
interface Redaction {
  /** The exact text, or the value whose per-character pattern is replaced. */
  value: string;
  /** Whether each character of `value` may show escaped. */
  escaped: boolean;
  pattern?: RegExp;
}

/** Characters without which no escaped form of any character can be written. */
const ESCAPES = /[%+\\&]/g;

/** More escapes than this in a text, and the pieces rule out too little to be worth the search. */
const MAX_ESCAPES_TO_CHECK = 8;

/**
 * Whether a text holding `escapes` escape characters could hold `value` with some of its
 * characters escaped. Each escaped character takes one of them at least, so of `escapes + 1`
 * pieces of the value, one at least shows as it is.
 */
function couldHold(text: string, value: string, escapes: number): boolean {
  const chars = [...value];
  if (escapes >= Math.min(chars.length, MAX_ESCAPES_TO_CHECK)) return true;
  const size = chars.length / (escapes + 1);
  for (let i = 0; i <= escapes; i++) {
    const piece = chars.slice(Math.round(i * size), Math.round((i + 1) * size)).join('');
    if (text.includes(piece)) return true;
  }
  return false;
}

const known = new Set<string>();
let redactions: Redaction[] = [];

function redactionsFor(secret: string): Redaction[] {
  const out: Redaction[] = [];
  const add = (value: string): void => {
    if (value.length <= MAX_PATTERN_LENGTH) {
      out.push({ value, escaped: true });
    } else {
      for (const form of wholeForms(value)) out.push({ value: form, escaped: false });
    }
  };
  add(secret);
  const inner = withoutQuotes(secret);
  if (inner !== undefined && inner.length >= MIN_FRAGMENT_LENGTH) add(inner);
  // Its base64 runs, and the form clean() gives it (for text cleaned before it was known).
  const fragments = [...base64Runs(secret), clean(secret, Infinity)];
  for (const text of new Set(fragments)) {
    // The value itself is its pattern's first match already.
    if (text.length >= MIN_FRAGMENT_LENGTH && text !== secret) {
      out.push({ value: text, escaped: false });
    }
  }
  return out;
}

/** Remembers a secret; false if it was already known. */
export function remember(secret: string): boolean {
  if (!secret || known.has(secret)) return false;
  known.add(secret);
  // A stable sort: of two forms as long, the one remembered first is replaced first.
  redactions = [...redactions, ...redactionsFor(secret)].sort(
    (a, b) => b.value.length - a.value.length,
  );
  return true;
}

/** The secrets registered so far, as they were given (for handing over to the post step). */
export function knownSecrets(): string[] {
  return [...known];
}

/** For tests: forget every secret. */
export function forget(): void {
  known.clear();
  redactions = [];
}

/** Replaces every known secret in `text`, in every form, with ***, longest first. */
export function redact(text: string): string {
  let out = text;
  // Replacing adds no escape character (*** holds none): the count stays an upper bound.
  const escapes = text.match(ESCAPES)?.length ?? 0;
  for (const r of redactions) {
    if (out.length < r.value.length) continue;
    if (!r.escaped || escapes === 0) {
      out = out.replaceAll(r.value, '***');
    } else if (couldHold(out, r.value, escapes)) {
      r.pattern ??= patternFor(r.value);
      out = out.replace(r.pattern, '***');
    }
  }
  return out;
}

/** Outside text for a log line: secrets out first, then cleaned and bounded. */
export function scrub(text: string, max = 300): string {
  return clean(redact(text), max);
}
