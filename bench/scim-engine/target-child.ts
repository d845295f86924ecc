/** The benchmark's side of the target process: start it, ask it for counts, stop it. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface TargetStats {
  users: number;
  groups: number;
  members: number;
  byMethod: Record<string, number>;
}

export interface TargetChild {
  url: string;
  /** What the target holds and the requests it received since the last call, by method. */
  stats(): Promise<TargetStats>;
  close(): Promise<void>;
}

function next<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string } & T) => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message);
    };
    const onExit = (code: number | null) => reject(new Error(`the target process exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export async function startTargetChild(): Promise<TargetChild> {
  const script = fileURLToPath(new URL('./target-process.ts', import.meta.url));
  const child = fork(script, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { url } = await next<{ url: string }>(child, 'ready');
  return {
    url,
    stats: async () => {
      const answer = next<TargetStats>(child, 'stats');
      child.send({ type: 'stats' });
      return answer;
    },
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' });
      await exited;
    },
  };
}
