import { spawnSync } from 'node:child_process';
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
  it('GIVEN a child process that holds 200 MiB WHEN a tree clock reports THEN the peak counts it on top of this process, and its CPU is counted', async () => {
    // GIVEN
    const clock = new PhaseClock({ tree: true });
    await new Promise((r) => setTimeout(r, 500)); // the sampler thread starts (the synth worker imports for ~1 s first)
    const ownBefore = process.memoryUsage.rss() / 2 ** 20;
    // WHEN a child touches 200 MiB, burns some CPU and holds it 300 ms (the sampler reads every 5 ms), then exits
    const child = spawnSync(process.execPath, ['-e', 'const b = Buffer.alloc(200 * 2 ** 20, 1); let x = 0; for (let i = 0; i < b.length; i += 4096) x += b[i]; const end = Date.now() + 300; while (Date.now() < end) x++; console.log(x > 0)']);
    expect(child.status).toBe(0);
    const report = reportOf(clock);
    // THEN
    expect(report.maxRssMiB).toBeGreaterThan(ownBefore + 190);
    expect(report.maxRssMiB).toBeGreaterThan(report.ownMaxRssMiB);
    expect(report.childCpuMs).toBeGreaterThanOrEqual(300);
    expect(report.cpuMs).toBeGreaterThanOrEqual(report.childCpuMs);
  });

  it('GIVEN no tree sampler WHEN it reports THEN the peak is the process\'s own', () => {
    const report = reportOf(new PhaseClock());
    expect(report.maxRssMiB).toBe(report.ownMaxRssMiB);
  });
});
