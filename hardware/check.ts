import type { ButtonId, CounterHardware } from './interfaces.ts';

/**
 * `okienko device --check`: for an installer at the counter. Lights each colour in turn, writes a
 * test screen (with every Polish letter), then reports each button and badge as it is pressed or
 * presented, so the wiring can be checked one part at a time.
 */
export async function checkHardware(
  hw: CounterHardware,
  say: (line: string) => void,
  opts: { stepMs: number; listenMs: number; wait?: (ms: number) => Promise<void> },
): Promise<{ buttons: ButtonId[]; badges: string[] }> {
  const wait = opts.wait ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (const color of ['red', 'amber', 'green'] as const) {
    say(`light: ${color} — is the ${color} lamp lit, and only it?`);
    await hw.light.set(color);
    await wait(opts.stepMs);
  }
  await hw.light.set('off');
  say('light: off');
  const { cols, rows } = hw.display.size;
  const screen = ['Test wyświetlacza', 'ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ', `${cols}×${rows} 0123456789`, 'abcdefghijklmnopqrstuvwxyz'];
  await hw.display.show(screen);
  say(`display (${cols}×${rows}): it should read\n${screen.slice(0, rows).map((l) => `    ${l.slice(0, cols)}`).join('\n')}`);
  const buttons: ButtonId[] = [];
  const badges: string[] = [];
  if (opts.listenMs === 0) {
    say('buttons: simulated — nothing to press here, so not listening (press them on the counter\'s panel)');
    return { buttons: [], badges: [] };
  }
  say(`press each button${hw.badge ? ' and present a badge' : ''}; listening for ${Math.round(opts.listenMs / 1000)} s`);
  const offEdge = hw.buttons.onEdge((e) => {
    say(`button ${e.button} ${e.pressed ? 'down' : 'up'}`);
    if (e.pressed && !buttons.includes(e.button)) buttons.push(e.button);
  });
  const offBadge = hw.badge?.onBadge((id) => {
    say(`badge ${id}`);
    badges.push(id);
  });
  await wait(opts.listenMs);
  offEdge();
  offBadge?.();
  say(`seen: ${buttons.length ? buttons.join(', ') : 'no buttons'}; ${badges.length} badge(s)`);
  return { buttons, badges };
}
