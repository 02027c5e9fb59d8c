/**
 * The counter's timers, each by its name: starting one again replaces it; `clearAll` (on stop)
 * clears every one. The global `setTimeout`/`setInterval` are looked up at each start, so a
 * test's fake timers (vitest `useFakeTimers`, installed after this module loads) drive them.
 */
export class Timers<Name extends string> {
  private readonly handles = new Map<Name, { handle: NodeJS.Timeout; repeats: boolean }>();

  /** Run `fn` once, `ms` from now. */
  after(name: Name, ms: number, fn: () => void): void {
    this.start(name, false, ms, () => {
      this.handles.delete(name);
      fn();
    });
  }

  /** Run `fn` every `ms`. */
  every(name: Name, ms: number, fn: () => void): void {
    this.start(name, true, ms, fn);
  }

  /** Whether the timer is waiting to run. */
  has(name: Name): boolean {
    return this.handles.has(name);
  }

  clear(name: Name): void {
    const timer = this.handles.get(name);
    if (!timer) return;
    if (timer.repeats) clearInterval(timer.handle);
    else clearTimeout(timer.handle);
    this.handles.delete(name);
  }

  clearAll(): void {
    for (const name of [...this.handles.keys()]) this.clear(name);
  }

  private start(name: Name, repeats: boolean, ms: number, fn: () => void): void {
    this.clear(name);
    const handle = repeats ? setInterval(fn, ms) : setTimeout(fn, ms);
    this.handles.set(name, { handle, repeats });
  }
}
