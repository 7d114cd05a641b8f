export function freePort(): Promise<number>;
export function portInUse(port: number): Promise<boolean>;
export function waitForHttp(
  url: string,
  options?: { ok?: (status: number) => boolean; timeoutMs?: number; isAlive?: () => boolean },
): Promise<number>;
