// Starts the real registries for Node tests and hands their addresses to the tests through `inject`.
import type { TestProject } from 'vitest/node';
import { existsSync } from 'node:fs';
import { startTestEnvironment } from '../../scripts/lib/test-env.mjs';

export interface TestRegistry {
  url: string;
  port: number;
  dataDir: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    registries: Record<string, TestRegistry> | null;
  }
}

export default async function setup(project: TestProject) {
  if (!existsSync('/usr/bin/docker-registry')) {
    console.warn('docker-registry is not installed: registry tests will be skipped (npm test installs it).');
    project.provide('registries', null);
    return;
  }
  const env = await startTestEnvironment({ appOrigin: '*' });
  project.provide('registries', env.registries);
  return env.stop;
}
