/**
 * A small builder for the subset of Mermaid flowcharts the rollout plans use: nodes with a shape and a
 * class, labelled edges (solid or dotted), nested subgraphs and class definitions. Output is
 * deterministic (insertion order) and every label is quoted and entity-escaped, so names from manifests
 * can never break the syntax.
 */

/** Node shapes: a step, a start/end, a decision (analysis gate), a hook or external actor. */
export type NodeShape = 'box' | 'rounded' | 'stadium' | 'decision' | 'hexagon';

/** Colours shared by every diagram (the seed's palette): stable, canary, analysis, abort, paused, neutral. */
export const CLASS_DEFS: Readonly<Record<string, string>> = {
  stable: 'fill:#bbf7d0,stroke:#15803d,color:#111827',
  canary: 'fill:#fde68a,stroke:#b45309,color:#111827',
  analysis: 'fill:#c7d2fe,stroke:#3730a3,color:#111827',
  abort: 'fill:#fecaca,stroke:#b91c1c,color:#111827',
  paused: 'fill:#e5e7eb,stroke:#4b5563,color:#111827',
  hook: 'fill:#fbcfe8,stroke:#9d174d,color:#111827',
};

/** One of {@link CLASS_DEFS}. */
export type NodeClass = keyof typeof CLASS_DEFS;

const OPEN: Record<NodeShape, [string, string]> = {
  box: ['[', ']'],
  rounded: ['(', ')'],
  stadium: ['([', '])'],
  decision: ['{', '}'],
  hexagon: ['{{', '}}'],
};

/**
 * Escapes text for a quoted Mermaid label: quotes, angle brackets, `#`, `|` and `&` become Mermaid entity codes,
 * so only the `<br/>` line breaks this builder inserts are markup.
 */
export function escapeLabel(text: string): string {
  return text.replace(/[#"<>|&]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A label from lines: each line escaped, joined with `<br/>`. */
export function label(lines: readonly string[]): string {
  return lines.map(escapeLabel).join('<br/>');
}

/** A node id from any text: letters, digits and underscores, with a prefix so it is never a Mermaid keyword. */
export function nodeId(prefix: string, ...parts: (string | number)[]): string {
  return [prefix, ...parts.map((p) => String(p).replace(/[^A-Za-z0-9]/g, '_'))].join('_');
}

/** A Mermaid flowchart being built. */
export class Flowchart {
  private readonly lines: string[] = [];
  private indent = 1;

  constructor(private readonly direction: 'TB' | 'LR' = 'TB') {}

  /** Adds a node; `lines` are the label's lines. */
  public node(id: string, lines: readonly string[], shape: NodeShape = 'box', cls?: NodeClass): this {
    const [open, close] = OPEN[shape];
    this.push(`${id}${open}"${label(lines)}"${close}${cls ? `:::${cls}` : ''}`);
    return this;
  }

  /** Adds an edge, optionally labelled; dotted edges are the exceptional paths (timeouts, background checks). */
  public edge(from: string, to: string, text?: string, style: 'solid' | 'dotted' = 'solid'): this {
    const arrow = style === 'dotted' ? '-.->' : '-->';
    this.push(text ? `${from} ${arrow}|"${escapeLabel(text)}"| ${to}` : `${from} ${arrow} ${to}`);
    return this;
  }

  /** Adds a subgraph whose content `build` adds. */
  public subgraph(id: string, title: string, build: () => void, direction?: 'TB' | 'LR'): this {
    this.push(`subgraph ${id}["${escapeLabel(title)}"]`);
    this.indent++;
    if (direction) this.push(`direction ${direction}`);
    build();
    this.indent--;
    this.push('end');
    return this;
  }

  /** The diagram source, with the class definitions it uses. */
  public render(): string {
    const used = Object.keys(CLASS_DEFS).filter((c) => this.lines.some((l) => l.endsWith(`:::${c}`)));
    return [`flowchart ${this.direction}`, ...used.map((c) => `  classDef ${c} ${CLASS_DEFS[c]};`), ...this.lines].join('\n');
  }

  private push(line: string): void {
    this.lines.push(`${'  '.repeat(this.indent)}${line}`);
  }
}
