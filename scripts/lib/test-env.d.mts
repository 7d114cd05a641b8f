// Types for test-env.mjs, so TypeScript test setups can call it.
export interface StartedRegistry {
  /** What a browser uses: the registry itself, or the nginx CORS proxy in front of it. */
  url: string;
  port: number;
  /** Storage root (`docker/registry/v2/...` lives below it). */
  dataDir: string;
}
export interface TestUser {
  username: string;
  password: string;
  /** Repository actions the user is granted (htpasswd: every user can do everything). */
  actions: string[];
}
export interface AuthRegistry extends StartedRegistry {
  /** The registry without nginx (no CORS; Node tests may use it). */
  upstreamUrl: string;
  upstreamPort: number;
  /** The user who may push. */
  username: string;
  password: string;
  users: TestUser[];
}
export interface TokenRegistry extends AuthRegistry {
  /** Token endpoint, on the nginx origin. */
  realm: string;
  /** The token server without nginx. */
  tokenServerUrl: string;
  service: string;
  /** Anonymous callers may pull repositories whose name starts with this. */
  anonymousPullPrefix: string;
}
// A type alias (not an interface) so it stays assignable to Record<string, StartedRegistry>.
export type TestRegistries = {
  noauth: StartedRegistry;
  nocors: StartedRegistry;
  htpasswd: AuthRegistry;
  token: TokenRegistry;
};
export function startTestEnvironment(options?: { appOrigin?: string }): Promise<{
  work: string;
  registries: TestRegistries;
  stop: () => Promise<void>;
}>;
