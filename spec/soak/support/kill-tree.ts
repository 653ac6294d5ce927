/**
 * SIGKILL a server and every process it forked (danted serves established sessions from child
 * processes that outlive their parent), found by parent pid in /proc: a crash, not a shutdown.
 */
import { readdir, readFile } from 'node:fs/promises';

async function stat(pid: number): Promise<{ ppid: number; state: string } | undefined> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(ppid), state: state ?? '' };
  } catch {
    return undefined;
  }
}

export async function processTree(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = await stat(Number(entry));
    if (s !== undefined) parents.set(Number(entry), s.ppid);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) {
    for (const [pid, ppid] of parents) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
}

/** SIGKILL `root` and its descendants; resolves when none of them runs any more (zombies count as gone). */
export async function crashTree(root: number): Promise<number[]> {
  const tree = await processTree(root);
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (let i = 0; i < 100; i += 1) {
    const alive = await Promise.all(tree.map(async (pid) => ((await stat(pid))?.state ?? 'Z') !== 'Z'));
    if (!alive.includes(true)) return tree;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`processes still running after SIGKILL: ${tree.join(', ')}`);
}
