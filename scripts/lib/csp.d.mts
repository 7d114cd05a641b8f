export const PAGE_CSP: string;
export const WORKER_CSP: string;
export const WORKER_SCRIPT: RegExp;
export function cspFor(path: string, fetchDest?: string): string;
