/**
 * setupFilesAfterEnv for the functions and e2e projects: a test fails when the code under test
 * logs an unexpected error (answered INTERNAL) — bad input must always get a typed error, so an
 * INTERNAL during the suite is a bug, even when the test's own assertions pass.
 */
const MARKERS = ['[dinghuo] unexpected error', '[local] request failed'];
const seen: string[] = [];
const original = console.error.bind(console);

console.error = (...args: unknown[]) => {
  const first = typeof args[0] === 'string' ? args[0] : '';
  if (MARKERS.some((m) => first.startsWith(m))) {
    const cause = args[1] instanceof Error ? (args[1].stack ?? args[1].message) : String(args[1]);
    seen.push(`${first} ${cause}`);
  }
  original(...args);
};

function check(): void {
  if (seen.length === 0) return;
  const found = seen.splice(0);
  throw new Error(`INTERNAL logged during this test (${found.length}):\n${found.join('\n')}`);
}

afterEach(check);
afterAll(check);
