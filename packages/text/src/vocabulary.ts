/** How a text is cut into tokens. */
export type VocabularyType = 'chars' | 'words';

export interface VocabularyOptions {
  /** `chars`: every Unicode code point is a token; `words`: runs of non-whitespace. */
  readonly type: VocabularyType;
  /** Lowercase before tokenizing. Default false. */
  readonly lower?: boolean;
  /** Start token, the decoder's first input. Default "\t" (the Keras character seq2seq example). */
  readonly start?: string;
  /** End token, emitted last. Default "\n". */
  readonly end?: string;
}

/** The JSON form of a vocabulary (`toJSON` / `Vocabulary.fromJSON`). */
export interface VocabularyJSON {
  readonly type: VocabularyType;
  readonly lower: boolean;
  readonly start: string;
  readonly end: string;
  /** Every token by index, the four reserved ones included. */
  readonly tokens: readonly string[];
}

/** Reserved ids: padding, start, end, unknown. */
export const PAD_ID = 0;
export const START_ID = 1;
export const END_ID = 2;
export const UNKNOWN_ID = 3;
const RESERVED = ['<pad>', '<start>', '<end>', '<unk>'] as const;

/**
 * A token ↔ id table for one side of a seq2seq pair. Invariants: id 0 is padding (never a
 * token), 1 the start token, 2 the end token, 3 unknown (tokens not seen when fitting); the
 * fitted tokens follow in sorted (code point) order, as the Keras example's `sorted(set(...))`,
 * so the same texts give the same ids in any order. Immutable; pure (no tfjs, no I/O).
 *
 * @example
 * const v = Vocabulary.fit(['ab', 'ba'], { type: 'chars' });
 * v.encode('ab', { start: true, end: true }) // [1, 4, 5, 2]
 * v.decode([4, 5, 2, 0])                     // 'ab' (stops at the end token)
 */
export class Vocabulary {
  readonly type: VocabularyType;
  readonly lower: boolean;
  readonly start: string;
  readonly end: string;
  readonly tokens: readonly string[];
  private readonly ids: ReadonlyMap<string, number>;

  private constructor(json: VocabularyJSON) {
    this.type = json.type;
    this.lower = json.lower;
    this.start = json.start;
    this.end = json.end;
    this.tokens = Object.freeze([...json.tokens]);
    this.ids = new Map(this.tokens.map((token, id) => [token, id]));
  }

  /** Fits a vocabulary on texts: every distinct token, sorted, after the reserved ids. */
  static fit(texts: Iterable<string>, options: VocabularyOptions): Vocabulary {
    const seen = new Set<string>();
    const probe = new Vocabulary({ ...withDefaults(options), tokens: [...RESERVED] });
    for (const text of texts) for (const token of probe.tokenize(text)) seen.add(token);
    const tokens = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return new Vocabulary({ ...withDefaults(options), tokens: [...RESERVED, ...tokens] });
  }

  static fromJSON(json: VocabularyJSON | string): Vocabulary {
    const value = (typeof json === 'string' ? JSON.parse(json) : json) as VocabularyJSON;
    if (
      (value.type !== 'chars' && value.type !== 'words') ||
      !Array.isArray(value.tokens) ||
      value.tokens.length < RESERVED.length ||
      RESERVED.some((token, i) => value.tokens[i] !== token)
    ) {
      throw new TypeError(
        'not a seqpipe vocabulary: expected { type: "chars" | "words", tokens: ["<pad>", "<start>", "<end>", "<unk>", ...] }',
      );
    }
    return new Vocabulary(value);
  }

  /** Number of ids (reserved ones included): the one-hot depth or embedding input size. */
  get size(): number {
    return this.tokens.length;
  }

  /** The text's tokens, before lookup. */
  tokenize(text: string): string[] {
    const source = this.lower ? text.toLowerCase() : text;
    if (this.type === 'chars') return [...source];
    return source.split(/\s+/).filter((token) => token !== '');
  }

  /** Ids of a text; unseen tokens become UNKNOWN_ID (3). `start`/`end` wrap it in 1 ... 2. */
  encode(text: string, options: { start?: boolean; end?: boolean } = {}): number[] {
    const ids = this.tokenize(text).map((token) => this.ids.get(token) ?? UNKNOWN_ID);
    if (options.start === true) ids.unshift(START_ID);
    if (options.end === true) ids.push(END_ID);
    return ids;
  }

  /** Text of ids: stops at the end token, skips padding and start, joins chars with "" and words with " ". */
  decode(ids: Iterable<number>): string {
    const tokens: string[] = [];
    for (const id of ids) {
      if (id === END_ID) break;
      if (id === PAD_ID || id === START_ID) continue;
      tokens.push(this.tokens[id] ?? RESERVED[UNKNOWN_ID]);
    }
    return tokens.join(this.type === 'chars' ? '' : ' ');
  }

  /** The tokens of ids, for token-level metrics (same stopping rules as `decode`). */
  decodeTokens(ids: Iterable<number>): string[] {
    const tokens: string[] = [];
    for (const id of ids) {
      if (id === END_ID) break;
      if (id === PAD_ID || id === START_ID) continue;
      tokens.push(this.tokens[id] ?? RESERVED[UNKNOWN_ID]);
    }
    return tokens;
  }

  toJSON(): VocabularyJSON {
    return {
      type: this.type,
      lower: this.lower,
      start: this.start,
      end: this.end,
      tokens: this.tokens,
    };
  }
}

function withDefaults(options: VocabularyOptions): Omit<VocabularyJSON, 'tokens'> {
  return {
    type: options.type,
    lower: options.lower ?? false,
    start: options.start ?? '\t',
    end: options.end ?? '\n',
  };
}
