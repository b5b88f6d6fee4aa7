// Types for dev/release-tree.mjs, for the tests that check the release tree.
export interface SourceLinks {
  server: string;
  repository: string;
  sha: string;
}
export const root: string;
export function runsOf(text: string): Record<string, string>;
export function runtimeDirectories(runs: Record<string, string>): string[];
export function releaseFiles(repo?: string): {
  files: Array<{ name: string; mode: '100644' | '100755' }>;
  untracked: string[];
};
export function sourceLinks(repo?: string, env?: Record<string, string | undefined>): SourceLinks;
export function absoluteLinks(markdown: string, links: SourceLinks): string;
export function resolveTarget(dir: string, env?: Record<string, string | undefined>): string;
export function writeReleaseTree(
  dir: string,
  repo?: string,
  links?: SourceLinks,
): { files: string[]; untracked: string[]; bytes: number; links: SourceLinks };
