import DOMPurify from 'dompurify';

/**
 * Mermaid's own parser in Node. Mermaid sanitizes labels with DOMPurify, which needs a browser DOM; in
 * Node the DOMPurify singleton has no hooks API, so it is given pass-through functions (labels are only
 * parsed here, never rendered). Everything else is mermaid 12's real flowchart grammar and database.
 */
const purify = DOMPurify as any;
purify.addHook ??= () => {};
purify.removeHook ??= () => {};
purify.removeAllHooks ??= () => {};
if (!purify.isSupported) purify.sanitize = (text: unknown) => String(text);
const { default: mermaid } = await import('mermaid');

/** A flowchart as mermaid's parser understood it. */
export interface ParsedFlowchart {
  /** Node id → label text (Mermaid entity codes decoded, `<br/>` as newline) and shape. */
  readonly nodes: Map<string, { readonly text: string; readonly shape: string | undefined; readonly classes: readonly string[] }>;
  /** Edges in source order: from, to, label, `normal` or `dotted`. */
  readonly edges: { readonly from: string; readonly to: string; readonly label: string; readonly stroke: string }[];
  /** Subgraphs: id, title, member ids (nodes and subgraphs). */
  readonly subgraphs: { readonly id: string; readonly title: string; readonly members: readonly string[] }[];
}

/**
 * Label text as the browser shows it: mermaid's parser keeps entity codes as placeholders (`#34;` becomes
 * `ﬂ°°34¶ß`), which its renderer turns into HTML entities (`&#34;`) at render time; `<br/>` is a line break.
 */
const decode = (text: string) =>
  text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    .replace(/<br\/>/g, '\n');

/** Parses flowchart source with mermaid's parser; rejects with mermaid's parse error on invalid syntax. */
export async function parseFlowchart(source: string): Promise<ParsedFlowchart> {
  await mermaid.parse(source);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(source);
  const db = diagram.db as any;
  const nodes = new Map<string, { text: string; shape: string | undefined; classes: string[] }>();
  for (const [id, v] of db.getVertices() as Map<string, any>) nodes.set(id, { text: decode(String(v.text)), shape: v.type, classes: [...(v.classes ?? [])] });
  const edges = (db.getEdges() as any[]).map((e) => ({ from: e.start, to: e.end, label: decode(String(e.text ?? '')), stroke: e.stroke }));
  const subgraphs = (db.getSubGraphs() as any[]).map((s) => ({ id: s.id, title: decode(String(s.title)), members: [...s.nodes] }));
  return { nodes, edges, subgraphs };
}

/** The Mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)\n```/g)].map((m) => m[1]);
}

/** Parses any diagram source with mermaid's parser (e.g. an xychart-beta); rejects on invalid syntax. */
export async function parseMermaid(source: string): Promise<string> {
  await mermaid.parse(source);
  return (await mermaid.mermaidAPI.getDiagramFromText(source)).type;
}
