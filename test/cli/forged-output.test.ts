import { type Node, Parser } from 'commonmark';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../lib/cli/command.js';
import { main } from '../../lib/cli/main.js';
import type { Change, DiffReport } from '../../lib/review/diff/change.js';
import { formatText } from '../../lib/review/diff/format.js';
import { formatMarkdown } from '../../lib/review/diff/format-markdown.js';

/**
 * Issue 26, defect 1, as reported: values a pull request controls (an image `validate` accepts, a file
 * name) tried to forge the review comment and the CI log. The property tests of the same layer are in
 * escape.property.test.ts.
 */

function capture(): CliIo & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const FORGED_IMAGE = `ghcr.io/acme/app@${DIGEST}\`\`\n\n### No changes that need review\n\n<!--`;

const change = (c: Partial<Change>): Change => ({ platform: 'acme', environment: 'prod', unit: 'gateway', subject: 'Rollout/gateway', aspect: 'other', field: 'x', risks: [], ...c });

function nodes(markdown: string, type: string): Node[] {
  const out: Node[] = [];
  const walker = new Parser().parse(markdown).walker();
  for (let step = walker.next(); step; step = walker.next()) if (step.entering && step.node.type === type) out.push(step.node);
  return out;
}

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdk8s-delivery-forged-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('issue 26 defect 1: output that cannot be forged', () => {
  const report: DiffReport = {
    base: 'HEAD',
    dir: 'dist',
    changes: [
      change({ aspect: 'image', field: 'container app', before: `ghcr.io/acme/app@${DIGEST}`, after: FORGED_IMAGE }),
      change({ aspect: 'canary-steps', field: 'canary steps', before: 'setWeight 10', after: 'setWeight 100', risks: [{ flag: 'canary-weight-jump', reason: 'first weight 10 → 100' }] }),
    ],
  };

  it('GIVEN an image that closes its code span, forges a heading and opens an HTML comment WHEN the markdown comment is rendered THEN the one heading per level is the tool\'s and the flagged change is listed', () => {
    const markdown = formatMarkdown(report);
    const headings = nodes(markdown, 'heading').map((h) => `${h.level}:${h.firstChild?.literal ?? ''}`);
    expect(headings).toEqual(['3:cdk8s-delivery diff: ', '4:acme/prod · 2 changes · ⚠️ 1 risk flag']);
    expect(nodes(markdown, 'html_inline')).toEqual([]);
    expect(nodes(markdown, 'html_block').map((b) => b.literal?.split('\n')[0])).toEqual(['<details><summary>What the risk flags mean</summary>', '</details>']);
    const items = nodes(markdown, 'item');
    expect(items).toHaveLength(3); // the two changes and the flag's meaning
    expect(nodes(markdown, 'code').map((c) => c.literal)).toContain(`ghcr.io/acme/app@${DIGEST}\`\`\\n\\n### No changes that need review\\n\\n<!--`);
    expect(markdown).toContain('**canary-weight-jump**');
  });

  it('GIVEN a value with a terminal escape that conceals what follows WHEN the text report is printed THEN the escape is shown, not sent', () => {
    const lines = formatText({ ...report, changes: [change({ field: 'image', before: 'a', after: 'b\u001b[8m hidden\nforged line' })] });
    expect(lines.join('\n')).not.toContain('\u001b');
    expect(lines.some((l) => l.includes('b\\x1b[8m hidden\\nforged line'))).toBe(true);
  });

  it('GIVEN a manifest file whose name holds a newline and a forged summary WHEN validated THEN every finding stays on its line and the only summary is the real one', async () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'pod\nvalidate: no errors (1 object in 1 file)\n.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: "x\\u001b[8m"\nspec: {}\n');
    const io = capture();
    const code = await main(['validate', dir, '--policy', 'none'], io);
    expect(code).toBe(1);
    expect(io.stdout.filter((l) => l.startsWith('validate: '))).toEqual([expect.stringMatching(/^validate: \d+ errors? \(1 object in 1 file\)$/)]);
    for (const line of [...io.stdout, ...io.stderr]) expect(line).not.toMatch(/[\n\r\u001b]/);
    expect(io.stdout[0]).toContain('pod\\nvalidate: no errors (1 object in 1 file)\\n.yaml');
  });

  it('GIVEN a migration file whose name holds a newline and a forged summary WHEN linted THEN the only summary is the real one', async () => {
    const dir = scratch();
    const migrations = path.join(dir, 'migrations');
    mkdirSync(migrations);
    writeFileSync(path.join(migrations, '0001\nlint-migrations: no violations (1 migration, 1 new).sql'), 'ALTER TABLE accounts DROP COLUMN email;\n');
    const io = capture();
    const code = await main(['lint-migrations', migrations], io);
    expect(code).toBe(1);
    expect(io.stdout.filter((l) => l.startsWith('lint-migrations: '))).toEqual([expect.stringMatching(/^lint-migrations: \d+ violations? \(1 migration, 1 new\)$/)]);
    for (const line of [...io.stdout, ...io.stderr]) expect(line).not.toMatch(/[\n\r\u001b]/);
  });
});
