/**
 * Reads the commands of a README section the way a person copies them into a shell: the fenced
 * ```sh blocks under a `##` heading (its `###` subsections included), one logical command per line
 * (backslash continuations joined, blank and comment-only lines dropped). A block that is followed
 * directly by a ```text block starting with `Error:` documents a refusal: its command fails with
 * that message.
 */

export interface ReadmeCommand {
  /** The command line as written, trailing comment included (the shell ignores it). */
  line: string;
  /** The trailing `# …` comment, without the `#`, or '' when there is none. */
  comment: string;
  /** The documented error message (whitespace-normalised) when the README shows the refusal. */
  refusal?: string;
}

/** The text of the `## ` section whose heading starts with `title`, up to the next `## ` heading. */
export function sectionText(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
  if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => l.startsWith('## '));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
}

interface Fence {
  lang: string;
  body: string;
}

function fences(text: string): Fence[] {
  const out: Fence[] = [];
  const pattern = /^```([\w-]*)\n([\s\S]*?)^```$/gm;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) out.push({ lang: m[1] ?? '', body: m[2] ?? '' });
  return out;
}

/** Splits `cmd   # comment` at the first `#` that starts a shell comment (outside quotes, after a blank). */
function splitComment(line: string): { command: string; comment: string } {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1] ?? ''))) return { command: line.slice(0, i).trimEnd(), comment: line.slice(i + 1).trim() };
  }
  return { command: line.trimEnd(), comment: '' };
}

export function sectionCommands(markdown: string, title: string): ReadmeCommand[] {
  const blocks = fences(sectionText(markdown, title));
  const commands: ReadmeCommand[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'sh') return;
    const next = blocks[index + 1];
    const refusal = next && next.lang === 'text' && next.body.startsWith('Error:') ? next.body.replace(/\s+/g, ' ').trim() : undefined;
    const logical = block.body.replace(/\\\n\s*/g, '').split('\n');
    const lines = logical.filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
    if (refusal !== undefined && lines.length !== 1) throw new Error(`a refusal's sh block must hold exactly one command: ${block.body}`);
    for (const line of lines) {
      const { comment } = splitComment(line);
      commands.push({ line: line.trim(), comment, ...(refusal !== undefined ? { refusal } : {}) });
    }
  });
  if (commands.length === 0) throw new Error(`README.md's "${title}" section has no sh commands`);
  return commands;
}

/** The bare command (no trailing comment) of a README line. */
export function withoutComment(line: string): string {
  return splitComment(line).command;
}

/**
 * The JSON shape a trailing comment documents, e.g. `[{"description","id","name","status"}]` or
 * `[{id, rule, severity}]`; a final `...` means "these and more". Undefined when the comment
 * documents no shape.
 */
export function documentedShape(comment: string): { fields: string[]; open: boolean } | undefined {
  const m = /^\[\{([^}]*)\}\]/.exec(comment);
  if (!m) return undefined;
  const parts = (m[1] ?? '').split(',').map((p) => p.trim().replace(/^"|"$/g, '')).filter((p) => p !== '');
  const open = parts.at(-1) === '...';
  return { fields: open ? parts.slice(0, -1) : parts, open };
}
