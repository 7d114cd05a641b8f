/** Reading a Content-Security-Policy header: does it lock a worker down (no eval, no other origins)? */

/** The sources of each directive, names lowercased; the first occurrence of a directive counts (CSP3 §2.2.1). */
export function parseCsp(header: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources);
  }
  return out;
}

const SAFE_CONNECT = new Set(["'self'", "'none'"]);

/**
 * Why a worker under this policy (the header of its own script; several headers are joined by ", ") could still
 * evaluate strings as code or talk to another origin, or null when it can do neither. Every policy is enforced,
 * so each restriction needs only one policy that makes it.
 */
export function workerCspProblem(header: string | null): string | null {
  if (!header) return 'its script was served without a Content-Security-Policy header';
  let evalBlocked = false;
  let connectBlocked = false;
  for (const policy of header.split(',')) {
    const d = parseCsp(policy);
    const script = d.get('script-src') ?? d.get('default-src');
    const connect = d.get('connect-src') ?? d.get('default-src');
    if (script && !script.some((s) => s === "'unsafe-eval'" || s === '*' || /^[a-z][a-z0-9+.-]*:$/i.test(s)))
      evalBlocked = true;
    if (connect && connect.every((s) => SAFE_CONNECT.has(s))) connectBlocked = true;
  }
  const problems = [
    ...(evalBlocked ? [] : ['it allows eval or scripts from other origins']),
    ...(connectBlocked ? [] : ['it allows connections to other origins']),
  ];
  return problems.length ? `its Content-Security-Policy does not lock it down: ${problems.join(', ')}` : null;
}
