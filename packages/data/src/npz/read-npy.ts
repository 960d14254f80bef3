import { type PyCall, isGlobal, unpickle } from './unpickle.js';

/** A 1-D or n-D array read from a `.npy` member, flattened in C order. */
export interface NpyArray {
  readonly shape: readonly number[];
  /** The numpy dtype string, e.g. `<i8` or `|O`. */
  readonly dtype: string;
  /** Numbers for numeric dtypes; for `|O` the pickled Python objects (lists become arrays). */
  readonly values: readonly unknown[];
}

export class NpyFormatError extends Error {}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Reads a `.npy` file (format 1.0-3.0): little-endian or single-byte integers, floats and
 * bools, and object arrays (`|O`, stored as a pickle of the ndarray, as Keras' `imdb.npz`).
 */
export function readNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new NpyFormatError('not a .npy array (the \\x93NUMPY magic is missing)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6] ?? 0;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) throw new NpyFormatError('the .npy header is truncated');
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, dataStart));
  const dtype = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (dtype === undefined || fortran === undefined || shapeText === undefined)
    throw new NpyFormatError(`the .npy header is not a numpy header: ${header.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  if (fortran === 'True' && shape.length > 1)
    throw new NpyFormatError('Fortran-order arrays are not supported');
  const body = bytes.subarray(dataStart);

  if (dtype === '|O' || dtype === '<O' || dtype === 'O') {
    const values = objectValues(unpickle(body));
    if (values.length !== count)
      throw new NpyFormatError(
        `the object array has ${values.length} items, its shape says ${count}`,
      );
    return { shape, dtype, values };
  }
  const kind = dtype.slice(1);
  const size = Number(kind.slice(1));
  if (dtype.startsWith('>') && size > 1)
    throw new NpyFormatError(`big-endian dtype ${dtype} is not supported`);
  if (body.length < count * size)
    throw new NpyFormatError(
      `the array data is truncated: ${body.length} bytes for ${count} × ${dtype}`,
    );
  const data = new DataView(body.buffer, body.byteOffset, count * size);
  const read = reader(kind, data);
  if (read === undefined) throw new NpyFormatError(`dtype ${dtype} is not supported`);
  const values = Array.from({ length: count }, (_, i) => read(i * size));
  return { shape, dtype, values };
}

function reader(kind: string, data: DataView): ((offset: number) => number) | undefined {
  switch (kind) {
    case 'b1':
    case 'u1':
      return (o) => data.getUint8(o);
    case 'i1':
      return (o) => data.getInt8(o);
    case 'i2':
      return (o) => data.getInt16(o, true);
    case 'u2':
      return (o) => data.getUint16(o, true);
    case 'i4':
      return (o) => data.getInt32(o, true);
    case 'u4':
      return (o) => data.getUint32(o, true);
    case 'i8':
      return (o) => Number(data.getBigInt64(o, true));
    case 'u8':
      return (o) => Number(data.getBigUint64(o, true));
    case 'f4':
      return (o) => data.getFloat32(o, true);
    case 'f8':
      return (o) => data.getFloat64(o, true);
    default:
      return undefined;
  }
}

/**
 * The items of a pickled object ndarray: `_reconstruct(ndarray, (0,), b'b')` whose state is
 * `(version, shape, dtype, is_fortran, [items...])`.
 */
function objectValues(value: unknown): unknown[] {
  const call = value as PyCall;
  if (
    typeof value !== 'object' ||
    value === null ||
    call.kind !== 'call' ||
    !isGlobal(call.callee, '_reconstruct')
  )
    throw new NpyFormatError('the object array is not a pickled numpy ndarray');
  const state = call.state;
  const items = Array.isArray(state) ? state[4] : undefined;
  if (!Array.isArray(items))
    throw new NpyFormatError('the pickled ndarray has no list of items in its state');
  return items;
}
