import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBounded } from '../../src/sources/read-bounded.js';

describe('readBounded on a pipe', () => {
  it('waits for silence, not for the whole: a writer slower than the wait in all but each gap is read whole', async () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'mxlint-pipe-')), 'slow.yaml');
    spawnSync('mkfifo', [fifo]);
    // Seven lines, 150 ms apart: about a second in all, against a wait of 400 ms.
    const writer = spawn('sh', ['-c', `exec 3<>"${fifo}"; for i in 1 2 3 4 5 6 7; do echo "k$i: $i" >&3; sleep 0.15; done; exec 3>&-`], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    const { bytes } = readBounded(fifo, 1 << 20, 'a YAML file', 400);
    expect(Date.now() - started).toBeGreaterThan(600);
    expect(bytes.toString()).toBe('k1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\n');
    writer.kill();
  });
});
