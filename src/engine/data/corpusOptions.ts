// How a text corpus is read: a type module of its own so that the protocol (and the webview that
// shares it) can name it without the Node.js code that reads corpora.
export interface CorpusOptions {
  /** Largest vocabulary, <unk> included when needed (default 10,000: every word of a small corpus). */
  vocabSize?: number;
  /** Words seen fewer times become <unk> (default 1: none). */
  minCount?: number;
  /** Lowercase the text first (default true). */
  lowercase?: boolean;
  /** Split punctuation off words, unless the text has it apart already (default true). */
  splitPunctuation?: boolean;
  /** Seed of the sentence shuffle that makes the splits (default 1). */
  seed?: number;
  /** Context words per example (default 3, i.e. 4-grams). */
  context?: number;
  /** What the text becomes: n-grams (the default for a .txt file) or token streams (the default
   *  for a folder of train.txt, valid.txt, test.txt), which the recurrent models train on. */
  task?: 'ngram' | 'stream';
}
