// Small process helpers shared by the editor scripts. Every command is echoed
// before it runs, so a failing CI log shows exactly which step failed.
import { spawn, spawnSync } from 'node:child_process';

/** Runs a command to completion with inherited output; throws if it fails. */
export function run(cmd, args, options = {}) {
  console.log(`$ ${[cmd, ...args].join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
  return result.status;
}

/** Runs a command quietly and returns its stdout, or null if it failed. */
export function capture(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return result.status === 0 ? result.stdout : null;
}

/** True if `name` is an executable on PATH. */
export function hasCommand(name) {
  return capture('sh', ['-c', `command -v ${name}`]) !== null;
}

/**
 * Starts a long-running child in its own process group (so that stopping it
 * also stops the processes it forks: code-server forks the VS Code server,
 * which forks extension hosts, file watchers and terminals) and returns a
 * handle whose stop() ends that group and waits for the child to exit.
 */
export function startDetached(cmd, args, options = {}) {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
    await exited;
    clearTimeout(timer);
  };
  // A script that dies (an exception, Ctrl+C) must not leave servers behind.
  const onExit = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', onExit);
  exited.then(() => process.off('exit', onExit));
  return { child, exited, stop };
}
