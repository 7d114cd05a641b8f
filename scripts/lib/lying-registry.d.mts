export function startLyingRegistry(options: {
  origin: string;
  lifetimeMs?: number;
}): Promise<{ url: string; port: number; host: string; close: () => Promise<void> }>;
