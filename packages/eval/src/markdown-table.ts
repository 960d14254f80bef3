/** Cell alignment in a Markdown table. */
export type Align = 'left' | 'right';

/**
 * Escapes text for one cell of a GitHub-flavoured Markdown table: Markdown punctuation that
 * could change the rendering (`\ ` * _ [ ] < > | ~ &`) gets a backslash, line breaks become
 * `<br>`, so a cell stays on its row and shows the text as written.
 *
 * @example
 * escapeMarkdownCell('a|b\nc'); // 'a\\|b<br>c'
 */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/[\\`*_[\]<>|~&]/g, '\\$&').replace(/\r\n|\r|\n/g, '<br>');
}

/**
 * Renders rows as a Markdown table. Cells are written as given: escape free text with
 * {@link escapeMarkdownCell} first.
 */
export function markdownTable(
  header: readonly string[],
  align: readonly Align[],
  rows: readonly (readonly string[])[],
): string[] {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(header),
    `|${align.map((a) => (a === 'right' ? '---:' : '---')).join('|')}|`,
    ...rows.map(line),
  ];
}

/**
 * An identifier (layer name, output shape) as inline code for a table cell: `` `simple_rnn` ``.
 * Only `|` needs escaping inside a code span in a table; text with backticks or line breaks
 * falls back to {@link escapeMarkdownCell}.
 */
export function codeCell(text: string): string {
  if (text === '' || /[`\r\n]/.test(text)) return escapeMarkdownCell(text);
  return `\`${text.replace(/\|/g, '\\|')}\``;
}
