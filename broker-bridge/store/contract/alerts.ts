import type { AlertFacts, AlertKind, AlertView } from '@okienko/protocol';

/** Which alerts to list: still holding or ended, where, which kind, raised when (epoch ms, `to` exclusive). */
export interface AlertFilter {
  open?: boolean | undefined;
  site?: string | undefined;
  kind?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

/** A situation to raise as an alert, as the alert rules (alerts/rules.ts) find it. */
export interface AlertCondition {
  /** Stable while the same situation lasts: one alert per situation, not one per check. */
  key: string;
  kind: AlertKind;
  site: string;
  counter: string | null;
  facts: AlertFacts;
  message: string;
  /**
   * The key names one occurrence, judged from this bridge's own memory (the unhappy run's votes):
   * raised at most once ever, not again after it cleared. With several bridges sharing the
   * stream each sees only its share of the votes, so one may clear what another holds; raised
   * again, that would be a new alert at every check.
   */
  once?: true;
}

/** A stored alert: the protocol's AlertView (one definition for the API and the dashboard). */
export type AlertRecord = AlertView;

/** Alerts: one per situation while it lasts, kept as history with who acknowledged them. */
export interface AlertStore {
  /**
   * Raise an alert for a situation; null when an alert of that key is still open (the situation
   * was raised and has not ended). Once cleared, the same key raises a new alert: a situation
   * that arises again is news again — unless the condition says `once` (its key names one
   * occurrence): then never again. Bridges sharing the store raise an open key once between them.
   */
  raiseAlert(condition: AlertCondition, at: number): Promise<AlertRecord | null>;
  /** Clear the open alerts whose situation no longer holds (keys not in `holding`); returns them. */
  clearAlerts(holding: readonly string[], at: number): Promise<AlertRecord[]>;
  listAlerts(filter: AlertFilter): Promise<AlertRecord[]>;
  /** A manager has seen it: who, and what they did about it. Null when there is no such alert. */
  ackAlert(id: string, by: string, comment: string, at: number): Promise<AlertRecord | null>;
}
