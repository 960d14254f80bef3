/** Text cleaning applied to raw records before tokenization (`data.clean` in a pipeline). */
export interface CleanTextOptions {
  /**
   * Replace HTML tags (`<br />`, `<p class="x">`, `</a>`) by a space and decode the common
   * entities (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&#39;`, `&nbsp;`, numeric `&#NNN;`/`&#xHH;`).
   */
  readonly stripHtml?: boolean | undefined;
  /** Lowercase (JavaScript `toLowerCase`). */
  readonly lower?: boolean | undefined;
  /** Characters replaced by a space, like Keras' `filters`. */
  readonly filters?: string | undefined;
  /** Runs of whitespace become one space, and the ends are trimmed. */
  readonly collapseWhitespace?: boolean | undefined;
}

const NAMED: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

/**
 * Cleans one text; pure, steps in this order: HTML, lower-casing, filters, whitespace.
 *
 * ```ts
 * cleanText('Great film.<br /><br />A &amp; B', { stripHtml: true, collapseWhitespace: true });
 * // 'Great film. A & B'
 * cleanText('Hi, THERE!', { lower: true, filters: ',!' }); // 'hi  there '
 * ```
 */
export function cleanText(text: string, options: CleanTextOptions): string {
  let out = text;
  if (options.stripHtml === true) {
    out = out
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<\/?[a-zA-Z][^<>]*>/g, ' ')
      .replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (entity, body: string) => {
        if (body.startsWith('#x') || body.startsWith('#X'))
          return safeCodePoint(Number.parseInt(body.slice(2), 16)) ?? entity;
        if (body.startsWith('#'))
          return safeCodePoint(Number.parseInt(body.slice(1), 10)) ?? entity;
        return NAMED[body.toLowerCase()] ?? entity;
      });
  }
  if (options.lower === true) out = out.toLowerCase();
  if (options.filters !== undefined && options.filters !== '') {
    const filters = new Set(options.filters);
    out = Array.from(out, (c) => (filters.has(c) ? ' ' : c)).join('');
  }
  if (options.collapseWhitespace === true) out = out.replace(/\s+/g, ' ').trim();
  return out;
}

function safeCodePoint(code: number): string | undefined {
  return Number.isInteger(code) && code > 0 && code <= 0x10ffff
    ? String.fromCodePoint(code)
    : undefined;
}
