import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { type ChildReport, PhaseClock } from '../../bench/child.js';

/** The report PhaseClock prints as its last stdout line. */
function reportOf(clock: PhaseClock): ChildReport {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    clock.report({ objects: 0, bytes: 0 });
    return JSON.parse(String(write.mock.calls.at(-1)![0]));
  } finally {
    write.mockRestore();
  }
}

describe.runIf(process.platform === 'linux')('bench child report: the process tree (runSynth verifies migrations in a child process)', () => {
  it('GIVEN a child process that holds 200 MiB WHEN a tree clock reports THEN the peak counts it on top of this process, and its CPU is counted', () => {
    // GIVEN a fresh process with a tree clock (vitest's own process has long reached a peak of its own, which would
    // hide whether the child was counted), WHEN a child touches 200 MiB and holds it while it burns 300 ms of CPU (its
    // own CPU, not 300 ms of wall time: on a loaded machine a busy loop of 300 ms wall got 260 ms of CPU; the sampler
    // reads every 5 ms), then exits
    const scenario = `
      import { spawnSync } from 'node:child_process';
      import { PhaseClock } from ${JSON.stringify(path.join(import.meta.dirname, '../../bench/child.ts'))};
      const clock = new PhaseClock({ tree: true });
      await clock.sampling(); // the sampler process has started (the synth worker imports for ~1 s first)
      const ownBefore = process.memoryUsage.rss() / 2 ** 20;
      const child = spawnSync(process.execPath, ['-e', 'const b = Buffer.alloc(200 * 2 ** 20, 1); let x = 0; for (let i = 0; i < b.length; i += 4096) x += b[i]; const t0 = process.cpuUsage(); const cpuMs = () => { const u = process.cpuUsage(t0); return (u.user + u.system) / 1000; }; while (cpuMs() < 300) x++; console.log(x > 0)']);
      if (child.status !== 0) throw new Error('the child failed');
      console.log(JSON.stringify({ ownBefore }));
      clock.report({ objects: 0, bytes: 0 });
    `;
    const run = runScenario(scenario);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    const { ownBefore } = JSON.parse(lines.at(-2)!) as { ownBefore: number };
    const report = JSON.parse(lines.at(-1)!) as ChildReport;
    // THEN the child's 200 MiB is on top of the process, which on its own never held it
    expect(report.maxRssMiB).toBeGreaterThan(ownBefore + 190);
    expect(report.ownMaxRssMiB).toBeLessThan(ownBefore + 100);
    expect(report.maxRssMiB).toBeGreaterThan(report.ownMaxRssMiB + 150);
    // AND its CPU is counted
    expect(report.childCpuMs).toBeGreaterThanOrEqual(300);
    expect(report.cpuMs).toBeGreaterThanOrEqual(report.childCpuMs);
  }, 30_000);

  it('GIVEN a tree clock WHEN it samples THEN the sampler adds nothing to the process\'s own memory (it is a process of its own, left out of the tree)', () => {
    // GIVEN two fresh processes alike but for the tree sampler (a worker thread until session 33: ~10 MiB of isolate in
    // the process's own RSS), each holding still for 1 s while it samples
    const ownPeak = (tree: boolean) => {
      const scenario = `import { PhaseClock } from ${JSON.stringify(path.join(import.meta.dirname, '../../bench/child.ts'))};
        const clock = new PhaseClock({ tree: ${tree} });
        await new Promise((r) => setTimeout(r, 1000));
        clock.report({ objects: 0, bytes: 0 });`;
      const run = runScenario(scenario);
      expect(run.status, run.stderr).toBe(0);
      return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as ChildReport;
    };
    // Three of each, interleaved, compared by their lowest figures: one process's peak varies by a few MiB with the
    // machine's load (CI read 6.4 MiB between two single runs at load 13), the thread's isolate was in every run.
    const plain: ChildReport[] = [];
    const sampled: ChildReport[] = [];
    for (let i = 0; i < 3; i++) {
      plain.push(ownPeak(false));
      sampled.push(ownPeak(true));
    }
    const lowest = (reports: ChildReport[], figure: (r: ChildReport) => number) => Math.min(...reports.map(figure));
    const plainOwn = lowest(plain, (r) => r.ownMaxRssMiB);
    // THEN the sampled process's own peak is the plain one's (a few MiB of noise; the thread added 8-10 MiB), and the
    // tree's figure does not count the sampler process either
    expect(lowest(sampled, (r) => r.ownMaxRssMiB) - plainOwn).toBeLessThan(5);
    expect(lowest(sampled, (r) => r.maxRssMiB) - plainOwn).toBeLessThan(5);
  }, 90_000);

  it('GIVEN no tree sampler WHEN it reports THEN the peak is the process\'s own', () => {
    const report = reportOf(new PhaseClock());
    expect(report.maxRssMiB).toBe(report.ownMaxRssMiB);
  });
});

/**
 * Runs `scenario` (an ES module's text, written to a file: not `-e` with `--input-type=module`, whose flags the
 * sampler's eval'd code would inherit) in a fresh process, started through a small node process: Linux keeps a
 * process's peak RSS (maxRSS) across fork and exec, so a process vitest starts directly reports vitest's own peak as
 * its own; one started by a small process does not.
 */
function runScenario(scenario: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'tree-clock-'));
  const file = path.join(dir, 'scenario.mjs');
  writeFileSync(file, scenario);
  const starter = `const r = require('node:child_process').spawnSync(process.execPath, ['--import', 'tsx', ${JSON.stringify(file)}], { stdio: 'inherit' }); process.exitCode = r.status ?? 1;`;
  const run = spawnSync(process.execPath, ['-e', starter], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return run;
}
