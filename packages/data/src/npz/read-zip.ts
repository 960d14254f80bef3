import { crc32, inflateRawSync } from 'node:zlib';

/** One member of a zip archive, uncompressed. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Why an archive could not be read; the caller names the file in its error. */
export class ZipFormatError extends Error {}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX_32 = 0xffffffff;

/**
 * Reads every member of a zip archive held in memory: stored (method 0) and deflated
 * (method 8, `node:zlib`) members, zip64 sizes and offsets (numpy writes `.npz` members with
 * `force_zip64`), CRC-32 checked. Enough for `.npz` files; no encryption, no multi-disk.
 */
export function readZip(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  let count = view.getUint16(eocd + 10, true);
  let offset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || offset === MAX_32) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR)
      throw new ZipFormatError('zip64 end of central directory locator missing');
    const record = Number(view.getBigUint64(locator + 8, true));
    if (record + 56 > bytes.length || view.getUint32(record, true) !== ZIP64_EOCD)
      throw new ZipFormatError('zip64 end of central directory record missing');
    count = Number(view.getBigUint64(record + 32, true));
    offset = Number(view.getBigUint64(record + 48, true));
  }
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (offset + 46 > bytes.length || view.getUint32(offset, true) !== CENTRAL)
      throw new ZipFormatError(`central directory entry ${i + 1} is damaged`);
    const method = view.getUint16(offset + 10, true);
    const crc = view.getUint32(offset + 16, true);
    let compressedSize = view.getUint32(offset + 20, true);
    let size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    let localOffset = view.getUint32(offset + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    // zip64 extended information: only the fields whose 32-bit value is 0xFFFFFFFF, in order.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let at = extra + 4;
        const next = (): number => {
          const value = Number(view.getBigUint64(at, true));
          at += 8;
          return value;
        };
        if (size === MAX_32) size = next();
        if (compressedSize === MAX_32) compressedSize = next();
        if (localOffset === MAX_32) localOffset = next();
      }
      extra += 4 + length;
    }
    if (localOffset + 30 > bytes.length || view.getUint32(localOffset, true) !== LOCAL)
      throw new ZipFormatError(`local header of ${name} is damaged`);
    const start =
      localOffset +
      30 +
      view.getUint16(localOffset + 26, true) +
      view.getUint16(localOffset + 28, true);
    if (start + compressedSize > bytes.length)
      throw new ZipFormatError(`${name} is truncated (the file ends inside it)`);
    const raw = bytes.subarray(start, start + compressedSize);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (error) {
        throw new ZipFormatError(`${name} does not inflate (${(error as Error).message})`);
      }
    } else throw new ZipFormatError(`${name} uses compression method ${method} (only 0 and 8)`);
    if (data.length !== size)
      throw new ZipFormatError(`${name} has ${data.length} bytes, its header says ${size}`);
    if (crc32(data) !== crc) throw new ZipFormatError(`${name} fails its CRC-32 check`);
    entries.push({ name, data });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - 22;
  const first = Math.max(0, last - 0xffff);
  for (let at = last; at >= first; at--) {
    if (view.getUint32(at, true) === EOCD) return at;
  }
  throw new ZipFormatError('not a zip archive (no end of central directory record)');
}
