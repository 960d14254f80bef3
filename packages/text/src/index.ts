export { Tokenizer } from './tokenizer.js';
export type { TokenizerOptions, MatrixMode } from './tokenizer.js';
export { textToWordSequence, KERAS_DEFAULT_FILTERS } from './text-to-word-sequence.js';
export { padSequences } from './pad-sequences.js';
export type { PadSequencesOptions } from './pad-sequences.js';
export { cleanText } from './clean-text.js';
export type { CleanTextOptions } from './clean-text.js';
export { Vocabulary, PAD_ID, START_ID, END_ID, UNKNOWN_ID } from './vocabulary.js';
export type { VocabularyJSON, VocabularyOptions, VocabularyType } from './vocabulary.js';
