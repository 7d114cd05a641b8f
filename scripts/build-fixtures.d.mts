export function buildArgs(watFile: string): string[];
