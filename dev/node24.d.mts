// Types for dev/node24.mjs.
export const NODE24_VERSION: string;
export const node24Path: string;
export function findNode24(): string | undefined;
export function ensureNode24(): string;
