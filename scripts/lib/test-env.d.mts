// Types for test-env.mjs, so TypeScript test setups can call it.
export interface StartedRegistry {
  url: string;
  port: number;
  dataDir: string;
}
export function startTestEnvironment(options?: { appOrigin?: string }): Promise<{
  work: string;
  registries: Record<string, StartedRegistry>;
  stop: () => Promise<void>;
}>;
