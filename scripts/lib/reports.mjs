// The failed tests in Vitest's and Playwright's JSON reports, one line of name and one of error each: `npm test`
// prints them last, because CI keeps only the tail of the output.

/** The first line of a failure message, without colour codes, cut to one terminal line. */
function firstLine(text = '') {
  const line =
    text
      .replace(new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g'), '')
      .split('\n')
      .find((l) => l.trim()) ?? '';
  return line.trim().slice(0, 200);
}

/** Failed tests (and files that failed without a test, such as an import error) of a Vitest JSON report. */
export function vitestFailures(report, root) {
  const out = [];
  for (const file of report.testResults) {
    const name = file.name.startsWith(root) ? file.name.slice(root.length) : file.name;
    const failed = file.assertionResults.filter((t) => t.status === 'failed');
    for (const t of failed) out.push(`${name} › ${t.fullName}\n      ${firstLine(t.failureMessages[0])}`);
    if (file.status === 'failed' && !failed.length)
      out.push(`${name} (file)\n      ${firstLine(file.message)}`);
  }
  return out;
}

/** Tests of a Playwright JSON report that ended other than expected (retries included, the last error shown). */
export function playwrightFailures(report, testDir = 'tests/e2e') {
  const out = [];
  const walk = (suite, titles) => {
    const here = suite.title && suite.title !== suite.file ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? [])
      for (const t of spec.tests)
        if (t.status === 'unexpected') {
          const where = `${testDir}/${spec.file}:${spec.line}`;
          const error = t.results.at(-1)?.errors?.[0]?.message;
          out.push(`${where} › ${[...here, spec.title].join(' › ')}\n      ${firstLine(error)}`);
        }
    for (const child of suite.suites ?? []) walk(child, here);
  };
  for (const suite of report.suites) walk(suite, []);
  return out;
}
