/** RFC 6901 JSON Pointer from path segments: `pointer('model', 'layers', 1)` => `/model/layers/1`. */
export function pointer(...segments: ReadonlyArray<string | number>): string {
  return segments
    .map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

/** Appends segments to an existing pointer. */
export function childPointer(base: string, ...segments: ReadonlyArray<string | number>): string {
  return base + pointer(...segments);
}

/** The last segment of a pointer, unescaped (`""` for the root). */
export function lastSegment(path: string): string {
  const index = path.lastIndexOf('/');
  return index < 0
    ? ''
    : path
        .slice(index + 1)
        .replace(/~1/g, '/')
        .replace(/~0/g, '~');
}
