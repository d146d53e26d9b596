import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";

/**
 * Nothing is skipped silently. At the end of a run, one loud line names every test that ran in
 * none of the projects it belongs to (see vitest.config.ts): a test that only one database can
 * run (a concurrency test is skipped on PGlite, a PGlite-only one on PostgreSQL) ran in the other
 * project and is not named. The usual cause is a missing service, which the line says.
 *
 * A run narrowed on purpose (`-t`, `.only`) skips what it left out; it names nothing.
 */
export class SkippedReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest) {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    const vitest = this.vitest;
    if (!vitest || vitest.config.testNamePattern || testModules.some(hasOnly)) return;
    const ran = new Set<string>();
    const skipped = new Map<string, TestCase>();
    for (const module of testModules) {
      // A file that failed (a hook timed out, say) leaves its tests unrun: its failure says so.
      if (module.state() === "failed") continue;
      for (const test of module.children.allTests()) {
        const key = `${module.moduleId} > ${test.fullName}`;
        if (test.result().state === "skipped") skipped.set(key, test);
        else ran.add(key);
      }
    }
    const groups = new Map<string, number>();
    let ranElsewhere = 0;
    for (const [key, test] of skipped) {
      if (ran.has(key)) {
        ranElsewhere++;
        continue;
      }
      const label = `${test.module.relativeModuleId} > ${outermostSkipped(test)}`;
      groups.set(label, (groups.get(label) ?? 0) + 1);
    }
    // The summary's "skipped" counts these too: say what they are.
    if (ranElsewhere) vitest.logger.log(`${ranElsewhere} of the skipped tests ran in the other project (they need its database).`);
    if (!groups.size) return;
    const count = [...groups.values()].reduce((a, b) => a + b, 0);
    const services = vitest.getRootProject().getProvidedContext().testServices;
    const why = services && !services.redisUrl ? " (this run has no Redis: set REDIS_URL, or put redis-server on PATH)" : "";
    const list = [...groups].map(([label, n]) => `${label} (${n})`).join("; ");
    vitest.logger.error(`\n!!! SKIPPED: ${count} test${count === 1 ? "" : "s"} ran in no project${why}: ${list}\n`);
  }
}

function hasOnly(module: TestModule): boolean {
  for (const test of module.children.allTests()) if (test.options.mode === "only") return true;
  for (const suite of module.children.allSuites()) if (suite.options.mode === "only") return true;
  return false;
}

/** The name of the outermost suite skipped with the test (a `describe.skipIf`), or the test's own. */
function outermostSkipped(test: TestCase): string {
  let name = test.fullName;
  for (let parent = test.parent; parent.type === "suite" && parent.options.mode === "skip"; parent = parent.parent) name = parent.fullName;
  return name;
}
