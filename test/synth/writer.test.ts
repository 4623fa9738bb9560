import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SynthesizedObject } from '../../lib/synth/synthesizer.js';
import { type OutputTextFile, type WriteStep, writeAtomically } from '../../lib/synth/writer.js';
import { outputTree } from './fixtures/crash-tree.js';

const PLAN: OutputTextFile = { path: 'acme/rollout-plan.md', text: '# plan\n' };

/** A written tree (a relative outdir, as runSynth's `dist`), and a write of the same objects that links every file in place. */
function written(): { outdir: string; objects: SynthesizedObject[]; again: (textFiles?: OutputTextFile[], linkFrom?: (o: SynthesizedObject) => string | undefined) => { steps: WriteStep[]; swapped: boolean } } {
  const outdir = path.relative(process.cwd(), path.join(mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-writer-')), 'dist'));
  const objects = outputTree('new');
  writeAtomically(objects, outdir, [PLAN]);
  const again = (textFiles = [PLAN], linkFrom: (o: SynthesizedObject) => string | undefined = (o) => path.join(outdir, o.path)) => {
    const steps: WriteStep[] = [];
    let swapped = false;
    writeAtomically(objects, outdir, textFiles, { onStep: (s) => steps.push(s), linkFrom, afterSwap: () => { swapped = true; } });
    return { steps, swapped };
  };
  return { outdir, objects, again };
}

/** Every file and folder below `dir`, with the files' text. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      out[`${entry.name}/`] = '';
      for (const [k, v] of Object.entries(tree(file))) out[`${entry.name}/${k}`] = v;
    } else out[entry.name] = readFileSync(file, 'utf8');
  }
  return out;
}

describe('writeAtomically of a tree that is already written', () => {
  it('GIVEN every object file unchanged in place and the same text files WHEN written again THEN nothing is written (the same folder stays) and afterSwap still runs', () => {
    const { outdir, again } = written();
    const before = { ino: statSync(outdir).ino, tree: tree(outdir) };
    const { steps, swapped } = again();
    expect(steps).toEqual(['locked', 'unchanged']);
    expect(swapped).toBe(true);
    expect(statSync(outdir).ino).toBe(before.ino);
    expect(tree(outdir)).toEqual(before.tree);
  });

  // The controls: each difference from the tree a write makes gets the full write, which makes exactly that tree.
  const cases: { name: string; change: (outdir: string, objects: SynthesizedObject[]) => { textFiles?: OutputTextFile[]; linkFrom?: (o: SynthesizedObject) => string | undefined } | void }[] = [
    { name: 'an extra file', change: (outdir) => writeFileSync(path.join(outdir, 'acme', 'stray.yaml'), 'x: 1\n') },
    { name: 'an extra empty folder', change: (outdir) => mkdirSync(path.join(outdir, 'acme', 'empty')) },
    { name: 'an extra symbolic link', change: (outdir) => symlinkSync('rollout-plan.md', path.join(outdir, 'acme', 'link.md')) },
    { name: 'a missing file', change: (outdir, objects) => ({ linkFrom: (o) => (o === objects[0] ? undefined : path.join(outdir, o.path)) }) },
    { name: 'an object file linked from elsewhere', change: (outdir, objects) => ({ linkFrom: (o) => (o === objects[0] ? path.join(`${outdir}-elsewhere`, o.path) : path.join(outdir, o.path)) }) },
    { name: 'a changed text file', change: () => ({ textFiles: [{ path: PLAN.path, text: '# plan, changed\n' }] }) },
    { name: 'a new text file', change: () => ({ textFiles: [PLAN, { path: 'acme/other-plan.md', text: '# other\n' }] }) },
  ];
  for (const { name, change } of cases) {
    it(`GIVEN ${name} WHEN written again THEN the tree is written and swapped in as usual`, () => {
      const { outdir, objects, again } = written();
      const expected = written();
      const options = change(outdir, objects) ?? {};
      if (options.textFiles) writeAtomically(expected.objects, expected.outdir, options.textFiles);
      const before = statSync(outdir).ino;
      const { steps, swapped } = again(options.textFiles, options.linkFrom);
      expect(steps).toContain('swapped');
      expect(steps).not.toContain('unchanged');
      expect(swapped).toBe(true);
      expect(statSync(outdir).ino).not.toBe(before);
      expect(tree(outdir)).toEqual(tree(expected.outdir));
    });
  }
});
