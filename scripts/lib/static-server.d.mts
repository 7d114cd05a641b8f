export function startStaticServer(options: {
  root: string;
  port: number;
  getConfig?: () => unknown;
}): Promise<{ url: string; port: number; close: () => Promise<void> }>;
