import YAML from 'yaml';

/**
 * Parses every YAML document of `text` like `kubectl` does. go-yaml (which kubectl uses) accepts the
 * continuation lines of a multi-line quoted scalar indented no deeper than its key (Istio's published CRDs do
 * this), where YAML 1.2 and the `yaml` package require them indented further. When the strict parse fails,
 * such continuation lines are indented past their key and the text is parsed again; leading whitespace of a
 * quoted scalar's continuation lines is folded away, so values are unchanged. Anything else that does not
 * parse still fails.
 */
export function parseAllDocumentsLikeKubectl(text: string, options?: Parameters<typeof YAML.parseAllDocuments>[1]): ReturnType<typeof YAML.parseAllDocuments> {
  const docs = YAML.parseAllDocuments(text, options);
  if (![...docs].some((d) => d.errors.length > 0)) return docs;
  const fixed = indentQuotedContinuations(text);
  if (fixed === undefined) return docs;
  const retry = YAML.parseAllDocuments(fixed, options);
  return [...retry].some((d) => d.errors.length > 0) ? docs : retry;
}

/** Where a quoted scalar opened on this line, if it does not close on it: the indent its continuation lines need. */
function openQuote(line: string): { quote: string; indent: number } | undefined {
  const m = /^(\s*(?:-\s+)*)([^\s'"#-][^:]*:\s+|-\s+)?(['"])(.*)$/.exec(line);
  if (!m || (m[2] === undefined && !/-\s+$/.test(m[1]!))) return undefined;
  const quote = m[3]!;
  if (closes(m[4]!, quote) >= 0) return undefined;
  return { quote, indent: m[1]!.length + 1 };
}

/** Index just past the closing quote in `rest`, or -1. */
function closes(rest: string, quote: string): number {
  for (let i = 0; i < rest.length; i++) {
    if (quote === '"' && rest[i] === '\\') {
      i++;
      continue;
    }
    if (rest[i] === quote) {
      if (quote === "'" && rest[i + 1] === "'") {
        i++;
        continue;
      }
      return i + 1;
    }
  }
  return -1;
}

function indentQuotedContinuations(text: string): string | undefined {
  const lines = text.split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const open = openQuote(lines[i]!);
    if (!open) continue;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      const indent = line.length - line.trimStart().length;
      if (line.trim() !== '' && indent < open.indent) {
        lines[j] = ' '.repeat(open.indent) + line.trimStart();
        changed = true;
      }
      if (closes(line, open.quote) >= 0) {
        i = j;
        break;
      }
    }
  }
  return changed ? lines.join('\n') : undefined;
}
