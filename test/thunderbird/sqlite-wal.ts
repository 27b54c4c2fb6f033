/**
 * Applies an SQLite write-ahead log to a database image, so that sql.js (which only loads a
 * single file image) sees what SQLite itself would see.
 *
 * Thunderbird's address books are WAL databases. A clean quit checkpoints and truncates the
 * `-wal` file, but after a SIGKILL (crash tests) the latest committed transactions live only
 * in the WAL. Format (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header,
 * then frames of a 24-byte header + one page. A frame counts only if its salts match the
 * header and the running checksum matches; pages become visible at each commit frame (one
 * with a non-zero "database size"), and frames after the last valid commit are discarded —
 * exactly SQLite's recovery rule.
 */

const WAL_HEADER_SIZE = 32;
const FRAME_HEADER_SIZE = 24;

function checksum(data: Buffer, start: number, end: number, bigEndian: boolean, s: [number, number]): [number, number] {
  let [s0, s1] = s;
  for (let i = start; i < end; i += 8) {
    const x0 = bigEndian ? data.readUInt32BE(i) : data.readUInt32LE(i);
    const x1 = bigEndian ? data.readUInt32BE(i + 4) : data.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

/**
 * The database image with every committed WAL frame applied (a new buffer), or `database`
 * itself when the WAL holds no valid commit.
 */
export function applyWal(database: Buffer, wal: Buffer): Buffer {
  if (wal.length < WAL_HEADER_SIZE) return database;
  const magic = wal.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683) return database;
  const bigEndian = magic === 0x377f0683;
  const pageSize = wal.readUInt32BE(8) === 1 ? 65536 : wal.readUInt32BE(8);
  const salt1 = wal.readUInt32BE(16);
  const salt2 = wal.readUInt32BE(20);
  let sum = checksum(wal, 0, 24, bigEndian, [0, 0]);
  if (sum[0] !== wal.readUInt32BE(24) || sum[1] !== wal.readUInt32BE(28)) return database;

  const pages = new Map<number, Buffer>();
  let committedPages = new Map<number, Buffer>();
  let committedSize = -1;
  for (let offset = WAL_HEADER_SIZE; offset + FRAME_HEADER_SIZE + pageSize <= wal.length; offset += FRAME_HEADER_SIZE + pageSize) {
    if (wal.readUInt32BE(offset + 8) !== salt1 || wal.readUInt32BE(offset + 12) !== salt2) break;
    sum = checksum(wal, offset, offset + 8, bigEndian, sum);
    sum = checksum(wal, offset + FRAME_HEADER_SIZE, offset + FRAME_HEADER_SIZE + pageSize, bigEndian, sum);
    if (sum[0] !== wal.readUInt32BE(offset + 16) || sum[1] !== wal.readUInt32BE(offset + 20)) break;
    const pageNumber = wal.readUInt32BE(offset);
    pages.set(pageNumber, wal.subarray(offset + FRAME_HEADER_SIZE, offset + FRAME_HEADER_SIZE + pageSize));
    const sizeAfterCommit = wal.readUInt32BE(offset + 4);
    if (sizeAfterCommit !== 0) {
      committedPages = new Map(pages);
      committedSize = sizeAfterCommit;
    }
  }
  if (committedSize < 0) return database;

  const image = Buffer.alloc(committedSize * pageSize);
  database.copy(image, 0, 0, Math.min(database.length, image.length));
  for (const [pageNumber, page] of committedPages) {
    if (pageNumber <= committedSize) page.copy(image, (pageNumber - 1) * pageSize);
  }
  return image;
}

/**
 * A copy of `database` with `wal` (if any) applied, marked as a rollback-journal database so an
 * in-memory SQLite such as sql.js opens it without looking for a -wal file or shared memory.
 */
export function standaloneImage(database: Buffer, wal?: Buffer): Buffer {
  const applied = wal ? applyWal(database, wal) : database;
  const image = applied === database ? Buffer.from(database) : applied;
  if (image.length >= 100) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}
