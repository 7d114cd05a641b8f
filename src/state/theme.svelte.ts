/**
 * Light/dark theme: follows the system unless the user picks one. The choice is a display preference, not
 * user data, so it lives in localStorage (read synchronously on start to avoid a flash of the wrong theme).
 */

export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'wasmlens-theme';

export class Theme {
  choice = $state<ThemeChoice>('system');

  constructor() {
    if (typeof localStorage === 'undefined') return;
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') this.choice = saved;
    this.apply();
  }

  /** Cycles system → light → dark → system. */
  next(): void {
    this.set(this.choice === 'system' ? 'light' : this.choice === 'light' ? 'dark' : 'system');
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    if (choice === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, choice);
    this.apply();
  }

  private apply(): void {
    const root = document.documentElement;
    if (this.choice === 'system') delete root.dataset.theme;
    else root.dataset.theme = this.choice;
  }
}
