/**
 * The secrets this run knows. `publish.ts` registers them (and masks them with the runner);
 * anything that quotes text from outside scrubs them out first, before the text is cleaned or
 * cut, because a cleaned or truncated secret no longer matches the runner's mask.
 */
import { clean } from './text.js';

const known = new Set<string>();
let ordered: string[] = [];

/** Remembers a secret; false if it was already known. */
export function remember(secret: string): boolean {
  if (!secret || known.has(secret)) return false;
  known.add(secret);
  // Also the form clean() gives it, for text that was cleaned before it reached us.
  const cleaned = clean(secret, Infinity);
  const all = new Set([...ordered, secret, ...(cleaned.length >= 2 ? [cleaned] : [])]);
  ordered = [...all].sort((a, b) => b.length - a.length);
  return true;
}

/** For tests: forget every secret. */
export function forget(): void {
  known.clear();
  ordered = [];
}

/** Replaces every known secret in `text` with ***, longest first. */
export function redact(text: string): string {
  let out = text;
  for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

/** Outside text for a log line: secrets out first, then cleaned and bounded. */
export function scrub(text: string, max = 300): string {
  return clean(redact(text), max);
}
