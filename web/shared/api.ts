/**
 * The one way both pages talk to the cloud: the typed contracts client over fetch, same origin
 * (baseUrl ''), with the staff token kept in the storage each page chose.
 */
import { ApiError, createApiClient, fetchTransport, type ApiClient } from '../../contracts/client';

export { ApiError };
export type { ApiClient };

export interface TokenStore {
  get(): string | null;
  set(token: string): void;
  clear(): void;
}

export function tokenStore(storage: Storage, key: string): TokenStore {
  // Storage can throw (private mode, disabled cookies); a page without storage still works for one visit.
  let memory: string | null = null;
  return {
    get() {
      try {
        return storage.getItem(key) ?? memory;
      } catch {
        return memory;
      }
    },
    set(token) {
      memory = token;
      try {
        storage.setItem(key, token);
      } catch {
        /* memory copy is enough */
      }
    },
    clear() {
      memory = null;
      try {
        storage.removeItem(key);
      } catch {
        /* nothing stored */
      }
    },
  };
}

export function makeClient(tokens: TokenStore, onUnauthenticated: (err: ApiError) => void): ApiClient {
  return createApiClient({ baseUrl: '', transport: fetchTransport, getToken: () => tokens.get(), onUnauthenticated });
}

/** A message fit to show: the server's Chinese message for API errors, a generic one otherwise. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return '系统开小差了，请稍后再试';
}
