import { officeDemo } from './format.ts';
import { dateTime, w } from './i18n.ts';

/**
 * On every manager page while the store holds the demo's made-up history (broker-bridge/demo.ts):
 * a manager must never take it for an office's own figures. It goes with a fresh data folder.
 */
export function DemoBanner() {
  const demo = officeDemo();
  if (!demo) return null;
  return (
    <p class="demo-banner" role="note" data-testid="demo-banner">
      <strong>{w.demoTitle}</strong> {w.demoText(dateTime(demo.since))}
    </p>
  );
}

/** The lobby's line, in both languages at once as the hall screen speaks. */
export function LobbyDemoBanner() {
  if (!officeDemo()) return null;
  return (
    <p class="demo-banner" role="note" data-testid="demo-banner">
      <strong>DEMO</strong> dane przykładowe, nie urzędu · <span lang="en">example data, not an office&apos;s</span>
    </p>
  );
}
