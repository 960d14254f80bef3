import type { CliIo } from '@seqpipe/cli';

/** An in-memory CliIo: what the CLI printed, for assertions. */
export function captureIo(cwd: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    cwd,
    stdout: { write: (chunk: string) => (out += chunk), isTTY: false },
    stderr: { write: (chunk: string) => (err += chunk) },
    out: () => out,
    err: () => err,
  };
}

/** 24 short labelled sentences (made for these tests), enough for a model to separate. */
export function tinySentimentRecords(): Array<{ text: string; label: number }> {
  const good = ['great', 'wonderful', 'excellent', 'amazing', 'superb', 'brilliant'];
  const bad = ['terrible', 'awful', 'boring', 'dreadful', 'poor', 'bad'];
  const frames = ['a {} film', 'the acting was {}', '{} story'];
  const records: Array<{ text: string; label: number }> = [];
  for (const [i, word] of good.entries())
    records.push({ text: frames[i % 3]!.replace('{}', word), label: 1 });
  for (const [i, word] of bad.entries())
    records.push({ text: frames[i % 3]!.replace('{}', word), label: 0 });
  for (const [i, word] of good.entries())
    records.push({ text: `truly ${word} ${frames[(i + 1) % 3]!.replace(' {}', '')}`, label: 1 });
  for (const [i, word] of bad.entries())
    records.push({ text: `truly ${word} ${frames[(i + 1) % 3]!.replace(' {}', '')}`, label: 0 });
  return records;
}
