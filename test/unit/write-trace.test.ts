import { describe, expect, it } from "vitest";
import { formatWrites, sumWrites } from "../bench/write-trace.ts";

// strace -f -y -s 0 output as the bench reads it, taken from a real run's shape.
const TRACE = [
  '20757 write(3</tmp/p/storage/permanent/x.sqlite-wal>, ""..., 4096) = 4096',
  '20757 pwrite64(3</tmp/p/storage/permanent/x.sqlite-wal>, ""..., 4096, 8192) = 4096',
  '20758 write(5<pipe:[2413472]>, ""..., 3) = 3',
  '20758 writev(7<socket:[99]>, [{iov_base=""..., iov_len=10}], 1) = 10',
  '20759 write(9</tmp/p/abook-1.sqlite-wal>, ""..., 100) = -1 ENOSPC (No space left on device)',
  "20759 +++ exited with 0 +++",
].join("\n");

describe("the bench's write trace", () => {
  it("sums successful writes by file, profile paths shortened, pipes and sockets by kind", () => {
    const sums = sumWrites(TRACE, "/tmp/p");
    expect([...sums.entries()]).toEqual([
      ["<profile>/storage/permanent/x.sqlite-wal", 8192],
      ["pipe", 3],
      ["socket", 10],
    ]);
  });

  it("prints per-round figures, largest first, small ones left out", () => {
    const lines = formatWrites(new Map([["a", 2048], ["b", 20480], ["c", 100]]), 2);
    expect(lines.map((l) => l.trim())).toEqual(["10 KB  b", "1 KB  a"]);
  });
});
