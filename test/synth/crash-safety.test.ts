import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recoverOutput, writeAtomically } from '../../lib/synth/writer.js';
import { TREE_SIZE, outputTree } from './fixtures/crash-tree.js';
import { budget } from '../load-budget.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CHILD = path.join(ROOT, 'test/synth/fixtures/crash-writer.ts');
/** Steps a write reports: locked, one per file (the objects and README.md), staged, ready, old-moved-aside, swapped, cleaned. */
const STEPS = 1 + TREE_SIZE + 1 + 5;
const OLD_MOVED_ASIDE = 1 + TREE_SIZE + 1 + 2;

/** Every file below `dir` with its bytes (as text), by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, 'latin1');
    }
  };
  walk(dir);
  return out;
}

/** The tree a complete write of `version` produces, written in this process into a fresh folder. */
function expectedTree(version: 'old' | 'new'): Record<string, string> {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'crash-expected-')), 'dist');
  writeAtomically(outputTree(version), dir, [{ path: 'README.md', text: `# ${version}\n` }]);
  return snapshot(dir);
}

function runChild(outdir: string, version: 'old' | 'new', killAt: number, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, outdir, version, String(killAt)], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

const OLD = expectedTree('old');
const NEW = expectedTree('new');

/** A folder whose dist/ holds the old tree. */
function withOldOutput(): { root: string; outdir: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'crash-'));
  const outdir = path.join(root, 'dist');
  writeAtomically(outputTree('old'), outdir, [{ path: 'README.md', text: '# old\n' }]);
  expect(snapshot(outdir)).toEqual(OLD);
  return { root, outdir };
}

describe('synth output crash safety (issue 13.5)', () => {
  it('GIVEN a write killed with SIGKILL after any of its steps WHEN the next synth starts THEN dist/ is byte for byte the old tree (killed before the swap) or the new one, with no leftovers', { timeout: budget(120_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: STEPS - 1 }), async (killAt) => {
        // GIVEN
        const { root, outdir } = withOldOutput();
        // WHEN the write is killed right after step `killAt`
        const { signal } = await runChild(outdir, 'new', killAt);
        expect(signal).toBe('SIGKILL');
        // THEN before recovery dist/ may be missing (killed between the two renames), and after it:
        recoverOutput(outdir);
        expect(snapshot(outdir)).toEqual(killAt < OLD_MOVED_ASIDE ? OLD : NEW);
        expect(readdirSync(root)).toEqual(['dist']);
      }),
      // Each run is one child process (~1 s on a loaded machine); the interesting points are few.
      { numRuns: 10, examples: [[OLD_MOVED_ASIDE], [OLD_MOVED_ASIDE - 1], [0]] },
    );
  });

  it('GIVEN a write killed at a random moment (wall clock) WHEN the next synth starts THEN dist/ is the old tree or the new one', { timeout: budget(120_000) }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 200, max: 1500 }), async (ms) => {
        const { root, outdir } = withOldOutput();
        await runChild(outdir, 'new', -1, ms);
        recoverOutput(outdir);
        expect([OLD, NEW]).toContainEqual(snapshot(outdir));
        expect(readdirSync(root)).toEqual(['dist']);
      }),
      { numRuns: 4 },
    );
  });

  it('GIVEN the leftovers of killed synths (no dist/, a previous tree, stale temp folders, a stale lock) WHEN the next synth starts THEN dist/ is restored and the rest removed', () => {
    // GIVEN a kill between the two renames of an old-style swap: only the previous tree is left
    const { root, outdir } = withOldOutput();
    const dead = 2 ** 22 + 12345; // above the default pid_max: no such process
    const previous = `${outdir}.previous-${dead}`;
    renameSync(outdir, previous);
    mkdirSync(`${outdir}.synth-${dead + 1}/acme`, { recursive: true });
    writeFileSync(`${outdir}.lock`, `${dead}\n`);
    // WHEN
    recoverOutput(outdir);
    // THEN
    expect(snapshot(outdir)).toEqual(OLD);
    expect(readdirSync(root)).toEqual(['dist']);
  });

  it('GIVEN two synths writing the same dist/ at once WHEN both finish THEN dist/ is exactly one of the two trees (the lock serialises them)', { timeout: budget(60_000) }, async () => {
    // GIVEN
    const { root, outdir } = withOldOutput();
    // WHEN
    const results = await Promise.all([runChild(outdir, 'new', -1), runChild(outdir, 'old', -1), runChild(outdir, 'new', -1)]);
    // THEN
    expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
    expect([OLD, NEW]).toContainEqual(snapshot(outdir));
    expect(readdirSync(root)).toEqual(['dist']);
    expect(existsSync(`${outdir}.lock`)).toBe(false);
  });
});
