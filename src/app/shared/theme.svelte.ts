// Light, dark, or whatever the system prefers. The CSS does the work (color-scheme with light-dark()),
// so a choice is one attribute on <html>.

export type ThemeMode = 'system' | 'light' | 'dark';

const STORE = 'seqack.theme';

class Theme {
  mode = $state<ThemeMode>(readSaved());

  set(mode: ThemeMode): void {
    this.mode = mode;
    globalThis.localStorage?.setItem(STORE, mode);
    apply(mode);
  }
}

function readSaved(): ThemeMode {
  const v = globalThis.localStorage?.getItem(STORE);
  return v === 'light' || v === 'dark' ? v : 'system';
}

function apply(mode: ThemeMode): void {
  if (!globalThis.document) return;
  if (mode === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = mode;
}

export const theme = new Theme();
apply(theme.mode);
