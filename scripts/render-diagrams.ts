/**
 * Renders the rollout plans' Mermaid diagrams to PNG with headless Chromium and the Mermaid library from
 * node_modules, to look at them (not a test: a human checks the pictures).
 *
 *   npx tsx scripts/render-diagrams.ts [--platform bitvault] [--environment prod] [--out /tmp/rollout-plan]
 *
 * The plans are synthesized in memory from the reference platforms (dist/ is not touched). Each diagram
 * gets its own page (file://, Mermaid loaded from node_modules/mermaid/dist/mermaid.min.js) and its own
 * screenshot `<out>-<n>.png`. Needs Chromium at /usr/bin/chromium (or $CHROMIUM).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { referencePlatforms } from '../apps/main.js';
import { rolloutPlans } from '../lib/review/diagrams/rollout-plan.js';
import { synthesize } from '../lib/synth/synthesizer.js';

const { values } = parseArgs({
  options: {
    platform: { type: 'string', default: 'bitvault' },
    environment: { type: 'string', default: 'prod' },
    out: { type: 'string', default: '/tmp/rollout-plan' },
    width: { type: 'string', default: '1400' },
    height: { type: 'string', default: '2000' },
  },
});

const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const mermaidJs = pathToFileURL(resolve('node_modules/mermaid/dist/mermaid.min.js')).href;
const plan = rolloutPlans(synthesize(referencePlatforms())).find((p) => p.path === `${values.platform}/${values.environment}/ROLLOUT-PLAN.md`);
if (!plan) {
  console.error(`no rollout plan for ${values.platform}/${values.environment}`);
  process.exit(2);
}

const blocks = [...plan.text.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
const titles = ['Sync order', ...[...plan.text.matchAll(/^### (.*)$/gm)].map((m) => m[1])];
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const work = mkdtempSync(join(tmpdir(), 'render-diagrams-'));
try {
  blocks.forEach((source, i) => {
    const page = join(work, `diagram-${i + 1}.html`);
    writeFileSync(page, `<!doctype html><html><head><meta charset="utf-8"><style>body{font-family:sans-serif;margin:16px;background:#fff}</style></head>
<body><h3>${escapeHtml(`${values.platform}/${values.environment}: ${titles[i] ?? ''}`)}</h3>
<pre class="mermaid">${escapeHtml(source)}</pre>
<script src="${mermaidJs}"></script>
<script>mermaid.initialize({ startOnLoad: true, securityLevel: 'strict', flowchart: { useMaxWidth: true } });</script>
</body></html>`);
    const png = `${values.out}-${i + 1}.png`;
    const profile = mkdtempSync(join(tmpdir(), 'render-diagrams-profile-'));
    const result = spawnSync(chromium, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--hide-scrollbars',
      '--allow-file-access-from-files', '--virtual-time-budget=15000',
      `--window-size=${values.width},${values.height}`, `--screenshot=${png}`, pathToFileURL(page).href,
    ], { encoding: 'utf8', timeout: 120_000 });
    rmSync(profile, { recursive: true, force: true });
    if (result.status !== 0) {
      console.error(`chromium failed for diagram ${i + 1}: ${result.error?.message ?? result.stderr.trim().split('\n').slice(-1)[0]}`);
      process.exitCode = 1;
    } else {
      console.log(`${png}  ${titles[i] ?? ''}`);
    }
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
