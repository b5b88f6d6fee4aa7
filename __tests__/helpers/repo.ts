/** The repository's own files, for tests that hold docs and metadata to action.yml. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

export type Mapping = Record<string, unknown>;
export const isMapping = (value: unknown): value is Mapping =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const mapping = (value: unknown): Mapping => (isMapping(value) ? value : {});
export const nonEmptyString = (value: unknown): boolean =>
  typeof value === 'string' && value.trim() !== '';

export const action = mapping(YAML.parse(read('action.yml')));
export const actionInputs = mapping(action.inputs);
export const actionOutputs = mapping(action.outputs);
