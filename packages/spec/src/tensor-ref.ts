/**
 * A graph reference: `name` is output 0 of an input or node, `name:k` its output k (a recurrent
 * layer with `returnState`: `:0` the output, `:1`.. the states).
 */
export function parseTensorRef(ref: string): { node: string; index: number } {
  const match = /^(.*):(\d+)$/.exec(ref);
  if (match === null) return { node: ref, index: 0 };
  return { node: match[1] as string, index: Number(match[2]) };
}
