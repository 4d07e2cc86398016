import { useSyncExternalStore } from 'react';

const KEY = 'mammoth.token';
const listeners = new Set<() => void>();

/** readToken is the token typed at the login page, kept in this browser, or null. */
export function readToken(): string | null {
  return localStorage.getItem(KEY);
}

/** saveToken keeps the token (null forgets it) and tells every component that reads it. */
export function saveToken(token: string | null): void {
  if (token) localStorage.setItem(KEY, token);
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

/** useToken is the current token, re-rendering on sign in and sign out. */
export function useToken(): string | null {
  return useSyncExternalStore((l) => {
    listeners.add(l);
    return () => listeners.delete(l);
  }, readToken);
}
