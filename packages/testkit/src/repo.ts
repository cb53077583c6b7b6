import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo's root: the nearest folder above this file holding infra/kafka/kafka.sh. */
export function repoRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'infra', 'kafka', 'kafka.sh'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no Payhook checkout above ${from}`);
    dir = parent;
  }
  return dir;
}
