// Types for dev/readme-tables.mjs, for the test that holds README.md's tables to action.yml.
export const root: string;
export const COMMAND: string;
export const TABLE_NAMES: string[];
export function markers(table: string): { start: string; end: string };
export function tableMarkdown(
  table: string,
  action: Record<string, unknown>,
  options?: Record<string, unknown>,
): Promise<string>;
export function withTables(
  readme: string,
  actionYml: string,
  options?: Record<string, unknown>,
): Promise<string>;
export function readmeOptions(file?: string): Promise<Record<string, unknown>>;
export function expectedReadme(): Promise<string>;
