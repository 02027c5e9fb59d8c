/** Settings shared by every bridge on the store (the demo's mark, demo.ts). */
export interface SettingStore {
  /** A setting shared by every bridge on this store; the first value written stays. */
  setting(key: string, initial: () => string): Promise<string>;
}
