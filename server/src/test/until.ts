/**
 * Waits for a condition the test cannot be told about directly (another process's state, a
 * database session's), checking it every few milliseconds. The deadline only bounds a failing
 * run: a passing one goes on the moment the condition holds, so no test depends on how long
 * anything takes.
 */
export async function until(holds: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
